package io.mesowhisk.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation, for comparisons on a shared machine: when other processes take the cores, a benchmark's
 * wall-clock score drops with the share of CPU it got, while the CPU time it spends per operation changes much less.
 * Use with {@code -prof io.mesowhisk.benchmarks.CpuTimeProfiler}; it adds two secondary results per benchmark:
 * <ul>
 * <li>{@code cpu.worker.norm}: CPU ns per operation of the benchmark's worker thread(s) (the code under test only);</li>
 * <li>{@code cpu.process.norm}: CPU ns per operation of the whole forked JVM (adds GC, JIT and JMH's own threads,
 *     so allocation-heavy code pays for its garbage here).</li>
 * </ul>
 * Operations are JMH's ({@code @OperationsPerInvocation} counted), so the figures compare directly across benchmarks
 * of one class. Cache and hyper-thread sharing with other processes still move them somewhat.
 */
public final class CpuTimeProfiler implements InternalProfiler {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Map<Long, Long> threadCpuBefore = new HashMap<>();
    private long processCpuBefore;

    @Override
    public String getDescription() {
        return "CPU time per operation (worker threads and whole JVM)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        threadCpuBefore.clear();
        for (long id : threads.getAllThreadIds()) {
            threadCpuBefore.put(id, threads.getThreadCpuTime(id));
        }
        processCpuBefore = os.getProcessCpuTime();
    }

    @Override
    public List<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        long process = os.getProcessCpuTime() - processCpuBefore;
        long worker = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains("jmh-worker")) {
                long now = threads.getThreadCpuTime(info.getThreadId());
                worker += now - threadCpuBefore.getOrDefault(info.getThreadId(), 0L);
            }
        }
        double ops = Math.max(1, result.getMetadata().getAllOps());
        return List.of(new ScalarResult("cpu.worker.norm", worker / ops, "ns/op", AggregationPolicy.AVG),
                new ScalarResult("cpu.process.norm", process / ops, "ns/op", AggregationPolicy.AVG));
    }
}
