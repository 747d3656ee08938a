package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.api.Disconnect;
import io.mesowhisk.mesos.api.Mesos4xxException;
import io.mesowhisk.mesos.api.MesosClient;
import io.mesowhisk.mesos.api.MesosClientConfig;
import io.mesowhisk.mesos.api.Subscription;
import io.mesowhisk.mesos.api.SubscriptionListener;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PlacedTask;
import io.mesowhisk.mesos.constraints.PlacementEngine;
import io.mesowhisk.mesos.constraints.PlacementResult;
import io.mesowhisk.mesos.constraints.TaskRequest;
import io.mesowhisk.mesos.scheduler.AgentView;
import io.mesowhisk.mesos.scheduler.FrameworkIdStore;
import io.mesowhisk.mesos.scheduler.FrameworkSettings;
import io.mesowhisk.mesos.scheduler.HeldOffer;
import io.mesowhisk.mesos.scheduler.LaunchException;
import io.mesowhisk.mesos.scheduler.LaunchException.Kind;
import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.mesos.scheduler.LaunchedTask;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import io.mesowhisk.mesos.scheduler.SchedulerSettings;
import io.mesowhisk.mesos.scheduler.SchedulerStatus;
import io.mesowhisk.mesos.scheduler.SchedulerStatus.State;
import io.mesowhisk.mesos.scheduler.TaskEnd;
import io.mesowhisk.mesos.scheduler.TaskPhase;
import io.mesowhisk.mesos.scheduler.TaskView;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.Filters;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.MasterInfo;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.TaskID;
import io.mesowhisk.mesos.v1.Protos.TaskInfo;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: one serial event loop (a single daemon thread) owns every field not marked volatile or concurrent.
 * Public methods, Mesos callbacks, call answers and timers all {@link #post} work to it. Two state machines live
 * here, each applied in one place: the subscription ({@link #onSubscribed}, {@link #onDisconnected},
 * {@link #onTerminated}) and the tasks ({@link #onUpdate} → {@link #apply}). Nothing is locked while calling out.
 */
public final class SchedulerEngine implements MesosScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerEngine.class);
    private static final int RECONCILE_BATCH = 1000;
    private static final int MAX_REQUEUES = 5;
    private static final int RECENTLY_ENDED = 1024;
    private static final int UNKNOWN_KILL_ATTEMPTS = 3;
    private static final Duration LAUNCHING_RECONCILE_AFTER = Duration.ofSeconds(10);
    private static final Duration TICK = Duration.ofSeconds(1);

    private final String name;
    private final ScheduledThreadPoolExecutor loop;
    private final Metrics metrics = new Metrics();
    private final FrameworkIdStore idStore;
    private final PlacementEngine placement;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile Thread loopThread;

    // configuration (written on the loop; settings read by views too)
    private volatile SchedulerSettings settings;
    private FrameworkSettings framework;
    private MesosClientConfig clientConfig;
    private MesosClient client;
    private boolean ownsClient;
    private OfferIntake intake;

    // subscription state machine
    private volatile State state = State.DISCONNECTED;
    private Subscription current;
    /** Replaced by a reconfiguration: closed (with its client, if it was ours) once the new one is subscribed. */
    private Subscription replaced;
    private MesosClient replacedClient;
    private volatile FrameworkID frameworkId;
    private volatile URI leader;
    private volatile Instant lastEvent;
    private boolean everSubscribed;
    private int resubscribeAttempts;
    private ScheduledFuture<?> resubscribeTimer;
    private ScheduledFuture<?> reconcileTimer;
    private ScheduledFuture<?> tickTimer;

    // offer flow control: SUPPRESS/REVIVE are sent one at a time so they cannot overtake each other
    private boolean wantSuppressed;
    private boolean sentSuppressed;
    private boolean reviveWanted;
    private boolean offerCallInFlight;
    private long lastReviveNanos = Long.MIN_VALUE / 2;
    private ScheduledFuture<?> reviveTimer;

    // tasks
    private final ConcurrentHashMap<String, TaskRecord> tasks = new ConcurrentHashMap<>();
    private final LinkedHashMap<String, TaskRecord> pending = new LinkedHashMap<>();
    private final LinkedHashMap<String, TaskRecord> recentlyEnded = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskRecord> eldest) {
            return size() > RECENTLY_ENDED;
        }
    };
    private final AtomicIntegerArray phaseCounts = new AtomicIntegerArray(TaskPhase.values().length);
    private final Map<String, UnknownKill> unknownKills = new HashMap<>();

    // offers and agents
    private final LinkedHashMap<String, OfferEntry> held = new LinkedHashMap<>();
    private volatile List<HeldOffer> heldView = List.of();
    private final ConcurrentHashMap<String, AgentEntry> agents = new ConcurrentHashMap<>();

    private record OfferEntry(Offer offer, OfferView view, Instant received, Instant expires) {
    }

    private static final class AgentEntry {
        volatile String hostname;
        volatile Map<String, String> attributes = Map.of();
        volatile Instant lastOffer = Instant.EPOCH;
        volatile double cpus;
        volatile double mem;
        volatile URI url;
        final Set<Integer> blacklist = ConcurrentHashMap.newKeySet();
    }

    private static final class UnknownKill {
        final CompletableFuture<TaskEnd> result = new CompletableFuture<>();
        int attempts;
        ScheduledFuture<?> timer;
    }

    private SchedulerEngine(MesosScheduler.Builder b) {
        List<String> missing = new ArrayList<>();
        if (b.clientConfig() == null && b.mesosClient() == null) {
            missing.add("client (MesosClientConfig) or mesosClient");
        }
        if (b.framework() == null) {
            missing.add("framework (FrameworkSettings)");
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("MesosScheduler.builder(): missing " + String.join(", ", missing));
        }
        this.framework = b.framework();
        this.settings = b.settings();
        this.name = b.name() != null ? b.name() : "mesos-scheduler " + framework.name();
        this.idStore = b.idStore() != null ? b.idStore() : FrameworkIdStore.inMemory();
        this.placement = b.placementEngine() != null ? b.placementEngine() : DefaultPlacement.load();
        if (b.mesosClient() != null) {
            this.client = b.mesosClient();
            this.clientConfig = client.config();
            this.ownsClient = false;
        } else {
            this.clientConfig = b.clientConfig();
            this.ownsClient = true;
        }
        this.intake = new OfferIntake(framework.role());
        this.loop = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            loopThread = t;
            return t;
        });
        loop.setRemoveOnCancelPolicy(true);
    }

    /** Starts a scheduler from a builder's values: loads the framework id (failing here if it cannot) and subscribes. */
    public static MesosScheduler start(MesosScheduler.Builder builder) {
        SchedulerEngine engine = new SchedulerEngine(builder);
        engine.frameworkId = engine.idStore.load().orElse(null);
        if (engine.client == null) {
            engine.client = MesosClient.create(engine.clientConfig);
        }
        LOG.info("{}: starting as {} (framework id {}, store: {})", engine.name,
                engine.frameworkId == null ? "a new framework" : "framework " + engine.frameworkId.getValue(),
                engine.frameworkId == null ? "none yet" : engine.frameworkId.getValue(), engine.idStore);
        engine.post(engine::subscribe);
        engine.post(() -> engine.tickTimer = engine.loop.scheduleWithFixedDelay(() -> engine.guard(engine::tick),
                TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS));
        return engine;
    }

    // ------------------------------------------------------------------ loop plumbing

    private void post(Runnable work) {
        try {
            loop.execute(() -> guard(work));
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: stopped, dropping work", name);
        }
    }

    private void guard(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            LOG.error("{}: internal error in the event loop (state kept, event dropped)", name, e);
        }
    }

    private ScheduledFuture<?> schedule(Runnable work, Duration delay) {
        try {
            return loop.schedule(() -> guard(work), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    // ------------------------------------------------------------------ public API

    @Override
    public CompletionStage<LaunchedTask> launch(LaunchRequest request) {
        Objects.requireNonNull(request, "request");
        TaskRecord rec = new TaskRecord(request);
        metrics.count(SchedulerMetrics.LAUNCHES_REQUESTED);
        CompletableFuture<LaunchedTask> result = rec.launch.copy();
        post(() -> doLaunch(rec));
        if (loop.isShutdown()) {
            rec.launch.completeExceptionally(new LaunchException(Kind.STOPPED, rec.id, "the scheduler " + name
                    + " is stopped", null, null, null));
        }
        return result;
    }

    @Override
    public CompletionStage<TaskEnd> kill(String taskId) {
        Objects.requireNonNull(taskId, "taskId");
        CompletableFuture<TaskEnd> result = new CompletableFuture<>();
        post(() -> doKill(taskId).whenComplete((end, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(end);
            }
        }));
        if (loop.isShutdown()) {
            result.complete(new TaskEnd(taskId, TaskState.TASK_UNKNOWN, Optional.empty(),
                    "the scheduler " + name + " is stopped", false));
        }
        return result;
    }

    @Override
    public CompletionStage<Void> reconfigure(MesosClientConfig newClient, FrameworkSettings newFramework,
            SchedulerSettings newSettings) {
        Objects.requireNonNull(newClient, "client");
        Objects.requireNonNull(newFramework, "framework");
        Objects.requireNonNull(newSettings, "settings");
        CompletableFuture<Void> done = new CompletableFuture<>();
        post(() -> {
            doReconfigure(newClient, newFramework, newSettings);
            done.complete(null);
        });
        if (loop.isShutdown()) {
            done.completeExceptionally(new IllegalStateException("the scheduler " + name + " is stopped"));
        }
        return done;
    }

    @Override
    public CompletionStage<Void> stop() {
        post(this::doStop);
        return stopped.copy();
    }

    /** Completes when the scheduler has stopped (without stopping it). */
    public CompletionStage<Void> whenStopped() {
        return stopped.copy();
    }

    @Override
    public void close() {
        if (Thread.currentThread() == loopThread) {
            // called from a stage completed by the loop: waiting here would wait for ourselves
            stop();
            return;
        }
        Duration timeout = settings.stopTimeout();
        try {
            stop().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{}: stop did not finish within {}: {}", name, timeout, e.toString());
            loop.shutdownNow();
            if (ownsClient) {
                client.close();
            }
        }
    }

    @Override
    public SchedulerStatus status() {
        Map<TaskPhase, Integer> counts = new EnumMap<>(TaskPhase.class);
        for (TaskPhase p : TaskPhase.values()) {
            counts.put(p, phaseCounts.get(p.ordinal()));
        }
        FrameworkID id = frameworkId;
        return new SchedulerStatus(state, Optional.ofNullable(id).map(FrameworkID::getValue),
                state == State.SUBSCRIBED ? Optional.ofNullable(leader) : Optional.empty(),
                Optional.ofNullable(lastEvent), counts);
    }

    @Override
    public List<TaskView> tasks() {
        List<TaskView> out = new ArrayList<>(tasks.size());
        for (TaskRecord r : tasks.values()) {
            out.add(view(r));
        }
        List<TaskRecord> ended;
        synchronized (recentlyEnded) {
            ended = new ArrayList<>(recentlyEnded.values());
        }
        for (TaskRecord r : ended) {
            out.add(view(r));
        }
        out.sort(Comparator.comparing(TaskView::since));
        return out;
    }

    private static TaskView view(TaskRecord r) {
        return new TaskView(r.id, r.name, r.phase, Optional.ofNullable(r.agentId), Optional.ofNullable(r.hostname),
                r.hostPorts, Optional.ofNullable(r.lastState), Instant.ofEpochMilli(r.sinceMillis), r.unplacedCycles,
                r.why);
    }

    @Override
    public List<HeldOffer> heldOffers() {
        return heldView;
    }

    @Override
    public List<AgentView> agents() {
        Map<String, Integer> counts = new HashMap<>();
        for (TaskRecord r : tasks.values()) {
            String a = r.agentId;
            if (a != null) {
                counts.merge(a, 1, Integer::sum);
            }
        }
        List<AgentView> out = new ArrayList<>();
        agents.forEach((id, a) -> out.add(new AgentView(id, a.hostname, a.attributes, a.lastOffer, a.cpus, a.mem,
                counts.getOrDefault(id, 0), a.blacklist)));
        out.sort(Comparator.comparing(AgentView::hostname).thenComparing(AgentView::agentId));
        return out;
    }

    @Override
    public SchedulerMetrics metrics() {
        return metrics;
    }

    @Override
    public String toString() {
        return name + " (" + state + ")";
    }

    // ------------------------------------------------------------------ subscription state machine

    private void setState(State next) {
        if (state != next) {
            LOG.debug("{}: {} -> {}", name, state, next);
            state = next;
        }
    }

    private boolean stopping() {
        return state == State.STOPPING || state == State.STOPPED;
    }

    private void subscribe() {
        resubscribeTimer = null;
        if (stopping()) {
            return;
        }
        setState(everSubscribed || frameworkId != null && state != State.DISCONNECTED ? State.RECONNECTING
                : State.SUBSCRIBING);
        Listener listener = new Listener();
        Subscription sub = client.subscribe(framework.toFrameworkInfo(Optional.ofNullable(frameworkId)), listener);
        listener.sub = sub;
        current = sub;
        sub.terminated().thenAccept(d -> post(() -> onTerminated(sub, d)));
    }

    /** Forwards one subscription's callbacks to the loop, tagged with the subscription. */
    private final class Listener implements SubscriptionListener {
        volatile Subscription sub;

        @Override
        public void subscribed(Subscription s, Event.Subscribed subscribed) {
            post(() -> onSubscribed(s, subscribed));
        }

        @Override
        public void event(Subscription s, Event event) {
            post(() -> onEvent(s, event));
        }

        @Override
        public void disconnected(Subscription s, Disconnect disconnect) {
            post(() -> onDisconnected(s, disconnect));
        }
    }

    private void onSubscribed(Subscription sub, Event.Subscribed subscribed) {
        if (sub != current || stopping()) {
            return;
        }
        if (replaced != null) {
            replaced.close();
            replaced = null;
            if (replacedClient != null) {
                replacedClient.close();
                replacedClient = null;
            }
        }
        FrameworkID id = subscribed.getFrameworkId();
        if (frameworkId == null || !frameworkId.getValue().equals(id.getValue())) {
            LOG.info("{}: registered as framework {}", name, id.getValue());
        }
        frameworkId = id;
        try {
            idStore.save(id);
        } catch (RuntimeException e) {
            LOG.warn("{}: could not save framework id {} in {}: {} (a restart would register anew)", name,
                    id.getValue(), idStore, e.toString());
        }
        leader = leaderOf(subscribed);
        lastEvent = Instant.now();
        if (everSubscribed) {
            metrics.count(SchedulerMetrics.RECONNECTS);
        }
        everSubscribed = true;
        resubscribeAttempts = 0;
        setState(State.SUBSCRIBED);
        // offers never survive a (re)subscription; Mesos starts unsuppressed
        held.clear();
        publishHeld();
        sentSuppressed = false;
        offerCallInFlight = false;
        reconcileAll();
        cancel(reconcileTimer);
        Duration every = settings.reconcileInterval();
        reconcileTimer = loop.scheduleWithFixedDelay(() -> guard(this::implicitReconcile), every.toMillis(),
                every.toMillis(), TimeUnit.MILLISECONDS);
        for (TaskRecord r : tasks.values()) {
            if (r.phase == TaskPhase.KILLING && r.acceptAnswered) {
                sendKill(r);
            }
        }
        wantSuppressed = pending.isEmpty() && settings.holdOffers().isZero();
        reviveWanted = false;
        syncOfferFlow();
    }

    private URI leaderOf(Event.Subscribed subscribed) {
        String scheme = clientConfig.masters().isEmpty() ? "http" : clientConfig.masters().get(0).getScheme();
        if (subscribed.hasMasterInfo()) {
            MasterInfo m = subscribed.getMasterInfo();
            String host = m.hasAddress() && m.getAddress().hasHostname() ? m.getAddress().getHostname()
                    : m.hasHostname() ? m.getHostname() : m.hasAddress() ? m.getAddress().getIp() : null;
            int port = m.hasAddress() && m.getAddress().hasPort() ? m.getAddress().getPort() : m.getPort();
            if (host != null) {
                return URI.create(scheme + "://" + host + ":" + port);
            }
        }
        return null;
    }

    private void onDisconnected(Subscription sub, Disconnect d) {
        if (sub != current || stopping()) {
            return;
        }
        if (d.reconnecting()) {
            LOG.warn("{}: {} ({}); mesos.api resubscribes as framework {}", name, d.reason(), d.message(),
                    frameworkId == null ? "(new)" : frameworkId.getValue());
            setState(everSubscribed ? State.RECONNECTING : State.SUBSCRIBING);
            held.clear();
            publishHeld();
        }
    }

    private void onTerminated(Subscription sub, Disconnect d) {
        if (sub == replaced) {
            replaced = null;
        }
        if (sub != current || stopping()) {
            return;
        }
        current = null;
        held.clear();
        publishHeld();
        boolean removed = d.reason() == Disconnect.Reason.TORN_DOWN
                || d.reason() == Disconnect.Reason.ERROR_EVENT && d.message().contains("has been removed");
        if (removed) {
            LOG.error("{}: framework {} was removed by Mesos ({}); its tasks are gone, registering a new framework",
                    name, frameworkId == null ? "?" : frameworkId.getValue(), d.message());
            frameworkRemoved(d.message());
        } else {
            LOG.warn("{}: subscription ended ({}: {}); resubscribing as framework {}", name, d.reason(),
                    d.message(), frameworkId == null ? "(new)" : frameworkId.getValue());
        }
        setState(State.RECONNECTING);
        scheduleResubscribe();
    }

    private void scheduleResubscribe() {
        cancel(resubscribeTimer);
        long min = clientConfig.backoffMin().toNanos();
        long max = clientConfig.backoffMax().toNanos();
        long base = min << Math.min(20, resubscribeAttempts++);
        long capped = base <= 0 || base > max ? max : base;
        long delay = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        resubscribeTimer = schedule(this::subscribe, Duration.ofNanos(delay));
    }

    private void frameworkRemoved(String message) {
        try {
            idStore.clear();
        } catch (RuntimeException e) {
            LOG.warn("{}: could not clear the framework id in {}: {}", name, idStore, e.toString());
        }
        frameworkId = null;
        for (TaskRecord r : new ArrayList<>(tasks.values())) {
            if (r.phase == TaskPhase.PENDING) {
                continue; // still wanted: launched under the new framework
            }
            end(r, TaskState.TASK_LOST, TaskStatus.Reason.REASON_FRAMEWORK_REMOVED,
                    "the framework was removed by Mesos: " + message, null);
        }
    }

    private void doReconfigure(MesosClientConfig newClient, FrameworkSettings newFramework,
            SchedulerSettings newSettings) {
        if (stopping()) {
            return;
        }
        this.settings = newSettings;
        boolean clientChanged = !newClient.toString().equals(clientConfig.toString())
                || !newClient.secret().equals(clientConfig.secret());
        boolean frameworkChanged = !newFramework.equals(framework);
        if (!clientChanged && !frameworkChanged) {
            LOG.info("{}: scheduler settings updated", name);
            return;
        }
        if (clientChanged && !ownsClient) {
            LOG.warn("{}: the client is shared, its settings cannot change here; only framework and scheduler"
                    + " settings applied", name);
            clientChanged = false;
        }
        LOG.info("{}: resubscribing as framework {} with new {}{}", name,
                frameworkId == null ? "(new)" : frameworkId.getValue(), clientChanged ? "client settings " : "",
                frameworkChanged ? "framework settings" : "");
        framework = newFramework;
        intake = new OfferIntake(newFramework.role());
        if (clientChanged) {
            if (replacedClient != null) {
                replacedClient.close();
            }
            replacedClient = client;
            clientConfig = newClient;
            client = MesosClient.create(newClient);
        }
        if (current != null) {
            if (replaced != null) {
                replaced.close();
            }
            replaced = current;
            current = null;
        }
        cancel(resubscribeTimer);
        subscribe();
    }

    private void doStop() {
        if (stopping()) {
            return;
        }
        boolean teardown = settings.teardownOnStop();
        LOG.info("{}: stopping ({})", name, teardown ? "TEARDOWN: Mesos kills every task"
                : "closing the stream; tasks keep running for a failover");
        Subscription sub = current;
        boolean subscribed = state == State.SUBSCRIBED && sub != null;
        setState(State.STOPPING);
        cancel(resubscribeTimer);
        cancel(reconcileTimer);
        cancel(tickTimer);
        cancel(reviveTimer);
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        if (subscribed && !held.isEmpty()) {
            List<OfferID> ids = new ArrayList<>();
            for (OfferEntry e : held.values()) {
                ids.add(e.offer().getId());
            }
            metrics.count(SchedulerMetrics.OFFERS_DECLINED, ids.size());
            calls.add(sub.decline(ids, refuseFilter()).toCompletableFuture().exceptionally(e -> null));
        }
        held.clear();
        publishHeld();
        for (TaskRecord r : new ArrayList<>(pending.values())) {
            failLaunch(r, Kind.STOPPED, "the scheduler stopped before the task was placed", null);
            end(r, TaskState.TASK_KILLED, null, "the scheduler stopped before the task was launched", true);
        }
        for (TaskRecord r : tasks.values()) {
            failLaunch(r, Kind.STOPPED, "the scheduler stopped before the task was running", null);
        }
        for (UnknownKill k : unknownKills.values()) {
            cancel(k.timer);
        }
        CompletableFuture<Void> declined = CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
        if (teardown && subscribed) {
            declined.thenCompose(v -> sub.teardown()).whenComplete((v, e) -> post(() -> {
                if (e != null) {
                    LOG.warn("{}: TEARDOWN failed: {}", name, e.toString());
                } else {
                    try {
                        idStore.clear();
                    } catch (RuntimeException ex) {
                        LOG.warn("{}: could not clear the framework id: {}", name, ex.toString());
                    }
                    for (TaskRecord r : new ArrayList<>(tasks.values())) {
                        end(r, TaskState.TASK_KILLED, TaskStatus.Reason.REASON_FRAMEWORK_REMOVED,
                                "the framework was torn down", null);
                    }
                }
                finishStop(sub);
            }));
        } else {
            declined.whenComplete((v, e) -> post(() -> finishStop(sub)));
        }
    }

    private void finishStop(Subscription sub) {
        if (sub != null) {
            sub.close();
        }
        if (replaced != null) {
            replaced.close();
        }
        if (replacedClient != null) {
            replacedClient.close();
        }
        if (ownsClient) {
            client.close();
        }
        for (UnknownKill k : unknownKills.values()) {
            k.result.complete(new TaskEnd("?", TaskState.TASK_UNKNOWN, Optional.empty(),
                    "the scheduler stopped before Mesos answered the kill", true));
        }
        unknownKills.clear();
        setState(State.STOPPED);
        LOG.info("{}: stopped", name);
        loop.shutdown();
        stopped.complete(null);
    }

    // ------------------------------------------------------------------ events

    private void onEvent(Subscription sub, Event event) {
        if (sub != current || stopping()) {
            if (event.getType() == Event.Type.OFFERS && sub == current) {
                decline(offerIds(event.getOffers().getOffersList()));
            }
            return;
        }
        lastEvent = Instant.now();
        switch (event.getType()) {
            case OFFERS -> onOffers(event.getOffers().getOffersList());
            case UPDATE -> onUpdate(sub, event.getUpdate().getStatus());
            case RESCIND -> onRescind(event.getRescind().getOfferId().getValue());
            case FAILURE -> LOG.info("{}: FAILURE event: agent {} {}", name,
                    event.getFailure().hasAgentId() ? event.getFailure().getAgentId().getValue() : "?",
                    event.getFailure().hasExecutorId() ? "executor " + event.getFailure().getExecutorId()
                            .getValue() : "lost");
            case ERROR -> LOG.error("{}: ERROR event from the master: {}", name, event.getError().getMessage());
            default -> { }
        }
    }

    // ------------------------------------------------------------------ launching and offers

    private void doLaunch(TaskRecord rec) {
        if (stopping()) {
            failLaunch(rec, Kind.STOPPED, "the scheduler " + name + " is stopped", null);
            return;
        }
        if (tasks.containsKey(rec.id)) {
            rec.launch.completeExceptionally(new IllegalArgumentException("task id " + rec.id
                    + " is already in use by a task of this scheduler"));
            return;
        }
        tasks.put(rec.id, rec);
        phaseCounts.incrementAndGet(TaskPhase.PENDING.ordinal());
        pending.put(rec.id, rec);
        Duration timeout = rec.request.launchTimeout().orElse(settings.launchTimeout());
        rec.launchDeadlineNanos = System.nanoTime() + timeout.toNanos();
        if (state == State.SUBSCRIBED && !held.isEmpty()) {
            placePending(new ArrayList<>(held.values()), false);
        }
        if (rec.phase == TaskPhase.PENDING) {
            requestOffers();
        }
    }

    private void onOffers(List<Offer> offers) {
        metrics.count(SchedulerMetrics.OFFERS_RECEIVED, offers.size());
        Instant now = Instant.now();
        Duration hold = settings.holdOffers();
        List<OfferEntry> incoming = new ArrayList<>(offers.size());
        for (Offer o : offers) {
            AgentEntry agent = agents.computeIfAbsent(o.getAgentId().getValue(), k -> new AgentEntry());
            OfferView view;
            try {
                view = intake.convert(o, agent.blacklist);
            } catch (IllegalArgumentException e) {
                LOG.warn("{}: offer {} cannot be used ({}); declining it", name, o.getId().getValue(),
                        e.getMessage());
                decline(List.of(o.getId()));
                continue;
            }
            noteAgent(agent, o, view, now);
            incoming.add(new OfferEntry(o, view, now, now.plus(hold)));
        }
        List<OfferEntry> candidates = new ArrayList<>(held.size() + incoming.size());
        candidates.addAll(held.values());
        candidates.addAll(incoming);
        Set<String> used = pending.isEmpty() ? Set.of() : placePending(candidates, true);
        List<OfferID> unused = new ArrayList<>();
        for (OfferEntry e : incoming) {
            if (used.contains(e.view().id())) {
                continue;
            }
            if (hold.isZero()) {
                unused.add(e.offer().getId());
            } else {
                held.put(e.view().id(), e);
            }
        }
        if (!unused.isEmpty()) {
            decline(unused);
        }
        publishHeld();
        if (pending.isEmpty() && hold.isZero()) {
            wantSuppressed = true; // with held offers, offers keep coming to be held
            syncOfferFlow();
        }
    }

    private void noteAgent(AgentEntry agent, Offer o, OfferView view, Instant now) {
        agent.hostname = o.getHostname();
        agent.lastOffer = now;
        agent.cpus = view.cpus();
        agent.mem = view.mem();
        if (agent.attributes.isEmpty() && !view.attributes().isEmpty()) {
            Map<String, String> attrs = new LinkedHashMap<>();
            view.attributes().forEach(a -> attrs.putIfAbsent(a.name(), a.text()));
            agent.attributes = attrs;
        }
        if (agent.url == null) {
            agent.url = agentUrl(o);
        }
    }

    private static URI agentUrl(Offer o) {
        if (o.hasUrl() && o.getUrl().hasAddress()) {
            var a = o.getUrl().getAddress();
            String host = a.hasHostname() && !a.getHostname().isEmpty() ? a.getHostname() : a.getIp();
            String scheme = o.getUrl().hasScheme() ? o.getUrl().getScheme() : "http";
            return URI.create(scheme + "://" + host + ":" + a.getPort());
        }
        return URI.create("http://" + o.getHostname() + ":5051");
    }

    /**
     * One pass of the placement engine over every pending task and the given offers; sends one ACCEPT per agent
     * used. Held offers that were used are removed from {@link #held}.
     *
     * @param countCycle whether this is an offer cycle (an OFFERS event) for the NO_CAPACITY count
     * @return ids of the offers used
     */
    private Set<String> placePending(List<OfferEntry> offers, boolean countCycle) {
        long start = System.nanoTime();
        List<TaskRequest> requests = new ArrayList<>(pending.size());
        boolean needsRunning = false;
        for (TaskRecord r : pending.values()) {
            requests.add(r.placement);
            needsRunning |= r.placement.constraints().dependsOnPlacements();
        }
        List<OfferView> views = new ArrayList<>(offers.size());
        Map<String, OfferEntry> byId = new HashMap<>(offers.size() * 2);
        for (OfferEntry e : offers) {
            views.add(e.view());
            byId.put(e.view().id(), e);
        }
        List<PlacedTask> running = List.of();
        if (needsRunning) {
            running = new ArrayList<>();
            for (TaskRecord r : tasks.values()) {
                if (r.placed != null) {
                    running.add(r.placed);
                }
            }
        }
        PlacementResult result = placement.place(requests, views, running, settings.placementStrategy());

        // one ACCEPT per agent, combining every offer of that agent that got a task
        Map<String, List<PlacementResult.Assignment>> byAgent = new LinkedHashMap<>();
        for (PlacementResult.Assignment a : result.assignments()) {
            byAgent.computeIfAbsent(a.offer().agentId(), k -> new ArrayList<>()).add(a);
        }
        Set<String> used = new HashSet<>();
        for (List<PlacementResult.Assignment> group : byAgent.values()) {
            sendAccept(group, byId, used);
        }
        if (countCycle) {
            countUnplaced(result.unplaced(), views);
        } else {
            for (PlacementResult.Unplaced u : result.unplaced()) {
                TaskRecord r = pending.get(u.task().id());
                if (r != null) {
                    r.why = u.reason();
                }
            }
        }
        for (String id : used) {
            held.remove(id);
        }
        metrics.record(SchedulerMetrics.OFFER_CYCLE_LATENCY, System.nanoTime() - start);
        return used;
    }

    private void sendAccept(List<PlacementResult.Assignment> group, Map<String, OfferEntry> byId, Set<String> used) {
        Map<String, OfferResources> resources = new LinkedHashMap<>();
        List<TaskInfo> infos = new ArrayList<>(group.size());
        List<TaskRecord> launched = new ArrayList<>(group.size());
        for (PlacementResult.Assignment a : group) {
            TaskRecord rec = pending.get(a.task().id());
            OfferEntry entry = byId.get(a.offer().id());
            if (rec == null || entry == null) {
                continue;
            }
            OfferResources res = resources.computeIfAbsent(a.offer().id(),
                    k -> new OfferResources(entry.offer(), intake));
            TaskInfo info = TaskInfos.build(rec.request, res, a.ports());
            if (info == null) {
                LOG.warn("{}: offer {} does not hold what placement gave {}; it stays pending", name,
                        a.offer().id(), rec);
                continue;
            }
            infos.add(info);
            launched.add(rec);
            pending.remove(rec.id);
            rec.agentId = entry.offer().getAgentId().getValue();
            rec.hostname = entry.offer().getHostname();
            AgentEntry agent = agents.get(rec.agentId);
            rec.agentUrl = agent != null && agent.url != null ? agent.url : agentUrl(entry.offer());
            rec.hostPorts = a.ports();
            rec.placed = PlacedTask.on(rec.placement.group(), a.offer());
            rec.acceptAnswered = false;
            rec.launchedNanos = System.nanoTime();
            rec.lastReconcileNanos = rec.launchedNanos;
            rec.why = "";
            setPhase(rec, TaskPhase.LAUNCHING);
        }
        if (infos.isEmpty()) {
            return;
        }
        List<OfferID> offerIds = new ArrayList<>(resources.size());
        for (OfferResources r : resources.values()) {
            offerIds.add(r.offer().getId());
            used.add(r.offer().getId().getValue());
        }
        Offer.Operation op = Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(infos)).build();
        metrics.count(SchedulerMetrics.OFFERS_ACCEPTED, offerIds.size());
        metrics.count(SchedulerMetrics.TASKS_LAUNCHED, infos.size());
        // leftovers come back at once while tasks still wait; otherwise they are refused like a decline
        Filters filters = pending.isEmpty() ? refuseFilter() : Filters.newBuilder().setRefuseSeconds(0).build();
        LOG.debug("{}: ACCEPT {} with {} task(s)", name, offerIds, infos.size());
        current.accept(offerIds, List.of(op), filters)
                .whenComplete((v, e) -> post(() -> onAcceptAnswer(launched, e)));
    }

    private void onAcceptAnswer(List<TaskRecord> launched, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        for (TaskRecord rec : launched) {
            rec.acceptAnswered = true;
            if (tasks.get(rec.id) != rec) {
                continue; // ended meanwhile
            }
            if (cause == null) {
                if (rec.killRequested && !rec.killSent) {
                    sendKill(rec);
                }
                continue;
            }
            if (rec.phase != TaskPhase.LAUNCHING && rec.phase != TaskPhase.KILLING) {
                continue; // an update already arrived: the master had the ACCEPT
            }
            if (cause instanceof IllegalStateException) {
                // never sent: not subscribed
                if (rec.killRequested) {
                    end(rec, TaskState.TASK_KILLED, null, "killed before its launch reached Mesos", true);
                } else {
                    requeue(rec, "the ACCEPT was not sent: " + cause.getMessage());
                }
            } else if (cause instanceof Mesos4xxException) {
                failLaunch(rec, Kind.LAUNCH_FAILED, "Mesos refused the ACCEPT: " + cause.getMessage(), null);
                end(rec, TaskState.TASK_ERROR, null, "Mesos refused the ACCEPT: " + cause.getMessage(),
                        rec.killRequested);
            } else {
                LOG.warn("{}: ACCEPT for {} failed ({}); asking Mesos whether it arrived", name, rec.id,
                        cause.toString());
                reconcile(List.of(rec));
            }
        }
    }

    private void requeue(TaskRecord rec, String why) {
        if (++rec.requeues > MAX_REQUEUES) {
            failLaunch(rec, Kind.LAUNCH_FAILED, "launch attempted " + rec.requeues + " times; last problem: " + why,
                    rec.lastStatus);
            end(rec, TaskState.TASK_DROPPED, null, why, false);
            return;
        }
        LOG.info("{}: {} back to pending: {}", name, rec.id, why);
        // agent, host and ports stay until the next placement: a late update may show the launch did happen
        rec.placed = null;
        rec.killSent = false;
        rec.why = why;
        setPhase(rec, TaskPhase.PENDING);
        pending.put(rec.id, rec);
        requestOffers();
    }

    private void countUnplaced(List<PlacementResult.Unplaced> unplaced, List<OfferView> offers) {
        int max = settings.maxUnplacedCycles();
        for (PlacementResult.Unplaced u : unplaced) {
            TaskRecord r = pending.get(u.task().id());
            if (r == null) {
                continue;
            }
            r.unplacedCycles++;
            r.why = u.reason();
            if (max > 0 && r.unplacedCycles >= max) {
                String message = "no offer fitted " + r.request + " in " + r.unplacedCycles + " offer cycles (last"
                        + " reason: " + u.reason() + "); largest offers seen: " + largest(offers);
                failLaunch(r, Kind.NO_CAPACITY, message, null);
                end(r, TaskState.TASK_DROPPED, null, message, false);
            }
        }
    }

    private static String largest(List<OfferView> offers) {
        if (offers.isEmpty()) {
            return "none";
        }
        OfferView byCpus = offers.get(0);
        OfferView byMem = offers.get(0);
        for (OfferView o : offers) {
            if (o.cpusMilli() > byCpus.cpusMilli()) {
                byCpus = o;
            }
            if (o.memMilli() > byMem.memMilli()) {
                byMem = o;
            }
        }
        return byCpus == byMem ? describe(byCpus) : describe(byCpus) + " and " + describe(byMem);
    }

    private static String describe(OfferView o) {
        long ports = o.ports().stream().mapToLong(p -> p.size()).sum();
        return o.hostname() + " (cpus " + o.cpus() + ", mem " + o.mem() + " MB, disk " + o.disk() + " MB, " + ports
                + " ports)";
    }

    private void onRescind(String offerId) {
        metrics.count(SchedulerMetrics.OFFERS_RESCINDED);
        if (held.remove(offerId) != null) {
            publishHeld();
        }
    }

    private void decline(List<OfferID> ids) {
        Subscription sub = current;
        if (sub == null || ids.isEmpty()) {
            return;
        }
        metrics.count(SchedulerMetrics.OFFERS_DECLINED, ids.size());
        sub.decline(ids, refuseFilter()).exceptionally(e -> {
            LOG.debug("{}: DECLINE failed: {}", name, e.toString());
            return null;
        });
    }

    private static List<OfferID> offerIds(List<Offer> offers) {
        List<OfferID> ids = new ArrayList<>(offers.size());
        for (Offer o : offers) {
            ids.add(o.getId());
        }
        return ids;
    }

    private Filters refuseFilter() {
        return Filters.newBuilder().setRefuseSeconds(settings.offerRefuse().toNanos() / 1e9).build();
    }

    private void publishHeld() {
        if (held.isEmpty()) {
            heldView = List.of();
            return;
        }
        List<HeldOffer> out = new ArrayList<>(held.size());
        for (OfferEntry e : held.values()) {
            OfferView v = e.view();
            out.add(new HeldOffer(v.id(), v.agentId(), v.hostname(), v.cpus(), v.mem(), v.disk(), v.ports(),
                    e.received(), e.expires()));
        }
        heldView = List.copyOf(out);
    }

    // ------------------------------------------------------------------ SUPPRESS / REVIVE

    /** A task became pending: revive (rate-limited), which also clears decline filters. */
    private void requestOffers() {
        wantSuppressed = false;
        reviveWanted = true;
        syncOfferFlow();
    }

    private void syncOfferFlow() {
        Subscription sub = current;
        if (state != State.SUBSCRIBED || sub == null || offerCallInFlight) {
            return;
        }
        if (!pending.isEmpty() || !settings.holdOffers().isZero()) {
            wantSuppressed = false;
        }
        if (wantSuppressed) {
            reviveWanted = false;
            cancel(reviveTimer);
            reviveTimer = null;
            if (!sentSuppressed) {
                offerCallInFlight = true;
                metrics.count(SchedulerMetrics.SUPPRESSES);
                sub.suppress(List.of()).whenComplete((v, e) -> post(() -> offerCallDone(sub, true, e)));
            }
            return;
        }
        if (!reviveWanted && !sentSuppressed) {
            return;
        }
        long now = System.nanoTime();
        long wait = lastReviveNanos + settings.reviveInterval().toNanos() - now;
        if (wait > 0) {
            if (reviveTimer == null) {
                reviveTimer = schedule(() -> {
                    reviveTimer = null;
                    syncOfferFlow();
                }, Duration.ofNanos(wait));
            }
            return;
        }
        reviveWanted = false;
        lastReviveNanos = now;
        offerCallInFlight = true;
        metrics.count(SchedulerMetrics.REVIVES);
        sub.revive(List.of()).whenComplete((v, e) -> post(() -> offerCallDone(sub, false, e)));
    }

    private void offerCallDone(Subscription sub, boolean suppress, Throwable e) {
        if (sub != current) {
            return;
        }
        offerCallInFlight = false;
        if (e == null) {
            sentSuppressed = suppress;
        } else {
            LOG.debug("{}: {} failed: {}", name, suppress ? "SUPPRESS" : "REVIVE", e.toString());
            if (!suppress) {
                reviveWanted = true;
            }
        }
        syncOfferFlow();
    }

    // ------------------------------------------------------------------ status updates: the task state machine

    private void onUpdate(Subscription sub, TaskStatus status) {
        metrics.count(SchedulerMetrics.UPDATES);
        String id = status.getTaskId().getValue();
        TaskRecord rec = tasks.get(id);
        if (status.hasUuid() && !status.getUuid().isEmpty()) {
            if (rec == null || !status.getUuid().equals(rec.ackInFlight)) {
                if (rec != null) {
                    rec.ackInFlight = status.getUuid();
                }
                sub.acknowledge(status).whenComplete((v, e) -> {
                    if (e == null) {
                        metrics.count(SchedulerMetrics.ACKNOWLEDGED);
                    } else {
                        LOG.debug("{}: ACKNOWLEDGE of {} {} failed: {} (the agent will resend it)", name, id,
                                status.getState(), e.toString());
                    }
                    if (rec != null) {
                        post(() -> {
                            if (status.getUuid().equals(rec.ackInFlight)) {
                                rec.ackInFlight = null;
                            }
                        });
                    }
                });
            }
        }
        if (rec == null) {
            onUnknownTask(status);
            return;
        }
        apply(rec, status);
    }

    private static boolean terminal(TaskState s) {
        return switch (s) {
            case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE,
                    TASK_GONE_BY_OPERATOR -> true;
            default -> false;
        };
    }

    /** States that end a task for its owner: terminal ones, plus UNREACHABLE and UNKNOWN. */
    private static boolean ends(TaskState s) {
        return terminal(s) || s == TaskState.TASK_UNREACHABLE || s == TaskState.TASK_UNKNOWN;
    }

    private static boolean lossLike(TaskState s) {
        return switch (s) {
            case TASK_LOST, TASK_DROPPED, TASK_GONE, TASK_GONE_BY_OPERATOR, TASK_UNREACHABLE, TASK_UNKNOWN -> true;
            default -> false;
        };
    }

    private static TaskPhase phaseOf(TaskState s) {
        return switch (s) {
            case TASK_STAGING -> TaskPhase.STAGING;
            case TASK_STARTING -> TaskPhase.STARTING;
            case TASK_RUNNING -> TaskPhase.RUNNING;
            case TASK_KILLING -> TaskPhase.KILLING;
            default -> TaskPhase.TERMINAL;
        };
    }

    /** The one place a status update changes a known task. */
    private void apply(TaskRecord rec, TaskStatus status) {
        TaskState s = status.getState();
        rec.lastState = s;
        rec.lastStatus = status;
        if (status.hasAgentId() && rec.agentId == null) {
            rec.agentId = status.getAgentId().getValue();
        }
        if (status.hasMessage() && !status.getMessage().isEmpty()) {
            rec.why = status.getMessage();
        }
        if (!ends(s)) {
            if (rec.phase == TaskPhase.PENDING) {
                // an earlier launch we took for failed did reach its agent: keep it rather than launch again
                LOG.warn("{}: {} reported {} while pending again; the earlier launch on {} stands", name, rec.id, s,
                        rec.hostname);
                pending.remove(rec.id);
                if (status.hasAgentId()) {
                    rec.agentId = status.getAgentId().getValue();
                }
                rec.acceptAnswered = true;
                setPhase(rec, TaskPhase.LAUNCHING);
            }
            TaskPhase next = phaseOf(s);
            if (next.ordinal() > rec.phase.ordinal()) {
                setPhase(rec, next); // phases only move forward: stale and reordered updates change nothing
            }
            if (s == TaskState.TASK_RUNNING && !rec.launch.isDone() && !rec.killRequested
                    && (!rec.hasHealthCheck() || status.hasHealthy() && status.getHealthy())) {
                completeLaunch(rec, status);
            }
            return;
        }
        if (rec.phase == TaskPhase.LAUNCHING && !rec.killRequested && !rec.launch.isDone()
                && launchNeverHappened(status)) {
            requeue(rec, s + " " + status.getReason() + ": " + status.getMessage());
            return;
        }
        end(rec, s, status.hasReason() ? status.getReason() : null, status.getMessage(), status);
    }

    /** A master answer saying our ACCEPT did not launch the task (invalid offers, or unknown to its agent). */
    private static boolean launchNeverHappened(TaskStatus status) {
        if (!status.hasReason()) {
            return false;
        }
        return switch (status.getReason()) {
            case REASON_INVALID_OFFERS -> true;
            case REASON_RECONCILIATION -> status.getState() == TaskState.TASK_GONE
                    || status.getState() == TaskState.TASK_UNKNOWN || status.getState() == TaskState.TASK_LOST;
            default -> false;
        };
    }

    private void completeLaunch(TaskRecord rec, TaskStatus status) {
        String fw = frameworkId == null ? "" : frameworkId.getValue();
        String executor = status.hasExecutorId() ? status.getExecutorId().getValue() : rec.id;
        URI url = rec.agentUrl != null ? rec.agentUrl : URI.create("http://" + rec.hostname + ":5051");
        LaunchedTask launched = new LaunchedTask(rec.id, rec.agentId, rec.hostname == null ? "" : rec.hostname, url,
                fw, executor, rec.hostPorts, status, rec.ended.minimalCompletionStage());
        metrics.record(SchedulerMetrics.LAUNCH_LATENCY, System.nanoTime() - rec.createdNanos);
        metrics.count(SchedulerMetrics.LAUNCHES_RUNNING);
        rec.launch.complete(launched);
    }

    private void end(TaskRecord rec, TaskState state, TaskStatus.Reason reason, String message, TaskStatus status) {
        if (!rec.launch.isDone()) {
            failLaunch(rec, classify(rec, state, message), describeEnd(rec, state, reason, message), status);
        }
        end(rec, state, reason, message, rec.killRequested || rec.timedOut);
    }

    private void end(TaskRecord rec, TaskState state, TaskStatus.Reason reason, String message, boolean byUs) {
        if (tasks.remove(rec.id, rec)) {
            pending.remove(rec.id);
            setPhase(rec, TaskPhase.TERMINAL);
            rec.lastState = state;
            cancel(rec.killTimer);
            synchronized (recentlyEnded) {
                recentlyEnded.put(rec.id, rec);
            }
            if (!rec.launch.isDone()) {
                failLaunch(rec, classify(rec, state, message), describeEnd(rec, state, reason, message), null);
            }
            rec.ended.complete(new TaskEnd(rec.id, state, Optional.ofNullable(reason),
                    message == null ? "" : message, byUs));
            if (LOG.isDebugEnabled()) {
                LOG.debug("{}: {} ended {} {} {}", name, rec.id, state, reason, message);
            }
        }
    }

    private Kind classify(TaskRecord rec, TaskState state, String message) {
        if (rec.timedOut) {
            return Kind.TIMED_OUT;
        }
        if (rec.killRequested || state == TaskState.TASK_KILLED) {
            return Kind.KILLED;
        }
        if (lossLike(state)) {
            return Kind.LOST;
        }
        String m = message == null ? "" : message;
        if (state == TaskState.TASK_FAILED && m.contains("Container exited with status 125")) {
            blacklist(rec);
            return Kind.DOCKER_RUN_FAILED;
        }
        if (m.contains("docker") && m.matches("(?s).*\\bpull\\b.*")) {
            return Kind.DOCKER_PULL_FAILED;
        }
        return Kind.LAUNCH_FAILED;
    }

    private void blacklist(TaskRecord rec) {
        if (rec.agentId == null || rec.hostPorts.isEmpty()) {
            return;
        }
        AgentEntry agent = agents.computeIfAbsent(rec.agentId, k -> new AgentEntry());
        agent.blacklist.addAll(rec.hostPorts);
        LOG.warn("{}: docker run failed for {} on {}; host ports {} of that agent are not used again", name, rec.id,
                rec.hostname, rec.hostPorts);
    }

    private static String describeEnd(TaskRecord rec, TaskState state, TaskStatus.Reason reason, String message) {
        return rec.id + " ended " + state + (reason == null ? "" : " (" + reason + ")")
                + (rec.hostname == null ? "" : " on " + rec.hostname)
                + (message == null || message.isEmpty() ? "" : ": " + message);
    }

    private void failLaunch(TaskRecord rec, Kind kind, String message, TaskStatus status) {
        if (rec.launch.isDone()) {
            return;
        }
        metrics.count(SchedulerMetrics.LAUNCHES_FAILED);
        TaskState state = status != null ? status.getState() : rec.lastState;
        TaskStatus.Reason reason = status != null && status.hasReason() ? status.getReason()
                : rec.lastStatus != null && rec.lastStatus.hasReason() ? rec.lastStatus.getReason() : null;
        String mesos = status != null ? status.getMessage() : rec.lastStatus != null ? rec.lastStatus.getMessage()
                : null;
        rec.launch.completeExceptionally(new LaunchException(kind, rec.id, message, state, reason, mesos));
    }

    private void setPhase(TaskRecord rec, TaskPhase next) {
        TaskPhase prev = rec.phase;
        if (prev == next) {
            return;
        }
        phaseCounts.decrementAndGet(prev.ordinal());
        if (next != TaskPhase.TERMINAL) {
            phaseCounts.incrementAndGet(next.ordinal());
        }
        rec.phase = next;
        rec.sinceMillis = System.currentTimeMillis();
    }

    private void onUnknownTask(TaskStatus status) {
        String id = status.getTaskId().getValue();
        TaskState s = status.getState();
        UnknownKill waiting = unknownKills.get(id);
        if (ends(s)) {
            if (waiting != null) {
                unknownKills.remove(id);
                cancel(waiting.timer);
                waiting.result.complete(new TaskEnd(id, s, status.hasReason() ? Optional.of(status.getReason())
                        : Optional.empty(), status.getMessage(), true));
            }
            return; // a late or duplicate end of a task we already ended: acknowledged, nothing else
        }
        if (waiting != null) {
            return; // being killed
        }
        String agent = status.hasAgentId() ? status.getAgentId().getValue() : null;
        TaskRecord ended;
        synchronized (recentlyEnded) {
            ended = recentlyEnded.get(id);
        }
        if (ended != null) {
            LOG.warn("{}: {} is reported {} after it ended for its owner ({}); killing it", name, id, s,
                    ended.lastState);
            killRaw(id, agent);
            return;
        }
        metrics.count(SchedulerMetrics.ORPHANS);
        if (settings.adoptOrphans()) {
            LOG.warn("{}: adopting task {} ({}) on agent {}: launched by an earlier incarnation of framework {}",
                    name, id, s, agent, frameworkId == null ? "?" : frameworkId.getValue());
            TaskRecord adopted = new TaskRecord(id, agent);
            AgentEntry a = agent == null ? null : agents.get(agent);
            if (a != null) {
                adopted.hostname = a.hostname;
                adopted.agentUrl = a.url;
            }
            tasks.put(id, adopted);
            phaseCounts.incrementAndGet(TaskPhase.PENDING.ordinal());
            setPhase(adopted, phaseOf(s));
            adopted.lastState = s;
            adopted.lastStatus = status;
        } else {
            LOG.warn("{}: killing orphan task {} ({}) on agent {}: framework {} has no record of it (an earlier"
                    + " incarnation launched it; set adoptOrphans to keep such tasks)", name, id, s, agent,
                    frameworkId == null ? "?" : frameworkId.getValue());
            killRaw(id, agent);
        }
    }

    // ------------------------------------------------------------------ kill

    private CompletionStage<TaskEnd> doKill(String taskId) {
        TaskRecord rec = tasks.get(taskId);
        if (rec == null) {
            TaskRecord ended;
            synchronized (recentlyEnded) {
                ended = recentlyEnded.get(taskId);
            }
            if (ended != null) {
                return ended.ended.copy();
            }
            if (stopping()) {
                return CompletableFuture.completedFuture(new TaskEnd(taskId, TaskState.TASK_UNKNOWN,
                        Optional.empty(), "the scheduler " + name + " is stopped", false));
            }
            return killRaw(taskId, null).result.copy();
        }
        CompletableFuture<TaskEnd> result = rec.ended.copy();
        killTask(rec, "killed by request");
        return result;
    }

    private void killTask(TaskRecord rec, String why) {
        rec.killRequested = true;
        failLaunch(rec, rec.timedOut ? Kind.TIMED_OUT : Kind.KILLED, rec.id + " " + why, null);
        switch (rec.phase) {
            case PENDING -> end(rec, TaskState.TASK_KILLED, null, why + " before it was launched", true);
            case LAUNCHING -> {
                setPhase(rec, TaskPhase.KILLING);
                if (rec.acceptAnswered) {
                    sendKill(rec);
                } // else: sent when the ACCEPT is answered, so the KILL cannot overtake it
            }
            case STAGING, STARTING, RUNNING -> {
                setPhase(rec, TaskPhase.KILLING);
                sendKill(rec);
            }
            default -> { } // KILLING: the retry timer repeats it
        }
    }

    private void sendKill(TaskRecord rec) {
        cancel(rec.killTimer);
        rec.killSent = true;
        Subscription sub = current;
        if (sub != null && state == State.SUBSCRIBED) {
            metrics.count(SchedulerMetrics.KILLS_SENT);
            var grace = rec.request != null ? rec.request.killGrace().map(TaskInfos::killPolicy).orElse(null) : null;
            sub.kill(TaskID.newBuilder().setValue(rec.id).build(),
                    rec.agentId == null ? null : AgentID.newBuilder().setValue(rec.agentId).build(), grace)
                    .exceptionally(e -> {
                        LOG.debug("{}: KILL {} failed: {} (retried)", name, rec.id, e.toString());
                        return null;
                    });
        }
        rec.killTimer = schedule(() -> {
            if (tasks.get(rec.id) == rec) {
                sendKill(rec);
            }
        }, settings.killRetryInterval());
    }

    /** KILL for a task we have no record of (orphan, or a kill of an unknown id), repeated a few times. */
    private UnknownKill killRaw(String taskId, String agentId) {
        UnknownKill k = unknownKills.computeIfAbsent(taskId, id -> new UnknownKill());
        sendRawKill(taskId, agentId, k);
        return k;
    }

    private void sendRawKill(String taskId, String agentId, UnknownKill k) {
        if (unknownKills.get(taskId) != k) {
            return;
        }
        if (k.attempts++ >= UNKNOWN_KILL_ATTEMPTS) {
            unknownKills.remove(taskId);
            k.result.complete(new TaskEnd(taskId, TaskState.TASK_UNKNOWN, Optional.empty(),
                    "Mesos did not report an end after " + UNKNOWN_KILL_ATTEMPTS + " kills", true));
            return;
        }
        Subscription sub = current;
        if (sub != null && state == State.SUBSCRIBED) {
            metrics.count(SchedulerMetrics.KILLS_SENT);
            sub.kill(TaskID.newBuilder().setValue(taskId).build(),
                    agentId == null ? null : AgentID.newBuilder().setValue(agentId).build(), null)
                    .exceptionally(e -> null);
        }
        k.timer = schedule(() -> sendRawKill(taskId, agentId, k), settings.killRetryInterval());
    }

    private void onLaunchTimeout(TaskRecord rec) {
        if (tasks.get(rec.id) != rec || rec.launch.isDone()) {
            return;
        }
        Duration timeout = rec.request.launchTimeout().orElse(settings.launchTimeout());
        rec.timedOut = true;
        String message = rec.id + " was not running" + (rec.hasHealthCheck() ? " and healthy" : "") + " within "
                + timeout + " (phase " + rec.phase + (rec.why.isEmpty() ? "" : ", last: " + rec.why) + ")";
        LOG.warn("{}: {}; killing it", name, message);
        failLaunch(rec, Kind.TIMED_OUT, message, null);
        killTask(rec, "launch timed out");
    }

    // ------------------------------------------------------------------ reconciliation and the periodic tick

    private void reconcileAll() {
        List<TaskRecord> known = new ArrayList<>();
        for (TaskRecord r : tasks.values()) {
            if (r.phase != TaskPhase.PENDING && r.agentId != null) {
                known.add(r);
            }
        }
        if (!known.isEmpty()) {
            LOG.info("{}: reconciling {} task(s) explicitly", name, known.size());
            reconcile(known);
        }
        implicitReconcile();
    }

    private void reconcile(Collection<TaskRecord> records) {
        Subscription sub = current;
        if (sub == null || state != State.SUBSCRIBED) {
            return;
        }
        List<Call.Reconcile.Task> batch = new ArrayList<>();
        long now = System.nanoTime();
        for (TaskRecord r : records) {
            r.lastReconcileNanos = now;
            Call.Reconcile.Task.Builder t = Call.Reconcile.Task.newBuilder()
                    .setTaskId(TaskID.newBuilder().setValue(r.id));
            if (r.agentId != null) {
                t.setAgentId(AgentID.newBuilder().setValue(r.agentId));
            }
            batch.add(t.build());
            if (batch.size() == RECONCILE_BATCH) {
                sub.reconcile(batch).exceptionally(e -> null);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            sub.reconcile(batch).exceptionally(e -> null);
        }
    }

    private void implicitReconcile() {
        Subscription sub = current;
        if (sub != null && state == State.SUBSCRIBED) {
            sub.reconcile(List.of()).exceptionally(e -> {
                LOG.debug("{}: implicit RECONCILE failed: {}", name, e.toString());
                return null;
            });
        }
    }

    /** Once a second: launch timeouts; expire held offers, ask about launches Mesos has said nothing about. */
    private void tick() {
        long nowNanos = System.nanoTime();
        List<TaskRecord> late = null;
        for (TaskRecord r : tasks.values()) {
            if (r.launchDeadlineNanos != Long.MAX_VALUE && r.launchDeadlineNanos - nowNanos < 0
                    && !r.launch.isDone()) {
                if (late == null) {
                    late = new ArrayList<>();
                }
                late.add(r);
            }
        }
        if (late != null) {
            late.forEach(this::onLaunchTimeout);
        }
        if (state != State.SUBSCRIBED) {
            return;
        }
        if (!held.isEmpty()) {
            Instant now = Instant.now();
            List<OfferID> expired = new ArrayList<>();
            for (Iterator<OfferEntry> it = held.values().iterator(); it.hasNext();) {
                OfferEntry e = it.next();
                if (!e.expires().isAfter(now)) {
                    expired.add(e.offer().getId());
                    it.remove();
                }
            }
            if (!expired.isEmpty()) {
                decline(expired);
                publishHeld();
            }
        }
        long now = System.nanoTime();
        long quiet = LAUNCHING_RECONCILE_AFTER.toNanos();
        List<TaskRecord> silent = null;
        for (TaskRecord r : tasks.values()) {
            if ((r.phase == TaskPhase.LAUNCHING || r.phase == TaskPhase.KILLING && r.lastState == null)
                    && r.acceptAnswered && now - r.lastReconcileNanos > quiet) {
                if (silent == null) {
                    silent = new ArrayList<>();
                }
                silent.add(r);
            }
        }
        if (silent != null) {
            reconcile(silent);
        }
    }
}
