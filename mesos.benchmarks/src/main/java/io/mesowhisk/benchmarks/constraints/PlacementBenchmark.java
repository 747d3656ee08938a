package io.mesowhisk.benchmarks.constraints;

import com.netflix.fenzo.SchedulingResult;
import com.netflix.fenzo.TaskScheduler;
import com.netflix.fenzo.VMAssignmentResult;
import io.mesowhisk.mesos.constraints.PlacementEngine;
import io.mesowhisk.mesos.constraints.PlacementResult;
import io.mesowhisk.mesos.constraints.PlacementStrategy;
import io.mesowhisk.mesos.constraints.internal.DefaultPlacementEngine;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One placement pass of {@value #TASKS} pending tasks over {@code agents} offers: our engine (bin-pack, the old
 * default) against Netflix Fenzo 0.13.8 in its fastest first-fit setting (default fitness calculator, the first
 * successful assignment is good enough), same workload, same run. Scores are placements per second: each invocation
 * places all {@value #TASKS} tasks, which {@link #check()} verifies for both before measuring.
 *
 * <p>Run: {@code java -jar mesos.benchmarks/target/benchmarks.jar constraints.PlacementBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
public class PlacementBenchmark {

    static final int TASKS = 10_000;

    @Param({"1000", "10000"})
    public int agents;

    private Workload workload;
    private final PlacementEngine engine = new DefaultPlacementEngine();

    @Setup(Level.Trial)
    public void check() {
        workload = new Workload(agents, TASKS);
        int ours = ours().assignments().size();
        int fenzo = placed(fenzo());
        System.out.printf("%n[placement check] agents=%d tasks=%d placed: mesowhisk=%d fenzo=%d%n", agents, TASKS, ours,
                fenzo);
        if (ours != TASKS || fenzo != TASKS) {
            throw new IllegalStateException("both schedulers must place all " + TASKS + " tasks for the scores to be "
                    + "placements/s: mesowhisk placed " + ours + ", fenzo " + fenzo);
        }
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public PlacementResult mesowhisk() {
        return ours();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public SchedulingResult fenzo() {
        // a fresh scheduler per pass: leases are consumed by a pass, as offers are
        TaskScheduler scheduler = new TaskScheduler.Builder()
                .withLeaseRejectAction(lease -> { })
                .withFitnessGoodEnoughFunction(fitness -> true)
                .disableShortfallEvaluation()
                .build();
        try {
            return scheduler.scheduleOnce(workload.fenzoTasks, workload.leases);
        } finally {
            scheduler.shutdown();
        }
    }

    private PlacementResult ours() {
        return engine.place(workload.tasks, workload.offers, List.of(), PlacementStrategy.BIN_PACK);
    }

    private static int placed(SchedulingResult r) {
        int n = 0;
        for (VMAssignmentResult a : r.getResultMap().values()) {
            n += a.getTasksAssigned().size();
        }
        return n;
    }
}
