package io.mesowhisk.benchmarks.scheduler;

import io.mesowhisk.mesos.api.EncodedOffers;
import io.mesowhisk.mesos.api.Encoding;
import io.mesowhisk.mesos.api.internal.MessageCodec;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PlacementEngine;
import io.mesowhisk.mesos.constraints.PlacementResult;
import io.mesowhisk.mesos.constraints.PlacementResult.Assignment;
import io.mesowhisk.mesos.constraints.PlacementStrategy;
import io.mesowhisk.mesos.constraints.TaskRequest;
import io.mesowhisk.mesos.constraints.internal.DefaultPlacementEngine;
import io.mesowhisk.mesos.scheduler.internal.OfferIntake;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.Attribute;
import io.mesowhisk.mesos.v1.Protos.CommandInfo;
import io.mesowhisk.mesos.v1.Protos.ContainerInfo;
import io.mesowhisk.mesos.v1.Protos.ContainerInfo.DockerInfo;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.Resource;
import io.mesowhisk.mesos.v1.Protos.TaskID;
import io.mesowhisk.mesos.v1.Protos.TaskInfo;
import io.mesowhisk.mesos.v1.Protos.Value;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One OFFERS event of {@value #OFFERS} offers against {@value #TASKS} pending tasks, to the ACCEPT calls built, in the
 * same run:
 * <ul>
 * <li>{@link #ours}: what the scheduler does, from the event's bytes as they arrive: the offers are found in the
 * record ({@link EncodedOffers#fromEvent}) but not decoded, {@link OfferIntake} reads every offer's bytes into an
 * {@link OfferView}, the {@link DefaultPlacementEngine} places every task in one pass (bin-pack), and the ACCEPT
 * calls are built from the assignments, one per agent, decoding only the offers used;</li>
 * <li>{@link #reference}: a plain first-fit loop written for this benchmark ({@link FirstFit}) over the same offers
 * already decoded (their decoding is not counted): it reads cpus, mem and ports straight out of the protobuf offers
 * (the same role rules), puts each task on the first offer with room, and builds the same ACCEPT calls;</li>
 * <li>{@link #referenceDecoding}: the reference plus decoding the event, as the client does for a listener that
 * takes decoded events: what a framework built the usual way pays for the event.</li>
 * </ul>
 * Both build their calls with the same {@link Accepts} code, so the difference is offer intake plus placement;
 * {@link #oursIntakeAndPlacement} and {@link #referenceIntakeAndPlacement} measure that part alone, and
 * {@link #oursIntake} and {@link #oursPlacement} our two halves of it; {@link #intakeFloor} is the least any intake
 * could cost (finding each offer's fields, reading none). The
 * workload: agents with cpus 8, mem 32768, disk 100000, ports 31000-31999 (allocated to the framework's role), every
 * fifth also with 2 cpus and 4096 mem statically reserved for another role (which neither may use), and attributes
 * zone (TEXT), rack (TEXT), pool (TEXT) and gen (SCALAR); tasks of 0.25 cpu, 256 MB and 1 host port for a docker
 * image, without constraints (the reference has none). Each agent takes 32 tasks, so both place all {@value #TASKS}
 * tasks on the first 313 offers; {@link #check()} verifies that before measuring and that both build equal calls.
 * Offer ids are numbered with leading zeros so that bin-pack's tie-break (offer id) keeps the received order, as the
 * reference does. Scores are the time of one whole event (ms/op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// a fixed, pre-touched heap: growing the heap while measuring made single iterations 5x slower (page faults)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Xms2g", "-Xmx2g",
    "-XX:+AlwaysPreTouch"})
public class OfferIntakeBenchmark {

    static final int OFFERS = 10_000;
    static final int TASKS = 10_000;
    static final String ROLE = "whisk";
    private static final MessageCodec CODEC = MessageCodec.of(Encoding.PROTOBUF);

    private List<Offer> offers;
    private byte[] record;
    private List<OfferView> views;
    private List<Spec> specs;
    private List<TaskRequest> requests;
    private Map<String, Spec> specById;
    private final PlacementEngine engine = new DefaultPlacementEngine();

    /** A pending task as the scheduler keeps it: what to launch and what placement needs. */
    record Spec(String id, String name, String image, double cpus, double mem, int ports) {
    }

    @Setup(Level.Trial)
    public void check() {
        offers = offers(OFFERS);
        record = Event.newBuilder().setType(Event.Type.OFFERS)
                .setOffers(Event.Offers.newBuilder().addAllOffers(offers)).build().toByteArray();
        specs = new ArrayList<>(TASKS);
        requests = new ArrayList<>(TASKS);
        specById = new HashMap<>(TASKS * 2);
        for (int i = 0; i < TASKS; i++) {
            Spec s = new Spec("whisk-0-1700000000-" + i, "wsk-action-" + i, "openwhisk/action-nodejs-v20", 0.25, 256, 1);
            specs.add(s);
            specById.put(s.id(), s);
            requests.add(TaskRequest.builder(s.id()).cpus(s.cpus()).mem(s.mem()).ports(s.ports()).build());
        }
        views = OfferIntake.toViews(EncodedOffers.fromEvent(record), ROLE);
        List<Call> ours = ours();
        List<Call> reference = reference();
        if (!referenceDecoding().equals(reference)) {
            throw new IllegalStateException("the reference built other calls from the decoded event");
        }
        int oursTasks = launched(ours);
        int referenceTasks = launched(reference);
        System.out.printf("%n[offer intake check] offers=%d tasks=%d launched: ours=%d in %d calls, reference=%d in %d"
                + " calls%n", OFFERS, TASKS, oursTasks, ours.size(), referenceTasks, reference.size());
        if (oursTasks != TASKS || referenceTasks != TASKS) {
            throw new IllegalStateException("both paths must launch all " + TASKS + " tasks: ours " + oursTasks
                    + ", reference " + referenceTasks);
        }
        if (!new java.util.HashSet<>(ours).equals(new java.util.HashSet<>(reference))) {
            throw new IllegalStateException("the two paths built different ACCEPT calls");
        }
    }

    /** Event bytes → OfferView → one placement pass → ACCEPT calls, as the scheduler does it. */
    @Benchmark
    public List<Call> ours() {
        PlacementResult result = oursPlace();
        Map<String, List<Assignment>> byAgent = new LinkedHashMap<>();
        for (Assignment a : result.assignments()) {
            byAgent.computeIfAbsent(a.offer().agentId(), k -> new ArrayList<>()).add(a);
        }
        List<Call> calls = new ArrayList<>(byAgent.size());
        for (List<Assignment> group : byAgent.values()) {
            Offer offer = OfferIntake.offerOf(group.get(0).offer()); // decoded now, as in the scheduler
            List<TaskInfo> infos = new ArrayList<>(group.size());
            Accepts.Carver carver = new Accepts.Carver(offer);
            for (Assignment a : group) {
                infos.add(Accepts.taskInfo(specById.get(a.task().id()), carver, a.ports()));
            }
            calls.add(Accepts.accept(offer, infos));
        }
        return calls;
    }

    /** The plain first-fit loop over the same protobuf offers, decoded beforehand. */
    @Benchmark
    public List<Call> reference() {
        return FirstFit.accepts(offers, FirstFit.place(offers, specs, ROLE));
    }

    /** The event's bytes decoded (as the client decodes events, strings sharing the record), then {@link #reference}. */
    @Benchmark
    public List<Call> referenceDecoding() {
        List<Offer> decoded = CODEC.decodeEvent(record).getOffers().getOffersList();
        return FirstFit.accepts(decoded, FirstFit.place(decoded, specs, ROLE));
    }

    /** {@link #ours()} without building the calls: offer intake and placement only. */
    @Benchmark
    public PlacementResult oursIntakeAndPlacement() {
        return oursPlace();
    }

    /** Offer intake alone: the offers found in the event's bytes, and each read into an {@link OfferView}. */
    @Benchmark
    public List<OfferView> oursIntake() {
        return OfferIntake.toViews(EncodedOffers.fromEvent(record), ROLE);
    }

    /**
     * The least any offer intake does, for comparison with {@link #oursIntake}: the offers found in the event, and
     * every top-level field of each stepped over by its tag and length, with no value read: no resource parsed, no
     * string, no view. (Every field of {@code Offer} is a message or a string, with a one-byte tag.)
     */
    @Benchmark
    public int intakeFloor() {
        EncodedOffers offers = EncodedOffers.fromEvent(record);
        byte[] b = offers.array();
        int fields = 0;
        for (int i = 0, n = offers.size(); i < n; i++) {
            int pos = offers.offset(i);
            int end = pos + offers.length(i);
            while (pos < end) {
                if ((b[pos++] & 7) != 2) {
                    throw new IllegalStateException("not a length-delimited field at " + (pos - 1));
                }
                int length = 0;
                for (int shift = 0; ; shift += 7) {
                    byte x = b[pos++];
                    length |= (x & 0x7f) << shift;
                    if (x >= 0) {
                        break;
                    }
                }
                pos += length;
                fields++;
            }
        }
        return fields;
    }

    /** Placement alone, over views converted once in the setup. */
    @Benchmark
    public PlacementResult oursPlacement() {
        return engine.place(requests, views, List.of(), PlacementStrategy.BIN_PACK);
    }

    /** {@link #reference()} without building the calls: its reading of the offers and its first-fit loop only. */
    @Benchmark
    public Object referenceIntakeAndPlacement() {
        return FirstFit.place(offers, specs, ROLE);
    }

    private PlacementResult oursPlace() {
        List<OfferView> views = OfferIntake.toViews(EncodedOffers.fromEvent(record), ROLE);
        return engine.place(requests, views, List.of(), PlacementStrategy.BIN_PACK);
    }

    private static int launched(List<Call> calls) {
        return calls.stream().mapToInt(c -> c.getAccept().getOperations(0).getLaunch().getTaskInfosCount()).sum();
    }

    /**
     * The reference: a plain first-fit loop, about a hundred lines, as a framework author would write it without a
     * placement engine. Offers are scanned in the order received; {@code first} skips the offers already full.
     */
    static final class FirstFit {

        /** Tasks (and their host ports) per offer index; {@code null} for an offer not used. */
        record Placed(List<List<Spec>> tasks, List<List<List<Integer>>> ports) {
        }

        static Placed place(List<Offer> offers, List<Spec> tasks, String role) {
            int n = offers.size();
            long[] cpus = new long[n];
            long[] mem = new long[n];
            long[][] ports = new long[n][];   // begin, end pairs
            int[] rangeIndex = new int[n];
            long[] nextPort = new long[n];
            long[] portsLeft = new long[n];
            for (int i = 0; i < n; i++) {
                List<Long> ranges = new ArrayList<>(2);
                for (Resource r : offers.get(i).getResourcesList()) {
                    if (!usable(r, role)) {
                        continue;
                    }
                    switch (r.getName()) {
                        case "cpus" -> cpus[i] += Math.round(r.getScalar().getValue() * 1000);
                        case "mem" -> mem[i] += Math.round(r.getScalar().getValue() * 1000);
                        case "ports" -> {
                            for (Value.Range range : r.getRanges().getRangeList()) {
                                ranges.add(range.getBegin());
                                ranges.add(range.getEnd());
                                portsLeft[i] += range.getEnd() - range.getBegin() + 1;
                            }
                        }
                        default -> { }
                    }
                }
                ports[i] = ranges.stream().mapToLong(Long::longValue).toArray();
                nextPort[i] = ports[i].length > 0 ? ports[i][0] : 0;
            }
            List<List<Spec>> placed = new ArrayList<>(n);
            List<List<List<Integer>>> placedPorts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                placed.add(null);
                placedPorts.add(null);
            }
            int first = 0;
            for (Spec t : tasks) {
                long c = Math.round(t.cpus() * 1000);
                long m = Math.round(t.mem() * 1000);
                while (first < n && (cpus[first] == 0 || mem[first] == 0)) {
                    first++;
                }
                for (int i = first; i < n; i++) {
                    if (cpus[i] < c || mem[i] < m || portsLeft[i] < t.ports()) {
                        continue;
                    }
                    cpus[i] -= c;
                    mem[i] -= m;
                    portsLeft[i] -= t.ports();
                    List<Integer> taken = new ArrayList<>(t.ports());
                    for (int k = 0; k < t.ports(); k++) {
                        while (nextPort[i] > ports[i][rangeIndex[i] * 2 + 1]) {
                            rangeIndex[i]++;
                            nextPort[i] = ports[i][rangeIndex[i] * 2];
                        }
                        taken.add((int) nextPort[i]++);
                    }
                    if (placed.get(i) == null) {
                        placed.set(i, new ArrayList<>());
                        placedPorts.set(i, new ArrayList<>());
                    }
                    placed.get(i).add(t);
                    placedPorts.get(i).add(taken);
                    break;
                }
            }
            return new Placed(placed, placedPorts);
        }

        static List<Call> accepts(List<Offer> offers, Placed p) {
            List<Call> calls = new ArrayList<>();
            for (int i = 0; i < offers.size(); i++) {
                List<Spec> tasks = p.tasks().get(i);
                if (tasks == null) {
                    continue;
                }
                Offer offer = offers.get(i);
                Accepts.Carver carver = new Accepts.Carver(offer);
                List<TaskInfo> infos = new ArrayList<>(tasks.size());
                for (int k = 0; k < tasks.size(); k++) {
                    infos.add(Accepts.taskInfo(tasks.get(k), carver, p.ports().get(i).get(k)));
                }
                calls.add(Accepts.accept(offer, infos));
            }
            return calls;
        }

        static boolean usable(Resource r, String role) {
            if (r.hasRevocable()) {
                return false;
            }
            if (r.getReservationsCount() > 0) {
                return role.equals(r.getReservations(r.getReservationsCount() - 1).getRole());
            }
            return "*".equals(r.getRole()) || role.equals(r.getRole());
        }
    }

    /** The ACCEPT building both paths share: task resources are copies of the offer's own entries. */
    static final class Accepts {

        /** Carves scalars out of one offer's usable entries, in order. */
        static final class Carver {
            final Offer offer;
            final double[] left;

            Carver(Offer offer) {
                this.offer = offer;
                left = new double[offer.getResourcesCount()];
                for (int i = 0; i < left.length; i++) {
                    Resource r = offer.getResources(i);
                    left[i] = FirstFit.usable(r, ROLE) ? r.getScalar().getValue() : 0;
                }
            }

            void take(String name, double amount, List<Resource> out) {
                double need = amount;
                for (int i = 0; i < left.length && need > 1e-9; i++) {
                    Resource r = offer.getResources(i);
                    if (left[i] <= 0 || !r.getName().equals(name)) {
                        continue;
                    }
                    double take = Math.min(need, left[i]);
                    left[i] -= take;
                    need -= take;
                    out.add(r.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(take)).build());
                }
            }

            void port(int port, List<Resource> out) {
                for (Resource r : offer.getResourcesList()) {
                    if (r.getName().equals("ports") && FirstFit.usable(r, ROLE)) {
                        for (Value.Range range : r.getRanges().getRangeList()) {
                            if (range.getBegin() <= port && port <= range.getEnd()) {
                                out.add(r.toBuilder().setRanges(Value.Ranges.newBuilder()
                                        .addRange(Value.Range.newBuilder().setBegin(port).setEnd(port))).build());
                                return;
                            }
                        }
                    }
                }
            }
        }

        static TaskInfo taskInfo(Spec t, Carver offer, List<Integer> hostPorts) {
            List<Resource> resources = new ArrayList<>(3 + hostPorts.size());
            offer.take("cpus", t.cpus(), resources);
            offer.take("mem", t.mem(), resources);
            DockerInfo.Builder docker = DockerInfo.newBuilder().setImage(t.image())
                    .setNetwork(DockerInfo.Network.BRIDGE);
            for (int port : hostPorts) {
                offer.port(port, resources);
                docker.addPortMappingsBuilder().setHostPort(port).setContainerPort(8080).setProtocol("tcp");
            }
            return TaskInfo.newBuilder().setName(t.name()).setTaskId(TaskID.newBuilder().setValue(t.id()))
                    .setAgentId(offer.offer.getAgentId()).addAllResources(resources)
                    .setCommand(CommandInfo.newBuilder().setShell(false))
                    .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER).setDocker(docker))
                    .build();
        }

        static Call accept(Offer offer, List<TaskInfo> infos) {
            return Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(offer.getFrameworkId())
                    .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
                            .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                                    .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(infos))))
                    .build();
        }
    }

    static List<Offer> offers(int count) {
        FrameworkID framework = FrameworkID.newBuilder().setValue("5f3c1a2e-0d6b-4c4e-9a8f-2b7d1e0c9a11-0000").build();
        Resource.AllocationInfo allocation = Resource.AllocationInfo.newBuilder().setRole(ROLE).build();
        List<Offer> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String agent = "5f3c1a2e-0d6b-4c4e-9a8f-2b7d1e0c9a11-S" + i;
            Offer.Builder o = Offer.newBuilder()
                    .setId(OfferID.newBuilder().setValue(String.format("5f3c1a2e-0d6b-4c4e-9a8f-2b7d1e0c9a11-O%05d", i)))
                    .setFrameworkId(framework).setAgentId(AgentID.newBuilder().setValue(agent))
                    .setHostname("agent-" + i + ".cluster.example").setAllocationInfo(allocation)
                    .addResources(scalar("cpus", 8, allocation)).addResources(scalar("mem", 32768, allocation))
                    .addResources(scalar("disk", 100000, allocation))
                    .addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                            .setAllocationInfo(allocation).setRanges(Value.Ranges.newBuilder()
                                    .addRange(Value.Range.newBuilder().setBegin(31000).setEnd(31999))));
            if (i % 5 == 0) {
                Resource.ReservationInfo other = Resource.ReservationInfo.newBuilder()
                        .setType(Resource.ReservationInfo.Type.STATIC).setRole("batch").build();
                o.addResources(scalar("cpus", 2, allocation).toBuilder().addReservations(other))
                        .addResources(scalar("mem", 4096, allocation).toBuilder().addReservations(other));
            }
            o.addAttributes(text("zone", "zone-" + (char) ('a' + i % 3))).addAttributes(text("rack", "r" + i % 20))
                    .addAttributes(text("pool", i % 10 == 0 ? "blackbox" : "managed"))
                    .addAttributes(Attribute.newBuilder().setName("gen").setType(Value.Type.SCALAR)
                            .setScalar(Value.Scalar.newBuilder().setValue(2 + i % 3 * 0.5)));
            out.add(o.build());
        }
        return out;
    }

    private static Resource scalar(String name, double value, Resource.AllocationInfo allocation) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR).setAllocationInfo(allocation)
                .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
    }

    private static Attribute text(String name, String value) {
        return Attribute.newBuilder().setName(name).setType(Value.Type.TEXT)
                .setText(Value.Text.newBuilder().setValue(value)).build();
    }
}
