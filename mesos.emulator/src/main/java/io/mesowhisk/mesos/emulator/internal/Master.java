package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.AgentSpec;
import io.mesowhisk.mesos.emulator.LaunchFailure;
import io.mesowhisk.mesos.emulator.internal.Model.Agent;
import io.mesowhisk.mesos.emulator.internal.Model.AgentState;
import io.mesowhisk.mesos.emulator.internal.Model.Framework;
import io.mesowhisk.mesos.emulator.internal.Model.Offer;
import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.ContainerInfo;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.TaskInfo;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Reason;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Source;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated cluster: the leading master's frameworks, offers and tasks, and the agents. This class holds the
 * state and handles the scheduler calls; each concern has a class of its own that works on this state:
 * {@link Subscriptions} (SUBSCRIBE, disconnection, TEARDOWN), {@link Validation}, {@link Allocator} (offers, filters),
 * {@link StatusUpdateManager} (updates, acknowledgements, reconciliation), {@link TaskRunner} (tasks on the agents),
 * {@link Faults} and {@link StateView} ({@code /state}).
 *
 * <p>Threading: all of that state lives on the single {@link #loop} thread. The HTTP front end, the agents'
 * runtimes and the public API post to it ({@link #call}, {@link #run}), so nothing here is shared between threads
 * and nothing is locked. The two exceptions are read by HTTP threads and say so: {@link #leader} and
 * {@link #recoveringUntilNanos}.
 */
public final class Master {

    private static final Logger LOG = LoggerFactory.getLogger(Master.class);

    final Config config;
    final ScheduledExecutorService loop;
    final TaskRunner runner;
    final Subscriptions subscriptions = new Subscriptions(this);
    final Allocator allocator = new Allocator(this);
    final StatusUpdateManager updates = new StatusUpdateManager(this);
    final Faults faults = new Faults(this);
    final StateView view = new StateView(this);

    String masterId = UUID.randomUUID().toString();
    /** Index of the leading master, -1 = none; written on the loop, read by HTTP threads. */
    volatile int leader;
    /** Until this System.nanoTime() the new leader is still recovering its registry (503). */
    volatile long recoveringUntilNanos = Long.MIN_VALUE;
    final int[] masterPorts;
    int nextFrameworkId;
    int nextAgentId;
    long nextOfferId;
    final Map<String, Framework> frameworks = new LinkedHashMap<>();
    final Map<String, Framework> completedFrameworks = new LinkedHashMap<>();
    final List<Agent> agents = new ArrayList<>();
    final Map<String, Agent> agentsById = new HashMap<>();
    final Map<String, Offer> offers = new HashMap<>();
    private ScheduledFuture<?> allocationTimer;
    LaunchFailure nextLaunchFailure;
    long updateDelayNanos;
    long launches;
    long updatesSent;
    /**
     * Source of the container ids and status update uuids, which Mesos draws from a non-cryptographic generator
     * too (stout's {@code UUID::random}); {@link UUID#randomUUID()} would take a SecureRandom lock per update.
     */
    final java.util.SplittableRandom random = new java.util.SplittableRandom();

    /**
     * The numeric address of {@code config.host()}, which libprocess puts in every pid and {@code ip} field (the
     * host itself when it cannot be resolved); hostnames stay in the {@code hostname} fields.
     */
    final String ip;
    /** Null when sandboxes are kept until the emulator stops. */
    final SandboxGc gc;

    public Master(Config config, ScheduledExecutorService loop, int[] masterPorts) {
        this.config = config;
        this.loop = loop;
        this.masterPorts = masterPorts;
        this.leader = 0;
        this.runner = new TaskRunner(this);
        this.ip = numericAddress(config.host());
        this.gc = config.sandboxGcDelay() == null ? null : new SandboxGc(this, config.sandboxGcDelay().toNanos());
    }

    // ------------------------------------------------------------------ loop helpers

    /** Runs {@code task} on the loop and waits for its result (public API calls from other threads). */
    public <T> T call(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("Emulator loop did not answer: " + e, e);
        }
    }

    public void run(Runnable r) {
        call(() -> {
            r.run();
            return null;
        });
    }

    void schedule(Runnable r, long nanos) {
        loop.schedule(guard(r), Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    Runnable guard(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (java.util.concurrent.RejectedExecutionException e) {
                if (!loop.isShutdown()) {
                    LOG.error("Emulator loop task failed", e);
                } // else: closing, timers are no longer needed
            } catch (Throwable t) {
                LOG.error("Emulator loop task failed", t);
            }
        };
    }

    public void start() {
        for (AgentSpec spec : config.agents()) {
            addAgent(spec);
        }
        long interval = config.allocationInterval().toNanos();
        allocationTimer = loop.scheduleAtFixedRate(guard(this::allocate), interval, interval, TimeUnit.NANOSECONDS);
    }

    public void stop() {
        if (allocationTimer != null) {
            allocationTimer.cancel(false);
        }
        for (Framework f : frameworks.values()) {
            if (f.stream != null) {
                f.stream.close();
            }
        }
        for (Agent a : agents) {
            for (Task t : a.tasks.values()) {
                if (t.runtime != null) {
                    t.runtime.destroy();
                }
            }
        }
    }

    // ------------------------------------------------------------------ ids and info

    public String masterId() {
        return masterId;
    }

    Protos.MasterInfo masterInfo() {
        int port = leader >= 0 ? masterPorts[leader] : masterPorts[0];
        return Protos.MasterInfo.newBuilder()
            .setId(masterId)
            .setIp(ipv4NetworkOrder(config.host()))
            .setPort(port)
            .setPid("master@" + ip + ":" + port)
            .setHostname(config.host())
            .setVersion("1.11.0")
            .setAddress(Protos.Address.newBuilder().setHostname(config.host()).setIp(ip).setPort(port))
            // a 1.11 master also has QUOTA_V2 (M:src/master/constants.cpp), which the protos here do not define
            .addCapabilities(Protos.MasterInfo.Capability.newBuilder()
                .setType(Protos.MasterInfo.Capability.Type.AGENT_UPDATE))
            .addCapabilities(Protos.MasterInfo.Capability.newBuilder()
                .setType(Protos.MasterInfo.Capability.Type.AGENT_DRAINING))
            .build();
    }

    private static String numericAddress(String host) {
        try {
            return java.net.InetAddress.getByName(host).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return host;
        }
    }

    private static int ipv4NetworkOrder(String host) {
        try {
            byte[] b = java.net.InetAddress.getByName(host).getAddress();
            if (b.length == 4) {
                // network byte order read as a little-endian uint32, as libprocess stores it
                return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
            }
        } catch (Exception e) {
            // not resolvable: no IP
        }
        return 0;
    }

    // ------------------------------------------------------------------ agents

    Agent addAgent(AgentSpec spec) {
        String id = masterId + "-S" + nextAgentId++;
        String host = spec.hostname() == null ? config.host() : spec.hostname();
        Agent a = new Agent(agents.size(), id, host, SpecParser.resources(spec.resources()),
            SpecParser.attributes(spec.attributes()));
        agents.add(a);
        agentsById.put(id, a);
        return a;
    }

    // ------------------------------------------------------------------ scheduler calls

    /** The answer to a non-SUBSCRIBE call: an HTTP status and a text/plain body. */
    public record Reply(int status, String body) {
        static final Reply ACCEPTED = new Reply(202, "");
    }

    /**
     * Steps 12–18 of the request processing order, then the call's effect; {@code principal} is the authenticated
     * principal, null when authentication is off.
     */
    public Reply handle(Call call, String streamIdHeader, String principal) {
        String fid = call.getFrameworkId().getValue();
        Framework f = frameworks.get(fid);
        if (f == null || f.removed) {
            return new Reply(400, "Framework cannot be found");
        }
        if (principal != null && !principal.equals(f.info.getPrincipal())) {
            return new Reply(400, "Authenticated principal '" + principal + "' does not match principal '"
                + f.info.getPrincipal() + "' set in `FrameworkInfo`");
        }
        if (!f.connected) {
            return new Reply(403, "Framework is not subscribed");
        }
        if (streamIdHeader == null) {
            return new Reply(400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
        }
        if (!streamIdHeader.equals(f.stream.id)) {
            return new Reply(400, "The stream ID '" + streamIdHeader + "' included in this request didn't match the"
                + " stream ID currently associated with framework ID " + fid);
        }
        switch (call.getType()) {
            case TEARDOWN -> subscriptions.teardown(f);
            case ACCEPT -> accept(f, call.getAccept());
            case DECLINE -> allocator.decline(f, call.getDecline().getOfferIdsList(), call.getDecline().getFilters());
            case REVIVE -> allocator.revive(f, call.getRevive().getRolesList());
            case SUPPRESS -> allocator.suppress(f, call.getSuppress().getRolesList());
            case KILL -> kill(f, call.getKill());
            case SHUTDOWN -> LOG.debug("SHUTDOWN of {}: no custom executors run here", call.getShutdown());
            case ACKNOWLEDGE -> updates.acknowledge(f, call.getAcknowledge());
            case RECONCILE -> updates.reconcile(f, call.getReconcile().getTasksList());
            case MESSAGE, REQUEST, ACCEPT_INVERSE_OFFERS, DECLINE_INVERSE_OFFERS, ACKNOWLEDGE_OPERATION_STATUS,
                 RECONCILE_OPERATIONS -> {
                // accepted and dropped, as a master without custom executors or operations does
            }
            case UPDATE_FRAMEWORK -> {
                return subscriptions.updateFramework(f, call.getUpdateFramework());
            }
            default -> {
                return new Reply(501, "Received an unknown call type");
            }
        }
        return Reply.ACCEPTED;
    }

    // ------------------------------------------------------------------ subscribe

    // ------------------------------------------------------------------ offers and allocation

    // ------------------------------------------------------------------ accept

    private void accept(Framework f, Call.Accept accept) {
        List<TaskInfo> launches = new ArrayList<>();
        for (Protos.Offer.Operation op : accept.getOperationsList()) {
            if (op.getType() == Protos.Offer.Operation.Type.LAUNCH) {
                launches.addAll(op.getLaunch().getTaskInfosList());
            }
        }
        String error = Validation.validateOffers(offers, f, accept.getOfferIdsList());
        if (error != null) {
            for (OfferID id : accept.getOfferIdsList()) {
                Offer o = f.offers.get(id.getValue());
                if (o != null) {
                    allocator.removeOffer(o, false); // back to the allocator without a filter
                }
            }
            for (TaskInfo t : launches) {
                updates.masterUpdate(f, t.getTaskId(), t.hasAgentId() ? t.getAgentId() : null,
                    f.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST,
                    Reason.REASON_INVALID_OFFERS, "Task launched with invalid offers: " + error, null);
            }
            return;
        }
        Agent agent = null;
        String role = null;
        ResourceBag offered = new ResourceBag();
        for (OfferID id : accept.getOfferIdsList()) {
            Offer o = f.offers.get(id.getValue());
            agent = o.agent;
            role = o.role;
            offered.add(o.resources);
            offers.remove(o.id);
            f.offers.remove(o.id);
            o.agent.offers.remove(o.id);
            if (o.timeout != null) {
                o.timeout.cancel(false);
            }
        }
        if (agent.state != AgentState.ACTIVE) {
            agent.available.add(offered);
            for (TaskInfo t : launches) {
                updates.masterUpdate(f, t.getTaskId(), t.getAgentId(),
                    f.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST,
                    Reason.REASON_AGENT_DISCONNECTED, "Agent disconnected", null);
            }
            return;
        }
        ResourceBag remaining = offered.copy();
        Set<String> launchedIds = new HashSet<>();
        for (Protos.Offer.Operation op : accept.getOperationsList()) {
            if (op.getType() != Protos.Offer.Operation.Type.LAUNCH) {
                continue;
            }
            for (TaskInfo given : op.getLaunch().getTaskInfosList()) {
                TaskInfo t = Validation.withInferredHealthCheckType(given);
                String invalid;
                ResourceBag needs = null;
                if (op.hasId()) {
                    invalid = "The `id` field cannot be set on LAUNCH operations";
                } else {
                    invalid = Validation.validateTask(f, agent, t, launchedIds);
                }
                if (invalid == null) {
                    try {
                        needs = ResourceBag.fromProtos(t.getResourcesList());
                        if (t.hasExecutor()) {
                            needs.add(ResourceBag.fromProtos(t.getExecutor().getResourcesList()));
                        }
                    } catch (IllegalArgumentException e) {
                        invalid = "Task and its executor use invalid resources: " + e.getMessage();
                    }
                }
                if (invalid == null && !remaining.contains(needs)) {
                    invalid = "Total resources " + needs + " required by task and its executor is more than"
                        + " available " + remaining;
                }
                if (invalid != null) {
                    updates.masterUpdate(f, t.getTaskId(), t.getAgentId(), TaskState.TASK_ERROR,
                        Reason.REASON_TASK_INVALID, invalid, null);
                    continue;
                }
                remaining.subtract(needs);
                launchedIds.add(t.getTaskId().getValue());
                launch(f, agent, role, t, needs);
            }
        }
        agent.available.add(remaining);
        allocator.addFilter(f, agent, role, remaining, accept.hasFilters() ? accept.getFilters() : Protos.Filters.getDefaultInstance());
    }

    /** {@code role}: the role the offer was allocated to, which the task's resources are allocated to too. */
    private void launch(Framework f, Agent agent, String role, TaskInfo info, ResourceBag resources) {
        boolean docker = info.hasContainer() && info.getContainer().getType() == ContainerInfo.Type.DOCKER;
        Task t = new Task(info, f, agent, resources, updates.randomUuid().toString(), docker);
        t.role = role;
        f.tasks.put(t.id(), t);
        agent.tasks.put(t.key(), t);
        launches++;
        LaunchFailure failure = nextLaunchFailure;
        nextLaunchFailure = null;
        if (info.hasExecutor()) {
            // an executor would have to speak the executor HTTP API, which the emulator does not serve
            updates.agentUpdate(t, TaskState.TASK_FAILED, Source.SOURCE_AGENT, Reason.REASON_CONTAINER_LAUNCH_FAILED,
                "The Mesos emulator runs command and docker tasks only; custom executors (ExecutorInfo) are not"
                    + " supported", null);
            return;
        }
        runner.launch(t, failure);
    }

    // ------------------------------------------------------------------ status updates

    // ------------------------------------------------------------------ kill and reconcile

    private void kill(Framework f, Call.Kill kill) {
        Task t = f.tasks.get(kill.getTaskId().getValue());
        if (t == null || t.agent.state != AgentState.ACTIVE) {
            // Mesos moves the tasks of an unreachable (or gone) agent out of the framework's tasks, where
            // Framework::getTask looks: the KILL is answered as for an unknown task and is not remembered
            Call.Reconcile.Task.Builder r = Call.Reconcile.Task.newBuilder().setTaskId(kill.getTaskId());
            if (kill.hasAgentId()) {
                r.setAgentId(kill.getAgentId());
            }
            updates.reconcile(f, List.of(r.build()));
            return;
        }
        if (kill.hasAgentId() && !kill.getAgentId().getValue().equals(t.agent.id)) {
            return;
        }
        t.life.killRequested();
        runner.kill(t, kill.hasKillPolicy() ? kill.getKillPolicy() : null);
    }

    // ------------------------------------------------------------------ fault injection

    public boolean recovering() {
        long until = recoveringUntilNanos;
        return until != Long.MIN_VALUE && System.nanoTime() - until < 0;
    }

    Framework framework(String id) {
        Framework f = frameworks.get(id);
        if (f == null) {
            throw new IllegalArgumentException("Unknown framework id '" + id + "'");
        }
        return f;
    }

    Agent agent(int index) {
        if (index < 0 || index >= agents.size()) {
            throw new IllegalArgumentException("No agent with index " + index + " (there are " + agents.size() + ")");
        }
        return agents.get(index);
    }

    // ------------------------------------------------------------------ accessors for the public API (on the loop)

    public int leaderIndex() {
        return leader;
    }

    public int agentCount() {
        return agents.size();
    }

    public long launchCount() {
        return launches;
    }

    public String agentId(int index) {
        return agent(index).id;
    }

    public int agentHttpPort(int index) {
        return agent(index).httpPort;
    }

    public void setAgentHttpPort(int index, int port) {
        agent(index).httpPort = port;
    }

    public int addAgentIndex(AgentSpec spec) {
        int index = addAgent(spec).index;
        allocator.allocate();
        return index;
    }

    // fault injection, by framework id and agent index (the records stay package-private)

    public void cutStream(String frameworkId) {
        faults.cutStream(framework(frameworkId));
    }

    public void injectBytes(String frameworkId, byte[] bytes) {
        faults.injectBytes(framework(frameworkId), bytes);
    }

    public void stopHeartbeats(String frameworkId, boolean stopped) {
        Stream s = framework(frameworkId).stream;
        if (s != null) {
            s.heartbeatsStopped = stopped;
        }
    }

    public void partitionAgent(int index) {
        faults.partitionAgent(agent(index));
    }

    public void healAgent(int index) {
        faults.healAgent(agent(index));
    }

    public void removeAgent(int index) {
        faults.removeAgent(agent(index));
    }

    public void failover(int newLeader) {
        faults.failover(newLeader);
    }

    public void failover(int newLeader, long recoveryNanos) {
        faults.failover(newLeader, recoveryNanos);
    }

    public void rescindAll() {
        allocator.rescindAll();
    }

    public void holdUpdates() {
        updates.holdUpdates();
    }

    public void releaseUpdates(boolean reversed) {
        updates.releaseUpdates(reversed);
    }

    public String stateJson() {
        return view.stateJson();
    }

    public void subscribe(Call call, Stream stream) {
        subscriptions.subscribe(call, stream);
    }

    public void allocate() {
        allocator.allocate();
    }

    public void setNextLaunchFailure(LaunchFailure failure) {
        nextLaunchFailure = failure;
    }

    public void setUpdateDelay(long nanos) {
        updateDelayNanos = nanos;
    }

    public void shutdownRunner() {
        runner.shutdown();
    }

    public long updatesSent() {
        return updatesSent;
    }

    public int liveTasks() {
        int n = 0;
        for (Framework f : frameworks.values()) {
            n += f.tasks.size();
        }
        return n;
    }

    Path workDir() {
        return config.workDir();
    }
}
