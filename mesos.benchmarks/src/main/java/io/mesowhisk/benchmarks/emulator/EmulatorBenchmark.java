package io.mesowhisk.benchmarks.emulator;

import io.mesowhisk.mesos.emulator.AgentSpec;
import io.mesowhisk.mesos.emulator.MesosEmulator;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpMethod;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast the Mesos emulator serves a framework over real HTTP (protobuf, RecordIO), client and emulator sharing
 * the machine's cores:
 * <ul>
 *   <li>{@code taskLifecycles}: each operation is one simulated docker task's whole life — launched in an ACCEPT of
 *   {@value #BATCH} tasks, STARTING, RUNNING, KILL, KILLED, every update acknowledged; so ops/s = launches/s. The
 *   secondary result {@code statusUpdates} counts the status updates the client received and acknowledged, per
 *   second (three per task).</li>
 *   <li>{@code allocationRound10kAgents}: one allocation over 10,000 agents with all resources free, the OFFERS event
 *   (10,000 offers) received and all offers declined again; compare with the 1 s allocation interval.</li>
 * </ul>
 *
 * <p>Both sides run a lot of JIT-compiled Jetty code, which takes about a minute to reach its steady state on
 * two cores; the warm-up below is sized for that (shorter runs measure the compiler, not the emulator).
 */
@Fork(1)
@Warmup(iterations = 12, time = 5)
@Measurement(iterations = 5, time = 5)
public class EmulatorBenchmark {

    static final int BATCH = 200;

    /** A minimal protobuf scheduler on Jetty's HTTP client. */
    static final class Client implements AutoCloseable {
        final HttpClient http = new HttpClient();
        final java.net.http.HttpClient streamClient = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        final URI endpoint;
        String streamId;
        final AtomicReference<Protos.FrameworkID> frameworkId = new AtomicReference<>();
        final BlockingQueue<Event> offers = new LinkedBlockingQueue<>();
        volatile CountDownLatch killed;
        final AtomicLong failures = new AtomicLong();
        /** Status updates received on the event stream (written by the reader thread only). */
        final AtomicLong updatesReceived = new AtomicLong();
        volatile boolean closing;
        private Thread reader;

        Client(URI master) throws Exception {
            this.endpoint = master.resolve("/api/v1/scheduler");
            http.setMaxConnectionsPerDestination(16);
            http.setMaxRequestsQueuedPerDestination(1 << 20);
            http.start();
        }

        void subscribe() throws Exception {
            Call call = Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
                .setFrameworkInfo(Protos.FrameworkInfo.newBuilder().setUser("bench").setName("bench"))).build();
            // the event stream is read with the JDK's client (Jetty's InputStreamResponseListener hands large
            // streamed bodies over slowly); calls go through Jetty's client, which pipelines them well
            java.net.http.HttpResponse<InputStream> response = streamClient.send(java.net.http.HttpRequest
                .newBuilder(endpoint).header("Content-Type", "application/x-protobuf")
                .header("Accept", "application/x-protobuf")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(call.toByteArray())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("SUBSCRIBE answered " + response.statusCode());
            }
            streamId = response.headers().firstValue("Mesos-Stream-Id").orElseThrow();
            InputStream in = new java.io.BufferedInputStream(response.body(), 1 << 16);
            reader = new Thread(() -> read(in), "bench-reader");
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (frameworkId.get() == null && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }

        private void read(InputStream in) {
            try {
                while (true) {
                    int length = 0;
                    int c;
                    while ((c = in.read()) != '\n') {
                        if (c < 0) {
                            return;
                        }
                        length = length * 10 + (c - '0');
                    }
                    Event e = Event.parseFrom(in.readNBytes(length));
                    switch (e.getType()) {
                        case SUBSCRIBED -> frameworkId.set(e.getSubscribed().getFrameworkId());
                        case OFFERS -> offers.add(e);
                        case UPDATE -> onUpdate(e.getUpdate().getStatus());
                        default -> {
                        }
                    }
                }
            } catch (IOException e) {
                // stream closed at tear-down
            }
        }

        private void onUpdate(Protos.TaskStatus s) {
            updatesReceived.incrementAndGet();
            if (s.hasUuid()) {
                send(call(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                    .setAgentId(s.getAgentId()).setTaskId(s.getTaskId()).setUuid(s.getUuid())).build());
            }
            switch (s.getState()) {
                case TASK_RUNNING -> send(call(Call.Type.KILL).setKill(Call.Kill.newBuilder()
                    .setTaskId(s.getTaskId()).setAgentId(s.getAgentId())).build());
                case TASK_KILLED -> killed.countDown();
                case TASK_STARTING, TASK_KILLING -> {
                }
                default -> {
                    if (failures.incrementAndGet() < 5) {
                        System.err.println("unexpected update " + s.getState() + " " + s.getMessage());
                    }
                    killed.countDown();
                }
            }
        }

        Call.Builder call(Call.Type type) {
            return Call.newBuilder().setType(type).setFrameworkId(frameworkId.get());
        }

        Request request(Call call) {
            return http.newRequest(endpoint).method(HttpMethod.POST)
                .headers(h -> h.put("Mesos-Stream-Id", streamId))
                .body(new BytesRequestContent("application/x-protobuf", call.toByteArray()));
        }

        void send(Call call) {
            request(call).send(result -> {
                if (!closing && (result.isFailed() || result.getResponse().getStatus() != 202)) {
                    if (failures.incrementAndGet() < 5) {
                        System.err.println("call " + call.getType() + " failed: " + (result.isFailed()
                            ? result.getFailure() : result.getResponse().getStatus()));
                    }
                }
            });
        }

        int sendAndWait(Call call) throws Exception {
            return request(call).send().getStatus();
        }

        @Override
        public void close() throws Exception {
            closing = true;
            http.stop();
        }
    }

    @State(Scope.Benchmark)
    public static class Lifecycles {
        MesosEmulator emu;
        Client client;
        long nextTask;

        /**
         * Where the agents' work directory (every launch creates a sandbox there) lives: {@code tmpfs} (/dev/shm, as
         * a load test should have it, when writable) or {@code default} (the emulator's default, a temporary
         * directory under java.io.tmpdir, on disk on most machines). {@code -p workDir=default} selects the second.
         */
        @Param({"tmpfs"})
        public String workDir;
        java.nio.file.Path ownWorkDir;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            MesosEmulator.Builder b = MesosEmulator.builder();
            java.nio.file.Path shm = java.nio.file.Path.of("/dev/shm");
            if (workDir.equals("tmpfs") && java.nio.file.Files.isWritable(shm)) {
                ownWorkDir = java.nio.file.Files.createTempDirectory(shm, "mesos-emulator-bench-");
                b.workDir(ownWorkDir);
            } else if (!workDir.equals("default") && !workDir.equals("tmpfs")) {
                throw new IllegalArgumentException("workDir must be tmpfs or default, not '" + workDir + "'");
            }
            emu = b.agents(10)
                .defaultAgent(AgentSpec.of("cpus:100000;mem:100000000;disk:100000;ports:[31000-32000]", ""))
                .allocationInterval(Duration.ofMillis(5)).heartbeatInterval(Duration.ofSeconds(15)).start();
            client = new Client(emu.leaderUri());
            client.subscribe();
        }

        /**
         * An offer that fits a batch; smaller ones (resources freed task by task) are declined without a filter, so
         * they merge back into their agent's next, larger offer.
         */
        Protos.Offer bigOffer() throws InterruptedException {
            while (true) {
                Event e = client.offers.take();
                Protos.Offer chosen = null;
                Call.Decline.Builder decline = Call.Decline.newBuilder()
                    .setFilters(Protos.Filters.newBuilder().setRefuseSeconds(0));
                for (Protos.Offer o : e.getOffers().getOffersList()) {
                    double cpus = 0;
                    double mem = 0;
                    for (Protos.Resource r : o.getResourcesList()) {
                        if (r.getName().equals("cpus")) {
                            cpus += r.getScalar().getValue();
                        } else if (r.getName().equals("mem")) {
                            mem += r.getScalar().getValue();
                        }
                    }
                    if (chosen == null && cpus >= BATCH * 0.01 && mem >= BATCH) {
                        chosen = o;
                    } else {
                        decline.addOfferIds(o.getId());
                    }
                }
                if (decline.getOfferIdsCount() > 0) {
                    client.send(client.call(Call.Type.DECLINE).setDecline(decline).build());
                }
                if (chosen != null) {
                    return chosen;
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            if (client.failures.get() > 0) {
                System.err.println("WARNING: " + client.failures.get() + " failed calls or unexpected updates");
            }
            System.err.println("emulator: " + emu.launchedTasks() + " tasks launched, " + emu.statusUpdatesSent()
                + " status updates sent");
            client.close();
            emu.close();
            if (ownWorkDir != null) {
                try (var files = java.nio.file.Files.walk(ownWorkDir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /**
     * JMH reports each public field as a rate next to the primary result: {@code statusUpdates} per second, and
     * {@code emulatorCpuMicros}, the CPU time the emulator's own threads used per second of the run (1,000,000/s is
     * one core), so that what the emulator costs can be told apart from what the client in the same JVM costs.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Updates {
        public long statusUpdates;
        public long emulatorCpuMicros;
        private final EmulatorCpu cpu = new EmulatorCpu();
    }

    /** CPU time of the threads whose names start with {@code mesos-emulator}, counted per thread since last asked. */
    static final class EmulatorCpu {
        private final java.lang.management.ThreadMXBean threads =
            java.lang.management.ManagementFactory.getThreadMXBean();
        private final java.util.Map<Long, Long> seen = new java.util.HashMap<>();

        /**
         * Nanoseconds of CPU the emulator's threads used since the previous call. Threads are listed through their
         * thread group, which needs no safepoint (Thread.getAllStackTraces() would stop every thread each time).
         */
        long sinceLast() {
            ThreadGroup root = Thread.currentThread().getThreadGroup();
            while (root.getParent() != null) {
                root = root.getParent();
            }
            Thread[] all = new Thread[root.activeCount() + 64];
            int n = root.enumerate(all, true);
            long total = 0;
            for (int i = 0; i < n; i++) {
                Thread t = all[i];
                if (!t.getName().startsWith("mesos-emulator")) {
                    continue;
                }
                long now = threads.getThreadCpuTime(t.getId());
                if (now < 0) {
                    continue; // ended meanwhile
                }
                Long before = seen.put(t.getId(), now);
                total += now - (before == null ? 0 : before);
            }
            return total;
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void taskLifecycles(Lifecycles s, Updates counters) throws Exception {
        long updatesBefore = s.client.updatesReceived.get();
        counters.cpu.sinceLast();
        Protos.Offer offer = s.bigOffer();
        Protos.Offer.Operation.Launch.Builder launch = Protos.Offer.Operation.Launch.newBuilder();
        for (int i = 0; i < BATCH; i++) {
            String id = "t" + s.nextTask++;
            launch.addTaskInfos(Protos.TaskInfo.newBuilder().setName(id)
                .setTaskId(Protos.TaskID.newBuilder().setValue(id)).setAgentId(offer.getAgentId())
                .addResources(scalar("cpus", 0.01)).addResources(scalar("mem", 1))
                .setCommand(Protos.CommandInfo.newBuilder().setShell(false))
                .setContainer(Protos.ContainerInfo.newBuilder().setType(Protos.ContainerInfo.Type.DOCKER)
                    .setDocker(Protos.ContainerInfo.DockerInfo.newBuilder().setImage("bench"))));
        }
        s.client.killed = new CountDownLatch(BATCH);
        int status = s.client.sendAndWait(s.client.call(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
            .addOfferIds(offer.getId()).addOperations(Protos.Offer.Operation.newBuilder()
                .setType(Protos.Offer.Operation.Type.LAUNCH).setLaunch(launch))
            .setFilters(Protos.Filters.newBuilder().setRefuseSeconds(0))).build());
        if (status != 202 || !s.client.killed.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("batch did not complete (ACCEPT " + status + ")");
        }
        counters.statusUpdates += s.client.updatesReceived.get() - updatesBefore;
        counters.emulatorCpuMicros += counters.cpu.sinceLast() / 1000;
    }

    @State(Scope.Benchmark)
    public static class TenThousandAgents {
        MesosEmulator emu;
        Client client;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            emu = MesosEmulator.builder().agents(10_000).agentHttp(false)
                .allocationInterval(Duration.ofHours(1)).heartbeatInterval(Duration.ofSeconds(15)).start();
            client = new Client(emu.leaderUri());
            client.subscribe();
            client.offers.poll(10, TimeUnit.SECONDS); // the allocation triggered by SUBSCRIBE
            client.offers.clear();
            emu.rescindOffers();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            client.close();
            emu.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int allocationRound10kAgents(TenThousandAgents s) throws Exception {
        s.emu.allocateNow();
        Event e = s.client.offers.poll(30, TimeUnit.SECONDS);
        if (e == null || e.getOffers().getOffersCount() != 10_000) {
            throw new IllegalStateException("expected 10000 offers, got "
                + (e == null ? "none" : e.getOffers().getOffersCount()));
        }
        Call.Decline.Builder decline = Call.Decline.newBuilder()
            .setFilters(Protos.Filters.newBuilder().setRefuseSeconds(0));
        List<Protos.Offer> list = e.getOffers().getOffersList();
        for (Protos.Offer o : list) {
            decline.addOfferIds(o.getId());
        }
        int status = s.client.sendAndWait(s.client.call(Call.Type.DECLINE).setDecline(decline).build());
        if (status != 202) {
            throw new IllegalStateException("DECLINE answered " + status);
        }
        // the DECLINE is applied on the emulator's loop before the next allocateNow() there
        return list.size();
    }

    static Protos.Resource scalar(String name, double v) {
        return Protos.Resource.newBuilder().setName(name).setType(Protos.Value.Type.SCALAR)
            .setScalar(Protos.Value.Scalar.newBuilder().setValue(v)).build();
    }
}
