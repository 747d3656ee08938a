package io.mesowhisk.mesos.emulator.internal;

import com.google.protobuf.ByteString;
import io.mesowhisk.mesos.emulator.AgentSpec;
import io.mesowhisk.mesos.emulator.LaunchFailure;
import io.mesowhisk.mesos.emulator.internal.Model.Agent;
import io.mesowhisk.mesos.emulator.internal.Model.AgentState;
import io.mesowhisk.mesos.emulator.internal.Model.Filter;
import io.mesowhisk.mesos.emulator.internal.Model.Framework;
import io.mesowhisk.mesos.emulator.internal.Model.Offer;
import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.ContainerInfo;
import io.mesowhisk.mesos.v1.Protos.ExecutorID;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.TaskID;
import io.mesowhisk.mesos.v1.Protos.TaskInfo;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Reason;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Source;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.nio.ByteBuffer;
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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulated cluster's state machine: the leading master's frameworks, offers and tasks, and the agents' task
 * status update managers. Every method runs on the single {@link #loop} thread (the HTTP front end, the agents'
 * runtimes and the public API all post to it), so no state here is shared between threads.
 */
public final class Master {

    private static final Logger LOG = LoggerFactory.getLogger(Master.class);
    private static final long MAX_RETRY_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final double MAX_REFUSE_SECONDS = 365.0 * 24 * 3600;

    final Config config;
    final ScheduledExecutorService loop;
    final TaskRunner runner;

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
    private final java.util.SplittableRandom random = new java.util.SplittableRandom();

    /**
     * The numeric address of {@code config.host()}, which libprocess puts in every pid and {@code ip} field (the
     * host itself when it cannot be resolved); hostnames stay in the {@code hostname} fields.
     */
    final String ip;
    /** Null when sandboxes are kept until the emulator stops. */
    private final SandboxGc gc;

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
            case TEARDOWN -> teardown(f);
            case ACCEPT -> accept(f, call.getAccept());
            case DECLINE -> decline(f, call.getDecline().getOfferIdsList(), call.getDecline().getFilters());
            case REVIVE -> revive(f, call.getRevive().getRolesList());
            case SUPPRESS -> suppress(f, call.getSuppress().getRolesList());
            case KILL -> kill(f, call.getKill());
            case SHUTDOWN -> LOG.debug("SHUTDOWN of {}: no custom executors run here", call.getShutdown());
            case ACKNOWLEDGE -> acknowledge(f, call.getAcknowledge());
            case RECONCILE -> reconcile(f, call.getReconcile().getTasksList());
            case MESSAGE, REQUEST, ACCEPT_INVERSE_OFFERS, DECLINE_INVERSE_OFFERS, ACKNOWLEDGE_OPERATION_STATUS,
                 RECONCILE_OPERATIONS -> {
                // accepted and dropped, as a master without custom executors or operations does
            }
            case UPDATE_FRAMEWORK -> {
                return updateFramework(f, call.getUpdateFramework());
            }
            default -> {
                return new Reply(501, "Received an unknown call type");
            }
        }
        return Reply.ACCEPTED;
    }

    // ------------------------------------------------------------------ subscribe

    /**
     * Called on the loop with a stream whose 200 headers are already set. An HTTP framework's FrameworkInfo keeps
     * the principal it brings: unlike the driver path, M:src/master/master.cpp {@code subscribe(StreamingHttp…)}
     * does not fill in the authenticated one (so an authenticated framework without a principal is then refused
     * every other call with 400).
     */
    public void subscribe(Call call, Stream stream) {
        FrameworkInfo info = call.getSubscribe().getFrameworkInfo();
        String error = validateFrameworkInfo(info, call.getSubscribe().getSuppressedRolesList());
        if (error != null) {
            refuse(stream, error);
            return;
        }
        String fid = info.hasId() ? info.getId().getValue() : "";
        Framework f;
        if (!fid.isEmpty() && completedFrameworks.containsKey(fid)) {
            refuse(stream, "Framework has been removed");
            return;
        }
        if (!fid.isEmpty() && frameworks.containsKey(fid)) {
            f = frameworks.get(fid);
            // user and checkpoint changes are ignored on resubscription, the principal must stay
            String changed = validateUpdate(f.info, info.toBuilder().setUser(f.info.getUser())
                .setCheckpoint(f.info.getCheckpoint()).build());
            if (changed != null) {
                refuse(stream, changed);
                return;
            }
            // failover: the old connection learns it was replaced
            if (f.stream != null && f.stream.isOpen()) {
                Stream old = f.stream;
                f.stream = null;
                cancelHeartbeat(old);
                old.send(Event.newBuilder().setType(Event.Type.ERROR)
                    .setError(Event.Error.newBuilder().setMessage("Framework failed over")).build());
                old.close();
            }
            if (f.failoverTimer != null) {
                f.failoverTimer.cancel(false);
                f.failoverTimer = null;
            }
            // user and checkpoint changes are ignored on resubscription
            List<String> oldRoles = f.roles();
            f.info = info.toBuilder().setUser(f.info.getUser()).setCheckpoint(f.info.getCheckpoint())
                .setId(FrameworkID.newBuilder().setValue(fid)).build();
            for (Offer o : new ArrayList<>(f.offers.values())) {
                removeOffer(o, false); // discarded without RESCIND, regenerated later
            }
            updateRoles(f, oldRoles, call.getSubscribe().getSuppressedRolesList());
        } else {
            if (fid.isEmpty()) {
                fid = masterId + "-" + String.format("%04d", nextFrameworkId++);
            }
            f = new Framework(fid, info.toBuilder().setId(FrameworkID.newBuilder().setValue(fid)).build());
            frameworks.put(fid, f);
        }
        f.suppressed.clear();
        f.suppressed.addAll(call.getSubscribe().getSuppressedRolesList());
        f.connected = true;
        f.stream = stream;
        Framework subscribed = f;
        stream.onClose(() -> loop.execute(guard(() -> disconnected(subscribed, stream))));
        stream.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED)
            .setSubscribed(Event.Subscribed.newBuilder()
                .setFrameworkId(FrameworkID.newBuilder().setValue(fid))
                .setHeartbeatIntervalSeconds(config.heartbeatInterval().toNanos() / 1e9)
                .setMasterInfo(masterInfo()))
            .build());
        heartbeat(stream);
        long hb = config.heartbeatInterval().toNanos();
        stream.heartbeat = loop.scheduleAtFixedRate(guard(() -> heartbeat(stream)), hb, hb, TimeUnit.NANOSECONDS);
        resumeStatusUpdates(f);
        loop.execute(guard(this::allocate));
    }

    /**
     * After a (re)subscription the master tells every agent about the framework, and an agent that knows it resends
     * the head of each of its pending status update streams at once, the retry back-off starting over
     * (M:src/slave/slave.cpp {@code updateFramework} → {@code TaskStatusUpdateManagerProcess::resume}); the streams
     * of every framework on that agent, not only the subscribing one's.
     */
    private void resumeStatusUpdates(Framework f) {
        Set<Agent> knowing = new java.util.LinkedHashSet<>();
        for (Task t : f.tasks.values()) {
            if (t.agent.state == AgentState.ACTIVE) {
                knowing.add(t.agent);
            }
        }
        for (Agent a : knowing) {
            resumeStatusUpdates(a);
        }
    }

    private void resumeStatusUpdates(Agent a) {
        for (Task t : a.tasks.values()) {
            if (!t.pending.isEmpty()) {
                t.retryNanos = 0;
                forward(t);
            }
        }
    }

    private void heartbeat(Stream stream) {
        if (!stream.heartbeatsStopped && stream.isOpen()) {
            stream.send(Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
        }
    }

    private void cancelHeartbeat(Stream s) {
        if (s.heartbeat != null) {
            s.heartbeat.cancel(false);
        }
    }

    private void refuse(Stream stream, String message) {
        stream.send(Event.newBuilder().setType(Event.Type.ERROR)
            .setError(Event.Error.newBuilder().setMessage(message)).build());
        stream.close();
    }

    /** M:src/master/validation.cpp {@code framework::validate}, then {@code validateSuppressedRoles}. */
    private String validateFrameworkInfo(FrameworkInfo info, List<String> suppressedRoles) {
        boolean multiRole = info.getCapabilitiesList().stream()
            .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE);
        List<String> roles;
        if (multiRole) {
            if (info.hasRole()) {
                return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
            }
            java.util.TreeSet<String> seen = new java.util.TreeSet<>();
            java.util.TreeSet<String> duplicates = new java.util.TreeSet<>();
            for (String r : info.getRolesList()) {
                if (!seen.add(r)) {
                    duplicates.add(r);
                }
            }
            if (!duplicates.isEmpty()) {
                return "'FrameworkInfo.roles' contains duplicate items: " + stoutSet(duplicates);
            }
            for (String r : info.getRolesList()) {
                String e = Roles.validate(r);
                if (e != null) {
                    return "'FrameworkInfo.roles' contains invalid role: " + e;
                }
            }
            roles = info.getRolesList();
        } else {
            if (info.getRolesCount() > 0) {
                return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
            }
            String e = Roles.validate(info.getRole());
            if (e != null) {
                return "'FrameworkInfo.role' is not a valid role: " + e;
            }
            roles = List.of(info.getRole());
        }
        String filters = validateOfferFilters(info);
        if (filters != null) {
            return filters;
        }
        // Duration::create accepts any number of seconds whose nanoseconds fit in an int64, negative ones too
        double ft = info.getFailoverTimeout();
        if (Double.isNaN(ft) || Math.abs(ft * 1e9) > Long.MAX_VALUE) {
            return "The framework failover_timeout (" + cppDouble(ft) + ") is invalid";
        }
        return validateSuppressedRoles(roles, suppressedRoles);
    }

    /** M:src/master/validation.cpp {@code framework::validateUpdate}: principal (set or not), user, checkpoint. */
    private static String validateUpdate(FrameworkInfo old, FrameworkInfo updated) {
        if (old.hasPrincipal() != updated.hasPrincipal() || !old.getPrincipal().equals(updated.getPrincipal())) {
            return "Changing framework's principal is not allowed.";
        }
        if (!updated.getUser().equals(old.getUser())) {
            return "Updating 'FrameworkInfo.user' is unsupported; attempted to update from '" + old.getUser()
                + "' to '" + updated.getUser() + "'";
        }
        if (updated.getCheckpoint() != old.getCheckpoint()) {
            return "Updating 'FrameworkInfo.checkpoint' is unsupported; attempted to update from '"
                + old.getCheckpoint() + "' to '" + updated.getCheckpoint() + "'";
        }
        return null;
    }

    /** M:src/common/validation.cpp {@code validateOfferFilters} and {@code validateInputScalarValue}. */
    private static String validateOfferFilters(FrameworkInfo info) {
        for (Protos.OfferFilters filters : info.getOfferFiltersMap().values()) {
            for (Protos.OfferFilters.ResourceQuantities quantities
                : filters.getMinAllocatableResources().getQuantitiesList()) {
                if (quantities.getQuantitiesCount() == 0) {
                    return "Resource quantities must contain at least one quantity";
                }
                for (Map.Entry<String, Protos.Value.Scalar> q : quantities.getQuantitiesMap().entrySet()) {
                    double v = q.getValue().getValue();
                    String problem = Double.isInfinite(v) ? "Infinite values not supported"
                        : Double.isNaN(v) ? "NaN not supported"
                        : v != 0 && Math.abs(v) < Double.MIN_NORMAL ? "Subnormal values not supported"
                        : v < 0 ? "Negative values not supported" : null;
                    if (problem != null) {
                        return "Invalid resource quantity for '" + q.getKey() + "': " + problem;
                    }
                }
            }
        }
        return null;
    }

    private static String validateSuppressedRoles(List<String> roles, List<String> suppressedRoles) {
        java.util.TreeSet<String> invalid = new java.util.TreeSet<>(suppressedRoles);
        invalid.removeAll(roles);
        if (!invalid.isEmpty()) {
            return "Suppressed roles " + stoutSet(invalid) + " are not contained in the set of roles";
        }
        return null;
    }

    /** A set as stout's {@code stringify} writes it: {@code { a, b }}. */
    private static String stoutSet(java.util.SortedSet<String> items) {
        return "{ " + String.join(", ", items) + " }";
    }

    /** A double as C++'s {@code operator<<} writes it (stout's {@code stringify}): {@code %g}, 6 digits. */
    static String cppDouble(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return StateJson.printfG(d, 6);
    }

    /**
     * The allocator's side of a changed FrameworkInfo (SUBSCRIBE of a known framework or UPDATE_FRAMEWORK; the
     * caller then sets the new suppressed roles), as {@code HierarchicalAllocatorProcess::updateFramework} does it:
     * a role the framework left loses its filters; a role that leaves the suppressed set is revived, its filters
     * cleared.
     */
    private void updateRoles(Framework f, List<String> oldRoles, List<String> newSuppressed) {
        List<String> roles = f.roles();
        for (String r : oldRoles) {
            if (!roles.contains(r)) {
                clearFilters(f, r);
            }
        }
        for (String r : f.suppressed) {
            if (!newSuppressed.contains(r) && roles.contains(r)) {
                clearFilters(f, r);
            }
        }
    }

    private void disconnected(Framework f, Stream stream) {
        cancelHeartbeat(stream);
        if (f.stream != stream || f.removed) {
            return; // an old stream after failover, or already removed
        }
        f.stream = null;
        f.connected = false;
        for (Offer o : new ArrayList<>(f.offers.values())) {
            removeOffer(o, false);
        }
        f.filters.clear(); // a deactivated framework loses its filters (hierarchical.cpp deactivateFramework)
        long timeout = (long) (f.info.getFailoverTimeout() * 1e9);
        LOG.debug("Framework {} disconnected; failover timeout {} ns", f.id, timeout);
        f.failoverTimer = loop.schedule(guard(() -> {
            if (!f.connected && !f.removed) {
                removeFramework(f);
            }
        }), timeout, TimeUnit.NANOSECONDS);
    }

    private void teardown(Framework f) {
        Stream s = f.stream;
        removeFramework(f);
        if (s != null) {
            cancelHeartbeat(s);
            s.close();
        }
    }

    /** TEARDOWN and failover-timeout removal: executors shut down, tasks KILLED in master state, no updates. */
    void removeFramework(Framework f) {
        f.removed = true;
        f.connected = false;
        if (f.failoverTimer != null) {
            f.failoverTimer.cancel(false);
        }
        for (Offer o : new ArrayList<>(f.offers.values())) {
            removeOffer(o, false);
        }
        for (Task t : new ArrayList<>(f.tasks.values())) {
            if (t.runtime != null) {
                t.runtime.destroy();
            }
            if (t.retry != null) {
                t.retry.cancel(false);
            }
            t.pending.clear();
            if (!Model.isTerminal(t.state)) {
                t.state = TaskState.TASK_KILLED;
            }
            releaseResources(t);
            forgetTask(t);
        }
        frameworks.remove(f.id);
        completedFrameworks.put(f.id, f);
        f.stream = null;
    }

    private Reply updateFramework(Framework f, Call.UpdateFramework update) {
        FrameworkInfo info = update.getFrameworkInfo();
        if (!info.getId().getValue().equals(f.id)) {
            return new Reply(400, "'UpdateFramework' call is not valid: 'framework_id' differs from"
                + " 'update_framework.framework_info.id'");
        }
        String error = validateFrameworkInfo(info, List.of());
        if (error != null) {
            return new Reply(400, "Supplied FrameworkInfo is not valid: " + error);
        }
        error = validateUpdate(f.info, info);
        if (error != null) {
            return new Reply(400, "FrameworkInfo update is not valid: " + error);
        }
        List<String> roles = info.getCapabilitiesList().stream()
            .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE)
            ? info.getRolesList() : List.of(info.getRole());
        error = validateSuppressedRoles(roles, update.getSuppressedRolesList());
        if (error != null) {
            return new Reply(400, "'UpdateFramework' call is not valid: " + error);
        }
        List<String> oldRoles = f.roles();
        f.info = info;
        for (Offer o : new ArrayList<>(f.offers.values())) {
            if (!roles.contains(o.role)) {
                rescind(o);
            }
        }
        updateRoles(f, oldRoles, update.getSuppressedRolesList());
        f.suppressed.clear();
        f.suppressed.addAll(update.getSuppressedRolesList());
        return new Reply(200, "");
    }

    // ------------------------------------------------------------------ offers and allocation

    /**
     * One allocation round, as Mesos's hierarchical DRF allocator makes it: agent by agent, the roles in order of
     * their dominant share, and within a role its frameworks in order of theirs (the share of a resource is what is
     * allocated, held offers and live tasks, over the cluster's total; the dominant share is the largest; ties go
     * by name), each framework offered all that the agent still has for that role. Shares are updated after every
     * offer, so freed resources go to whoever holds least. Agents are visited in index order (Mesos shuffles them).
     */
    public void allocate() {
        if (leader < 0) {
            return;
        }
        List<Framework> active = new ArrayList<>();
        for (Framework f : frameworks.values()) {
            if (f.active()) {
                active.add(f);
            }
        }
        if (active.isEmpty() || agents.isEmpty()) {
            return;
        }
        Shares shares = new Shares(active);
        Map<Framework, List<Protos.Offer>> batches = new LinkedHashMap<>();
        long now = System.nanoTime();
        for (Agent a : agents) {
            if (a.state != AgentState.ACTIVE || a.available.isEmpty()) {
                continue;
            }
            boolean gpuAgent = a.total.scalar("gpus") > 0;
            for (String role : shares.rolesInOrder()) {
                for (Framework f : shares.frameworksInOrder(role)) {
                    if (a.available.isEmpty()) {
                        break;
                    }
                    if (f.suppressed.contains(role)
                        || gpuAgent && !f.has(FrameworkInfo.Capability.Type.GPU_RESOURCES)) {
                        continue; // GPU agents only for GPU_RESOURCES frameworks (--filter_gpu_resources)
                    }
                    ResourceBag offerable = a.available.allocatableTo(role);
                    if (!allocatable(f, role, offerable) || filtered(f, a, role, offerable, now)) {
                        continue;
                    }
                    batches.computeIfAbsent(f, k -> new ArrayList<>()).add(makeOffer(f, a, role, offerable));
                    shares.allocated(f, role, offerable);
                }
            }
        }
        for (Map.Entry<Framework, List<Protos.Offer>> e : batches.entrySet()) {
            e.getKey().stream.send(Event.newBuilder().setType(Event.Type.OFFERS)
                .setOffers(Event.Offers.newBuilder().addAllOffers(e.getValue())).build());
        }
    }

    /**
     * The allocator's minimum: the framework's {@code offer_filters[role].min_allocatable_resources} when it sets
     * them (an empty list allows anything), else the master's default {@code cpus:0.01|mem:32}; resources are
     * allocatable when they hold at least one of the listed quantity sets.
     */
    private static boolean allocatable(Framework f, String role, ResourceBag offerable) {
        if (offerable.isEmpty()) {
            return false;
        }
        Protos.OfferFilters filters = f.info.getOfferFiltersMap().get(role);
        if (filters == null || !filters.hasMinAllocatableResources()) {
            return offerable.scalar("cpus") >= 0.01 || offerable.scalar("mem") >= 32;
        }
        List<Protos.OfferFilters.ResourceQuantities> any = filters.getMinAllocatableResources().getQuantitiesList();
        if (any.isEmpty()) {
            return true;
        }
        for (Protos.OfferFilters.ResourceQuantities quantities : any) {
            boolean holds = true;
            for (Map.Entry<String, Protos.Value.Scalar> q : quantities.getQuantitiesMap().entrySet()) {
                if (quantity(offerable, q.getKey()) < q.getValue().getValue()) {
                    holds = false;
                    break;
                }
            }
            if (holds) {
                return true;
            }
        }
        return false;
    }

    /** How much of {@code name} a bag holds: a scalar's amount, a range's number of values, a set's size. */
    private static double quantity(ResourceBag bag, String name) {
        double q = 0;
        for (Map.Entry<ResourceBag.Key, Object> e : bag.entries().entrySet()) {
            if (!e.getKey().name().equals(name)) {
                continue;
            }
            if (e.getValue() instanceof Long millis) {
                q += millis / 1000.0;
            } else if (e.getValue() instanceof long[] ranges) {
                for (int i = 0; i + 1 < ranges.length; i += 2) {
                    q += ranges[i + 1] - ranges[i] + 1;
                }
            } else if (e.getValue() instanceof java.util.Collection<?> items) {
                q += items.size();
            }
        }
        return q;
    }

    /** A DECLINE filter blocks while it lasts and its refused resources hold all that is offerable. */
    static boolean filtered(Framework f, Agent a, String role, ResourceBag offerable, long now) {
        List<Filter> list = f.filters.get(a.id + "\0" + role);
        if (list == null) {
            return false;
        }
        list.removeIf(filter -> filter.expiresNanos - now <= 0);
        if (list.isEmpty()) {
            f.filters.remove(a.id + "\0" + role);
            return false;
        }
        for (Filter filter : list) {
            if (filter.refused.contains(offerable)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Dominant resource shares for one allocation round (M:src/master/allocator/sorter/drf): per role over all its
     * frameworks, and per framework within each role; every framework's live tasks and held offers count, the
     * candidates are the active frameworks.
     */
    private final class Shares {
        private final Map<String, Double> total = new HashMap<>();
        private final Map<String, Map<String, Double>> byRole = new HashMap<>();
        private final Map<Framework, Map<String, Map<String, Double>>> byFramework = new HashMap<>();
        private final Map<String, List<Framework>> candidates = new java.util.TreeMap<>();
        /** One framework in one role (the usual case): nothing to order, so no shares are counted. */
        private final boolean single;
        private final List<String> roles;

        Shares(List<Framework> active) {
            for (Framework f : active) {
                for (String role : f.roles()) {
                    candidates.computeIfAbsent(role, r -> new ArrayList<>()).add(f);
                }
            }
            roles = new ArrayList<>(candidates.keySet());
            single = roles.size() == 1 && candidates.get(roles.get(0)).size() == 1;
            if (single) {
                return;
            }
            for (Agent a : agents) {
                if (a.state == AgentState.ACTIVE) {
                    addScalars(total, a.total);
                }
            }
            for (Framework f : frameworks.values()) {
                for (Task t : f.tasks.values()) {
                    if (!t.resourcesReleased && t.agent.state == AgentState.ACTIVE) {
                        allocated(f, t.role, t.resources);
                    }
                }
                for (Offer o : f.offers.values()) {
                    allocated(f, o.role, o.resources);
                }
            }
        }

        void allocated(Framework f, String role, ResourceBag resources) {
            if (single) {
                return;
            }
            addScalars(byRole.computeIfAbsent(role, r -> new HashMap<>()), resources);
            addScalars(byFramework.computeIfAbsent(f, k -> new HashMap<>()).computeIfAbsent(role,
                r -> new HashMap<>()), resources);
        }

        List<String> rolesInOrder() {
            if (single) {
                return roles;
            }
            List<String> sorted = new ArrayList<>(roles);
            sorted.sort(java.util.Comparator.comparingDouble((String r) -> dominant(byRole.get(r))));
            return sorted;
        }

        List<Framework> frameworksInOrder(String role) {
            if (single) {
                return candidates.get(role);
            }
            List<Framework> list = new ArrayList<>(candidates.get(role));
            list.sort(java.util.Comparator.comparingDouble((Framework f) -> dominant(
                byFramework.getOrDefault(f, Map.of()).get(role))).thenComparing(f -> f.id));
            return list;
        }

        private double dominant(Map<String, Double> allocation) {
            double share = 0;
            if (allocation != null) {
                for (Map.Entry<String, Double> e : allocation.entrySet()) {
                    double of = total.getOrDefault(e.getKey(), 0.0);
                    if (of > 0) {
                        share = Math.max(share, e.getValue() / of);
                    }
                }
            }
            return share;
        }

        private void addScalars(Map<String, Double> into, ResourceBag bag) {
            for (Map.Entry<ResourceBag.Key, Object> e : bag.entries().entrySet()) {
                if (e.getValue() instanceof Long millis) {
                    into.merge(e.getKey().name(), millis / 1000.0, Double::sum);
                }
            }
        }
    }

    private Protos.Offer makeOffer(Framework f, Agent a, String role, ResourceBag resources) {
        String id = masterId + "-O" + nextOfferId++;
        a.available.subtract(resources);
        Offer o = new Offer(id, f, a, role, resources);
        offers.put(id, o);
        f.offers.put(id, o);
        a.offers.add(id);
        if (config.offerTimeout() != null) {
            o.timeout = loop.schedule(guard(() -> {
                if (offers.get(id) == o) {
                    rescind(o);
                }
            }), config.offerTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        boolean multiRole = f.multiRole();
        Protos.Offer.Builder b = Protos.Offer.newBuilder()
            .setId(OfferID.newBuilder().setValue(id))
            .setFrameworkId(FrameworkID.newBuilder().setValue(f.id))
            .setAgentId(AgentID.newBuilder().setValue(a.id))
            .setHostname(a.hostname)
            .setUrl(Protos.URL.newBuilder().setScheme("http")
                .setAddress(Protos.Address.newBuilder().setHostname(a.hostname).setIp(ip)
                    .setPort(a.httpPort))
                .setPath("/slave(1)"))
            .addAllResources(resources.toProtos(
                f.has(FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT), multiRole ? role : null))
            .addAllAttributes(a.attributes);
        if (multiRole) {
            b.setAllocationInfo(Protos.Resource.AllocationInfo.newBuilder().setRole(role));
        }
        return b.build();
    }

    /** Returns an offer's resources to its agent; sends RESCIND when asked to. */
    private void removeOffer(Offer o, boolean sendRescind) {
        if (offers.remove(o.id) == null) {
            return;
        }
        o.framework.offers.remove(o.id);
        o.agent.offers.remove(o.id);
        if (o.agent.state != AgentState.GONE) {
            o.agent.available.add(o.resources);
        }
        if (o.timeout != null) {
            o.timeout.cancel(false);
        }
        if (sendRescind && o.framework.active()) {
            o.framework.stream.send(Event.newBuilder().setType(Event.Type.RESCIND)
                .setRescind(Event.Rescind.newBuilder().setOfferId(OfferID.newBuilder().setValue(o.id))).build());
        }
    }

    void rescind(Offer o) {
        removeOffer(o, true);
    }

    private void decline(Framework f, List<OfferID> ids, Protos.Filters filters) {
        for (OfferID id : ids) {
            Offer o = f.offers.get(id.getValue());
            if (o == null) {
                continue; // stale or foreign ids are ignored
            }
            removeOffer(o, false);
            addFilter(f, o.agent, o.role, o.resources, filters);
        }
    }

    private void addFilter(Framework f, Agent a, String role, ResourceBag refused, Protos.Filters filters) {
        double seconds = filters.getRefuseSeconds(); // default 5.0
        if (seconds < 0) {
            seconds = 5.0;
        }
        if (seconds > MAX_REFUSE_SECONDS) {
            seconds = MAX_REFUSE_SECONDS;
        }
        if (seconds == 0 || refused.isEmpty()) {
            return;
        }
        long nanos = Math.max((long) (seconds * 1e9), config.allocationInterval().toNanos());
        // each DECLINE adds a filter of its own (the allocator keeps a set per agent and role)
        f.filters.computeIfAbsent(a.id + "\0" + role, k -> new ArrayList<>())
            .add(new Filter(refused, System.nanoTime() + nanos));
    }

    private void clearFilters(Framework f, String role) {
        f.filters.keySet().removeIf(k -> k.endsWith("\0" + role));
    }

    private void revive(Framework f, List<String> roles) {
        List<String> target = roles.isEmpty() ? f.roles() : roles;
        for (String r : target) {
            if (!f.roles().contains(r)) {
                return; // the whole call is dropped
            }
        }
        for (String r : target) {
            clearFilters(f, r);
            f.suppressed.remove(r);
        }
        allocate();
    }

    private void suppress(Framework f, List<String> roles) {
        List<String> target = roles.isEmpty() ? f.roles() : roles;
        for (String r : target) {
            if (!f.roles().contains(r)) {
                return;
            }
        }
        f.suppressed.addAll(target);
    }

    // ------------------------------------------------------------------ accept

    private void accept(Framework f, Call.Accept accept) {
        List<TaskInfo> launches = new ArrayList<>();
        for (Protos.Offer.Operation op : accept.getOperationsList()) {
            if (op.getType() == Protos.Offer.Operation.Type.LAUNCH) {
                launches.addAll(op.getLaunch().getTaskInfosList());
            }
        }
        String error = validateOffers(f, accept.getOfferIdsList());
        if (error != null) {
            for (OfferID id : accept.getOfferIdsList()) {
                Offer o = f.offers.get(id.getValue());
                if (o != null) {
                    removeOffer(o, false); // back to the allocator without a filter
                }
            }
            for (TaskInfo t : launches) {
                masterUpdate(f, t.getTaskId(), t.hasAgentId() ? t.getAgentId() : null,
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
                masterUpdate(f, t.getTaskId(), t.getAgentId(),
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
                TaskInfo t = withInferredHealthCheckType(given);
                String invalid;
                ResourceBag needs = null;
                if (op.hasId()) {
                    invalid = "The `id` field cannot be set on LAUNCH operations";
                } else {
                    invalid = validateTask(f, agent, t, launchedIds);
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
                    masterUpdate(f, t.getTaskId(), t.getAgentId(), TaskState.TASK_ERROR,
                        Reason.REASON_TASK_INVALID, invalid, null);
                    continue;
                }
                remaining.subtract(needs);
                launchedIds.add(t.getTaskId().getValue());
                launch(f, agent, role, t, needs);
            }
        }
        agent.available.add(remaining);
        addFilter(f, agent, role, remaining, accept.hasFilters() ? accept.getFilters() : Protos.Filters.getDefaultInstance());
    }

    /**
     * M:src/master/validation.cpp {@code offer::validate}: each check runs over the whole list before the next one
     * (unique ids, then every id still valid, then framework, then role, then agent), so the first check that any
     * offer fails decides the message.
     */
    private String validateOffers(Framework f, List<OfferID> ids) {
        if (ids.isEmpty()) {
            return "No offers specified";
        }
        Set<String> seen = new HashSet<>();
        for (OfferID id : ids) {
            if (!seen.add(id.getValue())) {
                return "Duplicate offer " + id.getValue() + " in offer list";
            }
        }
        List<Offer> found = new ArrayList<>();
        for (OfferID id : ids) {
            Offer o = offers.get(id.getValue());
            if (o == null) {
                return "Offer " + id.getValue() + " is no longer valid";
            }
            found.add(o);
        }
        for (Offer o : found) {
            if (o.framework != f) {
                return "Offer " + o.id + " has invalid framework " + o.framework.id
                    + " while framework " + f.id + " is expected";
            }
        }
        String role = found.get(0).role;
        for (Offer o : found) {
            if (!role.equals(o.role)) {
                return "Aggregated offers must be allocated to the same role. Offer " + o.id
                    + " uses role " + o.role + " but another is allocated to role " + role;
            }
        }
        String agent = found.get(0).agent.id;
        for (Offer o : found) {
            if (!agent.equals(o.agent.id)) {
                return "Aggregated offers must belong to one single agent. Offer " + o.id
                    + " uses agent " + o.agent.id + " and agent " + agent;
            }
        }
        return null;
    }

    /**
     * A health check without a type gets the one its fields imply, as the master does for older schedulers
     * (M:src/master/master.cpp {@code _accept}): COMMAND when only {@code command} is set, HTTP when only
     * {@code http} is.
     */
    private static TaskInfo withInferredHealthCheckType(TaskInfo t) {
        if (!t.hasHealthCheck() || t.getHealthCheck().hasType()) {
            return t;
        }
        Protos.HealthCheck h = t.getHealthCheck();
        Protos.HealthCheck.Type type;
        if (h.hasCommand() && !h.hasHttp()) {
            type = Protos.HealthCheck.Type.COMMAND;
        } else if (h.hasHttp() && !h.hasCommand()) {
            type = Protos.HealthCheck.Type.HTTP;
        } else {
            return t;
        }
        return t.toBuilder().setHealthCheck(h.toBuilder().setType(type)).build();
    }

    /**
     * The master's task validation, in its order (M:src/master/validation.cpp {@code task::internal::validateTask},
     * then {@code validateExecutor} up to the resource totals, which the caller checks against the offer).
     */
    private String validateTask(Framework f, Agent agent, TaskInfo t, Set<String> launchedIds) {
        String id = t.getTaskId().getValue();
        if (id.isEmpty()) {
            return "ID must not be empty";
        }
        if (id.length() > 255) {
            return "ID must not be greater than 255 characters";
        }
        if (id.equals(".") || id.equals("..")) {
            return "'" + id + "' is disallowed";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c) || c == '/' || c == '\\') {
                return "'" + id + "' contains invalid characters";
            }
        }
        Task existing = f.tasks.get(id);
        if (existing != null && existing.agent.state == AgentState.UNREACHABLE) {
            return "Task reuses the ID of an unreachable task: " + id;
        }
        if (existing != null || launchedIds.contains(id)) {
            return "Task has duplicate ID: " + id;
        }
        if (!t.getAgentId().getValue().equals(agent.id)) {
            return "Task uses invalid agent " + t.getAgentId().getValue() + " while agent " + agent.id
                + " is expected";
        }
        if (t.hasKillPolicy() && t.getKillPolicy().hasGracePeriod()
            && t.getKillPolicy().getGracePeriod().getNanoseconds() < 0) {
            return "Task's 'kill_policy.grace_period' must be non-negative";
        }
        if (t.hasMaxCompletionTime() && t.getMaxCompletionTime().getNanoseconds() < 0) {
            return "Task's `max_completion_time` must be non-negative";
        }
        if (t.hasHealthCheck()) {
            String h = validateHealthCheck(t.getHealthCheck());
            if (h != null) {
                return "Task uses invalid health check: " + h;
            }
        }
        if (t.getResourcesCount() == 0) {
            return "Task uses no resources";
        }
        try {
            ResourceBag.fromProtos(t.getResourcesList());
        } catch (IllegalArgumentException e) {
            return "Task uses invalid resources: " + e.getMessage();
        }
        if (t.hasContainer()) {
            String c = validateContainerInfo(t.getContainer());
            if (c != null) {
                return "Task's `ContainerInfo` is invalid: " + c;
            }
        }
        if (t.hasExecutor() == t.hasCommand()) {
            return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
        }
        if (t.hasExecutor()) {
            if (t.getExecutor().hasType() && t.getExecutor().getType() != Protos.ExecutorInfo.Type.CUSTOM) {
                return "'ExecutorInfo.type' must be 'CUSTOM'";
            }
            if (!t.getExecutor().hasCommand()) {
                return "'ExecutorInfo.command' must be set";
            }
        }
        return null;
    }

    /** M:src/common/validation.cpp {@code validateContainerInfo}, the DOCKER part. */
    private static String validateContainerInfo(ContainerInfo c) {
        if (c.getType() == ContainerInfo.Type.DOCKER) {
            if (!c.hasDocker()) {
                return "DockerInfo 'docker' is not set for DOCKER typed ContainerInfo";
            }
            for (Protos.Parameter p : c.getDocker().getParametersList()) {
                if (p.getKey().equals("name")) {
                    return "Parameter in DockerInfo must not be 'name'";
                }
            }
        }
        return null;
    }

    /** M:src/common/validation.cpp {@code validateHealthCheck}. */
    private static String validateHealthCheck(Protos.HealthCheck h) {
        if (!h.hasType()) {
            return "HealthCheck must specify 'type'";
        }
        switch (h.getType()) {
            case COMMAND -> {
                if (!h.hasCommand()) {
                    return "Expecting 'command' to be set for COMMAND health check";
                }
                if (!h.getCommand().hasValue()) {
                    return "Command health check must contain "
                        + (h.getCommand().getShell() ? "'shell command'" : "'executable path'");
                }
            }
            case HTTP -> {
                if (!h.hasHttp()) {
                    return "Expecting 'http' to be set for HTTP health check";
                }
                String scheme = h.getHttp().getScheme();
                if (h.getHttp().hasScheme() && !scheme.equals("http") && !scheme.equals("https")) {
                    return "Unsupported HTTP health check scheme: '" + scheme + "'";
                }
                if (h.getHttp().hasPath() && !h.getHttp().getPath().startsWith("/")) {
                    return "The path '" + h.getHttp().getPath() + "' of HTTP health check must start with '/'";
                }
            }
            case TCP -> {
                if (!h.hasTcp()) {
                    return "Expecting 'tcp' to be set for TCP health check";
                }
            }
            default -> {
                return "'" + h.getType().name() + "' is not a valid health check type";
            }
        }
        if (h.hasDelaySeconds() && h.getDelaySeconds() < 0) {
            return "Expecting 'delay_seconds' to be non-negative";
        }
        if (h.hasGracePeriodSeconds() && h.getGracePeriodSeconds() < 0) {
            return "Expecting 'grace_period_seconds' to be non-negative";
        }
        if (h.hasIntervalSeconds() && h.getIntervalSeconds() < 0) {
            return "Expecting 'interval_seconds' to be non-negative";
        }
        if (h.hasTimeoutSeconds() && h.getTimeoutSeconds() < 0) {
            return "Expecting 'timeout_seconds' to be non-negative";
        }
        return null;
    }

    /** {@code role}: the role the offer was allocated to, which the task's resources are allocated to too. */
    private void launch(Framework f, Agent agent, String role, TaskInfo info, ResourceBag resources) {
        boolean docker = info.hasContainer() && info.getContainer().getType() == ContainerInfo.Type.DOCKER;
        Task t = new Task(info, f, agent, resources, randomUuid().toString(), docker);
        t.role = role;
        f.tasks.put(t.id(), t);
        agent.tasks.put(t.key(), t);
        launches++;
        LaunchFailure failure = nextLaunchFailure;
        nextLaunchFailure = null;
        if (info.hasExecutor()) {
            // an executor would have to speak the executor HTTP API, which the emulator does not serve
            agentUpdate(t, TaskState.TASK_FAILED, Source.SOURCE_AGENT, Reason.REASON_CONTAINER_LAUNCH_FAILED,
                "The Mesos emulator runs command and docker tasks only; custom executors (ExecutorInfo) are not"
                    + " supported", null);
            return;
        }
        runner.launch(t, failure);
    }

    // ------------------------------------------------------------------ status updates

    /** A master-generated update: no uuid, never retried, dropped when the framework is not connected. */
    void masterUpdate(Framework f, TaskID taskId, AgentID agentId, TaskState state, Reason reason, String message,
                      Consumer<TaskStatus.Builder> extra) {
        TaskStatus.Builder s = TaskStatus.newBuilder()
            .setTaskId(taskId)
            .setState(state)
            .setSource(Source.SOURCE_MASTER)
            .setReason(reason)
            .setMessage(message)
            .setTimestamp(System.currentTimeMillis() / 1000.0);
        if (agentId != null) {
            s.setAgentId(agentId);
        }
        if (extra != null) {
            extra.accept(s);
        }
        sendUpdate(f, s.build());
    }

    /** Fault injection: agent updates held back, to be released out of order. */
    private List<Runnable> heldUpdates;

    public void holdUpdates() {
        if (heldUpdates == null) {
            heldUpdates = new ArrayList<>();
        }
    }

    /** Sends the held updates, newest first when {@code reversed}; updates flow normally again. */
    public void releaseUpdates(boolean reversed) {
        List<Runnable> held = heldUpdates;
        heldUpdates = null;
        if (held != null) {
            if (reversed) {
                java.util.Collections.reverse(held);
            }
            held.forEach(Runnable::run);
        }
    }

    private void sendUpdate(Framework f, TaskStatus status) {
        if (heldUpdates != null && status.hasUuid()) {
            heldUpdates.add(() -> sendUpdate(f, status));
            return;
        }
        if (f.active()) {
            updatesSent++;
            f.stream.send(Event.newBuilder().setType(Event.Type.UPDATE)
                .setUpdate(Event.Update.newBuilder().setStatus(status)).build());
        }
    }

    /**
     * An update produced on the agent (by the executor or the agent itself): it gets a uuid and joins the task's
     * status update stream, which forwards one update at a time until it is acknowledged.
     */
    void agentUpdate(Task t, TaskState state, Source source, Reason reason, String message,
                     Consumer<TaskStatus.Builder> extra) {
        if (t.framework.removed || Model.isTerminal(t.agentState)) {
            return;
        }
        UUID uuid = randomUuid();
        ByteBuffer bb = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
            .putLong(uuid.getLeastSignificantBits());
        TaskStatus.Builder s = TaskStatus.newBuilder()
            .setTaskId(t.info.getTaskId())
            .setState(state)
            .setSource(source)
            .setAgentId(AgentID.newBuilder().setValue(t.agent.id))
            .setExecutorId(ExecutorID.newBuilder().setValue(t.executorId))
            .setTimestamp(System.currentTimeMillis() / 1000.0)
            .setUuid(ByteString.copyFrom(bb.array()));
        if (reason != null) {
            s.setReason(reason);
        }
        if (message != null) {
            s.setMessage(message);
        }
        if (t.containerStatus != null) {
            s.setContainerStatus(t.containerStatus);
        }
        if (t.healthy != null) {
            s.setHealthy(t.healthy);
        }
        if (extra != null) {
            extra.accept(s);
        }
        TaskStatus status = s.build();
        t.agentState = state;
        t.pending.add(status);
        if (t.agent.state == AgentState.ACTIVE) {
            // the master learns the latest state with every forwarded update, but the agent forwards the newest
            // only when it heads the stream; while an older update is in flight the next retry carries it
            if (t.pending.size() == 1) {
                if (updateDelayNanos > 0) {
                    long delay = updateDelayNanos;
                    schedule(() -> {
                        if (t.pending.peek() == status) {
                            forward(t);
                        }
                    }, delay);
                } else {
                    forward(t);
                }
            }
        }
    }

    /** A version 4 (random) UUID, as {@link UUID#randomUUID()} makes, from the loop's own generator. */
    UUID randomUuid() {
        long msb = random.nextLong() & ~0xF000L | 0x4000L;
        long lsb = random.nextLong() & ~(0xC000L << 48) | 0x8000L << 48;
        return new UUID(msb, lsb);
    }

    /** Forwards the head of the task's update stream and arms the retry timer. */
    void forward(Task t) {
        TaskStatus head = t.pending.peek();
        if (head == null || t.framework.removed) {
            return;
        }
        t.statusUpdateState = head.getState();
        t.addStatus(head);
        setMasterState(t, t.agentState);
        sendUpdate(t.framework, head);
        if (t.retry != null) {
            t.retry.cancel(false);
        }
        if (t.retryNanos == 0) {
            t.retryNanos = config.statusUpdateRetry().toNanos();
        }
        long delay = t.retryNanos;
        t.retryNanos = Math.min(t.retryNanos * 2, Math.max(MAX_RETRY_NANOS, config.statusUpdateRetry().toNanos()));
        t.retry = loop.schedule(guard(() -> {
            if (t.pending.peek() == head && t.agent.state == AgentState.ACTIVE) {
                forward(t);
            }
        }), delay, TimeUnit.NANOSECONDS);
    }

    private void setMasterState(Task t, TaskState state) {
        t.state = state;
        if (Model.isTerminal(state)) {
            releaseResources(t);
        }
    }

    private void releaseResources(Task t) {
        if (!t.resourcesReleased) {
            t.resourcesReleased = true;
            if (t.agent.state != AgentState.GONE) {
                t.agent.available.add(t.resources);
            }
        }
    }

    private void acknowledge(Framework f, Call.Acknowledge ack) {
        Agent a = agentsById.get(ack.getAgentId().getValue());
        if (a == null || a.state != AgentState.ACTIVE) {
            return;
        }
        Task t = a.tasks.get(f.id + "\0" + ack.getTaskId().getValue());
        if (t == null) {
            return;
        }
        TaskStatus head = t.pending.peek();
        if (head == null || !head.getUuid().equals(ack.getUuid())) {
            return; // duplicate or unexpected acknowledgements are ignored
        }
        t.pending.poll();
        if (t.retry != null) {
            t.retry.cancel(false);
            t.retry = null;
        }
        t.retryNanos = 0;
        if (Model.isTerminal(head.getState())) {
            forgetTask(t);
        } else if (!t.pending.isEmpty()) {
            forward(t);
        }
    }

    private void forgetTask(Task t) {
        if (t.retry != null) {
            t.retry.cancel(false);
        }
        t.framework.tasks.remove(t.id());
        t.agent.tasks.remove(t.key());
        if (gc != null && t.sandbox != null) {
            gc.schedule(t.sandbox);
        }
        addBounded(t.framework.completedTasks, t);
        addBounded(t.agent.completedTasks, t);
    }

    private static void addBounded(List<Task> list, Task t) {
        list.add(t);
        if (list.size() > 1000) {
            list.remove(0);
        }
    }

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
            reconcile(f, List.of(r.build()));
            return;
        }
        if (kill.hasAgentId() && !kill.getAgentId().getValue().equals(t.agent.id)) {
            return;
        }
        t.killRequested = true;
        runner.kill(t, kill.hasKillPolicy() ? kill.getKillPolicy() : null);
    }

    private void reconcile(Framework f, List<Call.Reconcile.Task> tasks) {
        if (tasks.isEmpty()) {
            for (Task t : f.tasks.values()) {
                if (t.agent.state == AgentState.UNREACHABLE) {
                    continue;
                }
                reconcileKnown(f, t);
            }
            return;
        }
        for (Call.Reconcile.Task rt : tasks) {
            Task t = f.tasks.get(rt.getTaskId().getValue());
            if (t != null && t.agent.state != AgentState.UNREACHABLE) {
                reconcileKnown(f, t);
                continue;
            }
            boolean pa = f.partitionAware();
            AgentID aid = rt.hasAgentId() ? rt.getAgentId() : null;
            Agent a = aid == null ? null : agentsById.get(aid.getValue());
            if (a != null && a.state == AgentState.ACTIVE) {
                masterUpdate(f, rt.getTaskId(), aid, pa ? TaskState.TASK_GONE : TaskState.TASK_LOST,
                    Reason.REASON_RECONCILIATION, "Reconciliation: Task is unknown to the agent", null);
            } else if (a != null && a.state == AgentState.UNREACHABLE) {
                long since = a.unreachableSinceEpochNanos;
                masterUpdate(f, rt.getTaskId(), aid, pa ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST,
                    Reason.REASON_RECONCILIATION, "Reconciliation: Task is unreachable",
                    s -> s.setUnreachableTime(Protos.TimeInfo.newBuilder().setNanoseconds(since)));
            } else if (a != null && a.state == AgentState.GONE) {
                masterUpdate(f, rt.getTaskId(), aid, pa ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_LOST,
                    Reason.REASON_RECONCILIATION, "Reconciliation: Task is gone", null);
            } else {
                masterUpdate(f, rt.getTaskId(), aid, pa ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST,
                    Reason.REASON_RECONCILIATION, "Reconciliation: Task is unknown", null);
            }
        }
    }

    private void reconcileKnown(Framework f, Task t) {
        masterUpdate(f, t.info.getTaskId(), AgentID.newBuilder().setValue(t.agent.id).build(), t.statusUpdateState,
            Reason.REASON_RECONCILIATION, "Reconciliation: Latest task state", s -> taskDetails(t, s));
    }

    /**
     * What the master adds to an update it makes about a task it knows: health, container status, and the executor
     * id only for a task with its own executor (a command task's executor id is made on the agent and is not in the
     * master's Task).
     */
    private static void taskDetails(Task t, TaskStatus.Builder s) {
        if (t.healthy != null) {
            s.setHealthy(t.healthy);
        }
        if (t.containerStatus != null) {
            s.setContainerStatus(t.containerStatus);
        }
        if (t.info.hasExecutor()) {
            s.setExecutorId(t.info.getExecutor().getExecutorId());
        }
    }

    // ------------------------------------------------------------------ fault injection

    /** The agent stops answering pings: its tasks become UNREACHABLE (or LOST), frameworks get FAILURE. */
    void partitionAgent(Agent a) {
        if (a.state != AgentState.ACTIVE) {
            return;
        }
        a.state = AgentState.UNREACHABLE;
        a.unreachableSinceEpochNanos = System.currentTimeMillis() * 1_000_000L;
        long since = a.unreachableSinceEpochNanos;
        for (Task t : a.tasks.values()) {
            if (Model.isTerminal(t.state)) {
                continue;
            }
            Framework f = t.framework;
            masterUpdate(f, t.info.getTaskId(), AgentID.newBuilder().setValue(a.id).build(),
                f.partitionAware() ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST, Reason.REASON_AGENT_REMOVED,
                "Agent " + a.hostname + " is unreachable",
                s -> s.setUnreachableTime(Protos.TimeInfo.newBuilder().setNanoseconds(since)));
        }
        // M:src/master/master.cpp __removeSlave: the task updates, then the rescinds, then FAILURE
        rescindOffers(a);
        failure(a);
    }

    private void rescindOffers(Agent a) {
        for (String oid : new ArrayList<>(a.offers)) {
            rescind(offers.get(oid));
        }
    }

    private void failure(Agent a) {
        for (Framework f : frameworks.values()) {
            if (f.active()) {
                f.stream.send(Event.newBuilder().setType(Event.Type.FAILURE)
                    .setFailure(Event.Failure.newBuilder().setAgentId(AgentID.newBuilder().setValue(a.id))).build());
            }
        }
    }

    /** An unreachable agent reregisters: its tasks were not killed and are reported with their current state. */
    void healAgent(Agent a) {
        if (a.state != AgentState.UNREACHABLE) {
            return;
        }
        a.state = AgentState.ACTIVE;
        for (Task t : new ArrayList<>(a.tasks.values())) {
            // every task the agent reports, with the agent's own latest state (M:src/master/master.cpp
            // __reregisterSlave), before the agent resends what is unacknowledged
            masterUpdate(t.framework, t.info.getTaskId(), AgentID.newBuilder().setValue(a.id).build(),
                t.agentState, Reason.REASON_AGENT_REREGISTERED, "Unreachable agent re-reregistered",
                s -> taskDetails(t, s));
        }
        // no kill is sent again: a KILL reaches only an active agent, whose runtime carries it out during the
        // partition too, and Mesos sends nothing to an agent that returns from unreachable
        resumeStatusUpdates(a);
        allocate();
    }

    /** The operator marks the agent gone: its tasks are killed and reported GONE_BY_OPERATOR (or LOST). */
    void removeAgent(Agent a) {
        if (a.state == AgentState.GONE) {
            return;
        }
        boolean wasActive = a.state == AgentState.ACTIVE;
        List<String> offered = new ArrayList<>(a.offers);
        a.state = AgentState.GONE;
        for (Task t : new ArrayList<>(a.tasks.values())) {
            if (t.runtime != null) {
                t.runtime.destroy();
            }
            if (t.retry != null) {
                t.retry.cancel(false);
            }
            t.pending.clear();
            Framework f = t.framework;
            boolean pa = f.partitionAware();
            if (!Model.isTerminal(t.state)) {
                masterUpdate(f, t.info.getTaskId(), AgentID.newBuilder().setValue(a.id).build(),
                    pa ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_LOST,
                    pa ? Reason.REASON_AGENT_REMOVED_BY_OPERATOR : Reason.REASON_AGENT_REMOVED,
                    "Agent " + a.hostname + " is gone", null);
            }
            t.state = pa ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_LOST;
            forgetTask(t);
        }
        for (String oid : offered) {
            Offer o = offers.get(oid);
            if (o != null) {
                rescind(o); // the resources go nowhere: the agent is gone
            }
        }
        if (wasActive) {
            failure(a);
        }
    }

    /**
     * A new master takes over (restart or leader switch): all streams end, offers and filters are forgotten, a new
     * master id is used; agents reregister with their tasks, so frameworks with tasks are known (disconnected,
     * without a failover timer) and frameworks without tasks are forgotten.
     */
    public void failover(int newLeader, long recoveryNanos) {
        failover(newLeader);
        if (recoveryNanos > 0) {
            recoveringUntilNanos = System.nanoTime() + recoveryNanos;
        }
    }

    public boolean recovering() {
        long until = recoveringUntilNanos;
        return until != Long.MIN_VALUE && System.nanoTime() - until < 0;
    }

    public void failover(int newLeader) {
        for (Framework f : new ArrayList<>(frameworks.values())) {
            Stream s = f.stream;
            f.stream = null;
            f.connected = false;
            if (s != null) {
                cancelHeartbeat(s);
                s.abort(new java.io.IOException("master failover"));
            }
            for (Offer o : new ArrayList<>(f.offers.values())) {
                removeOffer(o, false);
            }
            f.filters.clear();
            f.suppressed.clear();
            if (f.failoverTimer != null) {
                f.failoverTimer.cancel(false);
                f.failoverTimer = null;
            }
            if (f.tasks.isEmpty()) {
                frameworks.remove(f.id);
            }
        }
        completedFrameworks.clear();
        masterId = UUID.randomUUID().toString();
        nextFrameworkId = 0;
        nextOfferId = 0;
        leader = newLeader;
    }

    void cutStream(Framework f) {
        Stream s = f.stream;
        if (s == null) {
            return;
        }
        byte[] record = MesosJson.writeBytes(Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
        ByteBuffer frame = RecordIo.frame(record);
        frame.limit(frame.limit() - record.length / 2);
        s.raw(frame);
        loop.schedule(() -> s.abort(new java.io.IOException("stream cut by fault injection")), 50,
            TimeUnit.MILLISECONDS);
    }

    void injectBytes(Framework f, byte[] bytes) {
        if (f.stream != null) {
            f.stream.raw(ByteBuffer.wrap(bytes.clone()));
        }
    }

    public void rescindAll() {
        for (Offer o : new ArrayList<>(offers.values())) {
            rescind(o);
        }
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
        allocate();
        return index;
    }

    /** Opaque handles for the public API: the records themselves stay package-private. */
    public Object frameworkRef(String id) {
        return framework(id);
    }

    public Object agentRef(int index) {
        return agent(index);
    }

    public void cutStream(Object f) {
        cutStream((Framework) f);
    }

    public void injectBytes(Object f, byte[] bytes) {
        injectBytes((Framework) f, bytes);
    }

    public void stopHeartbeats(Object f, boolean stopped) {
        Stream s = ((Framework) f).stream;
        if (s != null) {
            s.heartbeatsStopped = stopped;
        }
    }

    public void partitionAgent(Object a) {
        partitionAgent((Agent) a);
    }

    public void healAgent(Object a) {
        healAgent((Agent) a);
    }

    public void removeAgent(Object a) {
        removeAgent((Agent) a);
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

    // ------------------------------------------------------------------ state view

    public String stateJson() {
        StateJson j = new StateJson();
        j.begin();
        j.field("id", masterId);
        int port = leader >= 0 ? masterPorts[leader] : masterPorts[0];
        j.field("pid", "master@" + ip + ":" + port);
        j.field("hostname", config.host());
        j.field("version", "1.11.0");
        j.field("leader", leader >= 0 ? "master@" + ip + ":" + masterPorts[leader] : "");
        j.field("activated_slaves", agents.stream().filter(a -> a.state == AgentState.ACTIVE).count());
        j.key("frameworks").array();
        for (Framework f : frameworks.values()) {
            frameworkJson(j, f);
        }
        j.end(']');
        j.key("completed_frameworks").array();
        for (Framework f : completedFrameworks.values()) {
            frameworkJson(j, f);
        }
        j.end(']');
        j.key("slaves").array();
        for (Agent a : agents) {
            if (a.state == AgentState.GONE) {
                continue;
            }
            j.begin();
            j.field("id", a.id);
            j.field("hostname", a.hostname);
            j.field("port", a.httpPort);
            j.field("pid", "slave(1)@" + ip + ":" + a.httpPort);
            j.field("active", a.state == AgentState.ACTIVE);
            j.key("resources").map(a.total.summary());
            ResourceBag used = a.total.copy();
            used.subtract(a.available);
            ResourceBag offered = new ResourceBag();
            for (String oid : a.offers) {
                offered.add(offers.get(oid).resources);
            }
            used.subtract(offered);
            j.key("used_resources").map(used.summary());
            j.key("offered_resources").map(offered.summary());
            j.key("unreserved_resources").map(a.total.allocatableTo("*").summary());
            // M:src/common/http.cpp json(ObjectWriter*, Attributes): values stringified as Mesos does, not merged
            Map<String, Object> attrs = new LinkedHashMap<>();
            for (Protos.Attribute at : a.attributes) {
                attrs.put(at.getName(), switch (at.getType()) {
                    case SCALAR -> at.getScalar().getValue();
                    case TEXT -> at.getText().getValue();
                    case SET -> ResourceBag.setText(at.getSet().getItemList());
                    case RANGES -> {
                        long[] r = new long[at.getRanges().getRangeCount() * 2];
                        for (int i = 0; i < at.getRanges().getRangeCount(); i++) {
                            r[2 * i] = at.getRanges().getRange(i).getBegin();
                            r[2 * i + 1] = at.getRanges().getRange(i).getEnd();
                        }
                        yield ResourceBag.rangesText(r);
                    }
                });
            }
            j.key("attributes").map(attrs);
            j.end('}');
        }
        j.end(']');
        j.end('}');
        return j.toString();
    }

    /**
     * A framework as the master's {@code FullFrameworkWriter} writes it (M:src/master/readonly_handler.cpp), with
     * the fields the emulator has: {@code role} for a framework without MULTI_ROLE and {@code roles} for one with
     * it, used and offered resources, {@code executors} always empty (no custom executors).
     */
    private void frameworkJson(StateJson j, Framework f) {
        ResourceBag used = new ResourceBag();
        for (Task t : f.tasks.values()) {
            if (!t.resourcesReleased && t.agent.state == AgentState.ACTIVE) {
                used.add(t.resources);
            }
        }
        ResourceBag offered = new ResourceBag();
        for (Offer o : f.offers.values()) {
            offered.add(o.resources);
        }
        FrameworkInfo info = f.info;
        j.begin();
        j.field("id", f.id);
        j.field("name", info.getName());
        j.key("used_resources").map(used.summary());
        j.key("offered_resources").map(offered.summary());
        List<String> capabilities = new ArrayList<>();
        for (FrameworkInfo.Capability c : info.getCapabilitiesList()) {
            capabilities.add(c.getType().name());
        }
        j.key("capabilities").strings(capabilities);
        j.field("hostname", info.getHostname());
        j.field("webui_url", info.getWebuiUrl());
        j.field("active", f.active());
        j.field("connected", f.connected);
        j.field("user", info.getUser());
        j.field("failover_timeout", info.getFailoverTimeout());
        j.field("checkpoint", info.getCheckpoint());
        if (info.hasPrincipal()) {
            j.field("principal", info.getPrincipal());
        }
        ResourceBag all = used.copy();
        all.add(offered);
        j.key("resources").map(all.summary());
        if (f.multiRole()) {
            j.key("roles").strings(info.getRolesList());
        } else {
            j.field("role", info.getRole());
        }
        // tasks of an unreachable agent leave `tasks` (Framework::removeTask): a partition-aware framework's to
        // `unreachable_tasks` as TASK_UNREACHABLE, another's to `completed_tasks` as TASK_LOST, each with the
        // master's update added to its statuses
        List<Task> unreachable = new ArrayList<>();
        j.key("tasks").array();
        for (Task t : f.tasks.values()) {
            if (t.agent.state == AgentState.UNREACHABLE && !Model.isTerminal(t.state)) {
                unreachable.add(t);
            } else {
                taskJson(j, t);
            }
        }
        j.end(']');
        TaskState gone = f.partitionAware() ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST;
        j.key("unreachable_tasks").array();
        if (f.partitionAware()) {
            unreachable.forEach(t -> unreachableTaskJson(j, t, gone));
        }
        j.end(']');
        j.key("completed_tasks").array();
        for (Task t : f.completedTasks) {
            taskJson(j, t);
        }
        if (!f.partitionAware()) {
            unreachable.forEach(t -> unreachableTaskJson(j, t, gone));
        }
        j.end(']');
        // M:src/common/http.cpp json(ObjectWriter*, const Offer&): the stored offer always has its allocation_info
        j.key("offers").array();
        for (Offer o : f.offers.values()) {
            j.begin();
            j.field("id", o.id);
            j.field("framework_id", f.id);
            j.key("allocation_info").begin();
            j.field("role", o.role);
            j.end('}');
            j.field("slave_id", o.agent.id);
            j.key("resources").map(o.resources.summary());
            j.end('}');
        }
        j.end(']');
        j.key("executors").array();
        j.end(']');
        if (info.hasLabels()) {
            j.key("labels");
            j.labels(info.getLabels());
        }
        j.end('}');
    }

    /** The master's view of a task: its latest state and the statuses the master has received. */
    static void taskJson(StateJson j, Task t) {
        j.task(t, t.state, t.statuses);
    }

    private static void unreachableTaskJson(StateJson j, Task t, TaskState state) {
        List<TaskStatus> statuses = new ArrayList<>(t.statuses);
        statuses.add(TaskStatus.newBuilder().setTaskId(t.info.getTaskId()).setState(state)
            .setSource(Source.SOURCE_MASTER).setReason(Reason.REASON_AGENT_REMOVED)
            .setTimestamp(t.agent.unreachableSinceEpochNanos / 1e9).build());
        j.task(t, state, statuses);
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
