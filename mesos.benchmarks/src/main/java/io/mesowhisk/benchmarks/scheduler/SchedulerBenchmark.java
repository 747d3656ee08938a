package io.mesowhisk.benchmarks.scheduler;

import io.mesowhisk.mesos.api.MesosClient;
import io.mesowhisk.mesos.api.MesosClientConfig;
import io.mesowhisk.mesos.api.Subscription;
import io.mesowhisk.mesos.api.SubscriptionListener;
import io.mesowhisk.mesos.emulator.AgentSpec;
import io.mesowhisk.mesos.emulator.MesosEmulator;
import io.mesowhisk.mesos.scheduler.FrameworkIdStore;
import io.mesowhisk.mesos.scheduler.FrameworkSettings;
import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.mesos.scheduler.LaunchedTask;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import io.mesowhisk.mesos.scheduler.SchedulerSettings;
import io.mesowhisk.mesos.scheduler.SchedulerStatus;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scheduler against the emulator on loopback (both in this JVM, which shares the cores with the emulator):
 * <ul>
 * <li>{@code launchFromHeldOffer}: framework overhead of one launch when a held offer fits, from {@code launch()} to
 *     the ACCEPT handed to the HTTP client (SampleTime: p50/p99, which adds the benchmark thread's wake-up; each
 *     iteration also prints the overhead alone, timed on the threads where it starts and ends);</li>
 * <li>{@code launchAndKill1000}: 1,000 launches to RUNNING then 1,000 kills to KILLED per invocation; reported per
 *     launch, with the acknowledged updates as an auxiliary rate;</li>
 * <li>{@code startToSubscribed}: building a scheduler until it is SUBSCRIBED (a fresh framework each time);</li>
 * <li>{@code heapPerPendingTask}: heap retained per tracked (pending) task with 100,000 tracked, as an aux counter.</li>
 * </ul>
 * Run: {@code java -jar mesos.benchmarks/target/benchmarks.jar SchedulerBenchmark}.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class SchedulerBenchmark {

    static FrameworkSettings framework() {
        return new FrameworkSettings("benchmark", "bench", "*", Duration.ofHours(1), Optional.empty(),
                Optional.empty());
    }

    static MesosClientConfig client(MesosEmulator emu) {
        return MesosClientConfig.builder().masters(emu.masterUris()).build();
    }

    static <T> T await(CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    static void awaitTrue(java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not met within 60 s");
            }
            Thread.sleep(1);
        }
    }

    /** A client whose subscriptions signal each ACCEPT as it is handed to the HTTP client. */
    static final class SignallingClient {
        final AtomicReference<CompletableFuture<Void>> nextAccept = new AtomicReference<>(new CompletableFuture<>());
        /** When the last ACCEPT was handed to the HTTP client (System.nanoTime, on the scheduler's loop thread). */
        volatile long acceptedNanos;
        final MesosClient client;

        SignallingClient(MesosClient real) {
            this.client = (MesosClient) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {MesosClient.class}, (proxy, method, args) -> {
                        if (method.getName().equals("subscribe")) {
                            SubscriptionListener l = (SubscriptionListener) args[1];
                            Subscription[] outer = new Subscription[1];
                            Subscription inner = real.subscribe((FrameworkInfo) args[0], forward(l, outer));
                            outer[0] = wrap(inner);
                            return outer[0];
                        }
                        return method.invoke(real, args);
                    });
        }

        private SubscriptionListener forward(SubscriptionListener l, Subscription[] outer) {
            // the same listener interfaces, so that an OffersListener still takes OFFERS events encoded
            return (SubscriptionListener) Proxy.newProxyInstance(getClass().getClassLoader(),
                    l.getClass().getInterfaces(), (p, m, a) -> {
                        a[0] = outer[0];
                        return m.invoke(l, a);
                    });
        }

        private Subscription wrap(Subscription inner) {
            InvocationHandler h = (p, m, a) -> {
                Object r = m.invoke(inner, a);
                if (m.getName().equals("accept")) {
                    acceptedNanos = System.nanoTime();
                    nextAccept.get().complete(null);
                }
                return r;
            };
            return (Subscription) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Subscription.class}, h);
        }
    }

    /**
     * A scheduler holding one offer from each of {@value #HELD_AGENTS} agents. Each measured launch starts with the
     * emulator and the scheduler quiet: the previous launch is running and all its updates are acknowledged, so what
     * is measured is the framework's own path (one placement pass over the held offers, the TaskInfo, the ACCEPT
     * encoded and handed to the HTTP client), not the emulator working on the previous task on the same cores.
     */
    @State(Scope.Benchmark)
    public static class Held {
        static final int HELD_AGENTS = 32;
        MesosEmulator emu;
        MesosScheduler scheduler;
        SignallingClient signalling;
        MesosClient real;
        CompletionStage<LaunchedTask> previous;
        final List<Long> overheads = new ArrayList<>();

        @Setup(Level.Trial)
        public void start() throws Exception {
            emu = MesosEmulator.builder().agents(HELD_AGENTS).agentHttp(false)
                    .defaultAgent(AgentSpec.of("cpus:100000;mem:100000000;disk:1000;ports:[31000-32000]", ""))
                    .allocationInterval(Duration.ofMillis(50)).dockerStartDelay(Duration.ZERO).start();
            real = MesosClient.create(client(emu));
            signalling = new SignallingClient(real);
            scheduler = MesosScheduler.builder().mesosClient(signalling.client).framework(framework())
                    .settings(SchedulerSettings.builder().holdOffers(Duration.ofMinutes(10))
                            .offerRefuse(Duration.ZERO).build())
                    .idStore(FrameworkIdStore.inMemory()).build();
            awaitTrue(() -> scheduler.heldOffers().size() == HELD_AGENTS);
        }

        @Setup(Level.Invocation)
        public void quiet() throws Exception {
            if (previous != null) {
                await(previous);
                // RUNNING is the task's last update: once it is acknowledged, nothing is in flight
                long updates = scheduler.metrics().snapshot().counter(SchedulerMetrics.UPDATES);
                awaitTrue(() -> scheduler.metrics().snapshot().counter(SchedulerMetrics.ACKNOWLEDGED) >= updates);
            }
            signalling.nextAccept.set(new CompletableFuture<>());
            awaitTrue(() -> scheduler.heldOffers().size() >= HELD_AGENTS / 2);
        }

        @Setup(Level.Iteration)
        public void clearOverheads() {
            overheads.clear();
        }

        /**
         * The framework's overhead alone: from {@code launch()} to the ACCEPT handed to the HTTP client, both taken on
         * the threads where they happen. JMH's own figure adds the benchmark thread's wake-up when the ACCEPT is out,
         * which is the measurement's cost, not the framework's.
         */
        @TearDown(Level.Iteration)
        public void printOverheads() {
            long[] v = overheads.stream().mapToLong(Long::longValue).sorted().toArray();
            if (v.length > 0) {
                System.out.printf("  launch() to ACCEPT handed over (µs), %d launches: p50 %d, p90 %d, p99 %d, p99.9 %d,"
                        + " max %d%n", v.length, v[v.length / 2] / 1000, v[v.length * 9 / 10] / 1000,
                        v[v.length * 99 / 100] / 1000, v[v.length * 999 / 1000] / 1000, v[v.length - 1] / 1000);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            // the loop's own share: one placement pass over the held offers, TaskInfo built, ACCEPT handed over
            System.out.println("placement pass to ACCEPT (µs): " + scheduler.metrics().snapshot().latencies()
                    .get(SchedulerMetrics.OFFER_CYCLE_LATENCY));
            scheduler.close();
            real.close();
            emu.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    // the scheduler's and the emulator's Jetty paths take about 30 s to be compiled: until then p50 keeps falling
    // from iteration to iteration and p99 is the JIT's, not the framework's
    @Warmup(iterations = 6, time = 10)
    @Measurement(iterations = 5, time = 10)
    public Object launchFromHeldOffer(Held h) throws Exception {
        long start = System.nanoTime();
        CompletionStage<LaunchedTask> l = h.scheduler.launch(LaunchRequest.builder("held").docker("busybox")
                .cpus(0.001).memMb(1).build());
        h.signalling.nextAccept.get().get(60, TimeUnit.SECONDS);
        h.overheads.add(h.signalling.acceptedNanos - start);
        h.previous = l;
        return l;
    }

    /** Emulator with four agents, one scheduler; acknowledged updates counted as an auxiliary rate. */
    @State(Scope.Benchmark)
    public static class Loopback {
        MesosEmulator emu;
        MesosScheduler scheduler;

        @Setup(Level.Trial)
        public void start() throws Exception {
            emu = MesosEmulator.builder().agents(4)
                    .defaultAgent(AgentSpec.of("cpus:1000;mem:10000000;disk:1000;ports:[31000-32000]", ""))
                    .allocationInterval(Duration.ofMillis(10)).dockerStartDelay(Duration.ZERO).start();
            scheduler = MesosScheduler.builder().client(client(emu)).framework(framework())
                    .settings(SchedulerSettings.builder().offerRefuse(Duration.ZERO)
                            .reviveInterval(Duration.ofMillis(10)).launchTimeout(Duration.ofMinutes(5)).build())
                    .idStore(FrameworkIdStore.inMemory()).build();
            awaitTrue(() -> scheduler.status().state() == SchedulerStatus.State.SUBSCRIBED);
        }

        @TearDown(Level.Trial)
        public void stop() {
            scheduler.close();
            emu.close();
        }
    }

    /** Auxiliary counter: updates acknowledged during the measured invocations. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Acks {
        public long acknowledgedUpdates;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(1000)
    @Warmup(iterations = 4, time = 10) // the Jetty paths on both sides take about 30 s to be compiled
    @Measurement(iterations = 3, time = 10)
    public void launchAndKill1000(Loopback b, Acks acks) throws Exception {
        long before = b.scheduler.metrics().snapshot().counter(SchedulerMetrics.ACKNOWLEDGED);
        List<CompletionStage<LaunchedTask>> launches = new ArrayList<>(1000);
        for (int i = 0; i < 1000; i++) {
            launches.add(b.scheduler.launch(LaunchRequest.builder("t").docker("busybox").cpus(0.01).memMb(1)
                    .build()));
        }
        List<CompletionStage<?>> kills = new ArrayList<>(1000);
        for (CompletionStage<LaunchedTask> l : launches) {
            kills.add(b.scheduler.kill(await(l).taskId()));
        }
        for (CompletionStage<?> k : kills) {
            await(k);
        }
        acks.acknowledgedUpdates += b.scheduler.metrics().snapshot().counter(SchedulerMetrics.ACKNOWLEDGED) - before;
    }

    /** The emulator, started once. */
    @State(Scope.Benchmark)
    public static class Master {
        MesosEmulator emu;

        @Setup(Level.Trial)
        public void start() {
            emu = MesosEmulator.builder().agents(1).start();
        }

        @TearDown(Level.Trial)
        public void stop() {
            emu.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 5, batchSize = 1)
    @Measurement(iterations = 20, batchSize = 1)
    public void startToSubscribed(Master m) throws Exception {
        try (MesosScheduler s = MesosScheduler.builder().client(client(m.emu)).framework(framework())
                .settings(SchedulerSettings.builder().teardownOnStop(true).build())
                .idStore(FrameworkIdStore.inMemory()).build()) {
            awaitTrue(() -> s.status().state() == SchedulerStatus.State.SUBSCRIBED);
        }
    }

    /** Auxiliary result: retained heap per tracked task. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Heap {
        public long bytesPerTask;
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 0)
    @Measurement(iterations = 3, batchSize = 1)
    public void heapPerPendingTask(Heap heap) throws Exception {
        int n = 100_000;
        // no agents: every task stays pending and tracked
        try (MesosEmulator emu = MesosEmulator.builder().agents(0).start();
                MesosScheduler s = MesosScheduler.builder().client(client(emu)).framework(framework())
                        .settings(SchedulerSettings.builder().launchTimeout(Duration.ofHours(1))
                                .stopTimeout(Duration.ofMinutes(2)).build())
                        .idStore(FrameworkIdStore.inMemory()).build()) {
            awaitTrue(() -> s.status().state() == SchedulerStatus.State.SUBSCRIBED);
            long before = usedAfterGc();
            List<CompletionStage<LaunchedTask>> keep = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                keep.add(s.launch(LaunchRequest.builder("action-" + (i % 100)).docker("openwhisk/action-nodejs-v20")
                        .cpus(0.1).memMb(256).containerPorts(8080).build()));
            }
            awaitTrue(() -> s.status().tasksByPhase().get(io.mesowhisk.mesos.scheduler.TaskPhase.PENDING) == n);
            long after = usedAfterGc();
            heap.bytesPerTask = (after - before) / n;
            System.out.println("heap per pending task: " + heap.bytesPerTask + " bytes (" + n + " tasks)");
            if (keep.size() != n) {
                throw new IllegalStateException();
            }
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
