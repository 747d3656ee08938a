package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.api.EncodedOffers;
import io.mesowhisk.mesos.api.MesosClient;
import io.mesowhisk.mesos.api.MesosClientConfig;
import io.mesowhisk.mesos.api.Subscription;
import io.mesowhisk.mesos.constraints.PlacementEngine;
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
import io.mesowhisk.mesos.scheduler.TaskEnd;
import io.mesowhisk.mesos.scheduler.TaskPhase;
import io.mesowhisk.mesos.scheduler.TaskView;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: the public API over one serial {@link EventLoop} (a single daemon thread) that owns all state.
 * Public methods, Mesos callbacks, call answers and timers all post work to it; nothing is locked while calling out.
 * The state is kept by one part per concern, each confined to the loop: the subscription state machine
 * ({@link SubscriptionMachine}), the task table and task state machine ({@link Tasks}, {@link TaskRecord}), offers
 * ({@link OfferFlow}, {@link OfferSupply}, {@link CapacityCheck}, {@link Agents}), kills ({@link Kills}) and
 * reconciliation ({@link Reconciler}). This class dispatches events to them and runs the one-second tick.
 *
 * <p>The parts reach each other through this class's package-private fields. Configuration fields are written on the
 * loop (by a reconfiguration); {@link #settings} is volatile because views read it too.
 */
public final class SchedulerEngine implements MesosScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerEngine.class);
    private static final Duration TICK = Duration.ofSeconds(1);

    final String name;
    final EventLoop loop;
    final Metrics metrics = new Metrics();
    final FrameworkIdStore idStore;
    final PlacementEngine placement;
    final CompletableFuture<Void> stopped = new CompletableFuture<>();

    // configuration (written on the loop; settings read by views too)
    volatile SchedulerSettings settings;
    FrameworkSettings framework;
    MesosClientConfig clientConfig;
    MesosClient client;
    final boolean ownsClient;
    OfferIntake intake;

    // the parts
    final SubscriptionMachine subscription;
    final Tasks tasks = new Tasks(this);
    final Agents agents;
    final OfferFlow offers = new OfferFlow(this);
    final OfferSupply supply = new OfferSupply(this);
    final Kills kills = new Kills(this);
    final Reconciler reconciler = new Reconciler(this);
    private ScheduledFuture<?> tickTimer;

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
        this.agents = new Agents(name);
        this.loop = new EventLoop(name);
        this.subscription = new SubscriptionMachine(this, idStore.load().orElse(null));
    }

    /** Starts a scheduler from a builder's values: loads the framework id (failing here if it cannot) and subscribes. */
    public static MesosScheduler start(MesosScheduler.Builder builder) {
        SchedulerEngine engine = new SchedulerEngine(builder);
        if (engine.client == null) {
            engine.client = MesosClient.create(engine.clientConfig);
        }
        FrameworkID id = engine.subscription.frameworkId();
        LOG.info("{}: starting as {} (framework id {}, store: {})", engine.name,
                id == null ? "a new framework" : "framework " + id.getValue(),
                id == null ? "none yet" : id.getValue(), engine.idStore);
        engine.loop.post(engine.subscription::subscribe);
        engine.loop.post(() -> engine.tickTimer = engine.loop.every(engine::tick, TICK));
        return engine;
    }

    // ------------------------------------------------------------------ public API

    @Override
    public CompletionStage<LaunchedTask> launch(LaunchRequest request) {
        Objects.requireNonNull(request, "request");
        TaskRecord rec = new TaskRecord(request);
        metrics.count(SchedulerMetrics.LAUNCHES_REQUESTED);
        CompletableFuture<LaunchedTask> result = rec.launch.copy();
        loop.post(() -> doLaunch(rec));
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
        loop.post(() -> kills.kill(taskId).whenComplete((end, e) -> {
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
    public CompletionStage<TaskEnd> ended(String taskId) {
        Objects.requireNonNull(taskId, "taskId");
        CompletableFuture<TaskEnd> result = new CompletableFuture<>();
        // on the loop: a task that ends meanwhile moves from the table to the recently ended in one step; once the
        // loop is gone every task has ended, and is found among the recently ended from any thread
        if (!loop.post(() -> followEnd(taskId, result))) {
            followEnd(taskId, result);
        }
        return result;
    }

    private void followEnd(String taskId, CompletableFuture<TaskEnd> result) {
        TaskRecord rec = tasks.known(taskId);
        if (rec == null) {
            result.completeExceptionally(new NoSuchElementException("the scheduler " + name + " knows no task "
                    + taskId));
        } else {
            rec.ended.whenComplete((end, e) -> result.complete(end));
        }
    }

    @Override
    public CompletionStage<Void> reconfigure(MesosClientConfig newClient, FrameworkSettings newFramework,
            SchedulerSettings newSettings) {
        Objects.requireNonNull(newClient, "client");
        Objects.requireNonNull(newFramework, "framework");
        Objects.requireNonNull(newSettings, "settings");
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.post(() -> {
            subscription.reconfigure(newClient, newFramework, newSettings);
            done.complete(null);
        });
        if (loop.isShutdown()) {
            done.completeExceptionally(new IllegalStateException("the scheduler " + name + " is stopped"));
        }
        return done;
    }

    @Override
    public CompletionStage<Void> stop() {
        loop.post(subscription::stop);
        return stopped.copy();
    }

    /** Completes when the scheduler has stopped (without stopping it). */
    public CompletionStage<Void> whenStopped() {
        return stopped.copy();
    }

    @Override
    public void close() {
        if (loop.inLoop()) {
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
        return new SchedulerStatus(subscription.state(),
                Optional.ofNullable(subscription.frameworkId()).map(FrameworkID::getValue), subscription.leader(),
                subscription.lastEvent(), tasks.counts(), subscription.problem());
    }

    @Override
    public List<TaskView> tasks() {
        List<TaskView> out = new ArrayList<>(tasks.records.size());
        for (TaskRecord r : tasks.live()) {
            out.add(view(r));
        }
        for (TaskRecord r : tasks.recentlyEnded()) {
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
        return offers.heldView();
    }

    @Override
    public List<AgentView> agents() {
        return agents.views(tasks.live());
    }

    @Override
    public SchedulerMetrics metrics() {
        return metrics;
    }

    @Override
    public String toString() {
        return name + " (" + subscription.state() + ")";
    }

    // ------------------------------------------------------------------ on the loop

    private void doLaunch(TaskRecord rec) {
        if (subscription.stopping()) {
            tasks.failLaunch(rec, Kind.STOPPED, "the scheduler " + name + " is stopped", null);
            return;
        }
        if (!tasks.add(rec)) {
            rec.launch.completeExceptionally(new IllegalArgumentException("task id " + rec.id
                    + " is already in use by a task of this scheduler"));
            return;
        }
        Duration timeout = rec.request.launchTimeout().orElse(settings.launchTimeout());
        rec.launchDeadlineNanos = System.nanoTime() + timeout.toNanos();
        offers.launched(rec);
    }

    /** The offers of an OFFERS event of a subscription: used if it is the current one, declined when stopping. */
    void onOffers(Subscription sub, EncodedOffers encoded) {
        if (sub != subscription.current() || subscription.stopping()) {
            if (sub == subscription.current()) {
                offers.decline(OfferFlow.offerIds(encoded));
            } else if (sub == subscription.replaced()) {
                // still the master's stream until the new one is subscribed: its offers must not stay outstanding
                offers.declineOn(sub, OfferFlow.offerIds(encoded));
            }
            return;
        }
        subscription.eventReceived();
        offers.onOffers(encoded);
    }

    /** One event of a subscription: applied if it is the current one. */
    void onEvent(Subscription sub, Event event) {
        if (event.getType() == Event.Type.OFFERS) {
            // the client gives OFFERS to offers(), encoded; a client that wraps ours may not
            onOffers(sub, EncodedOffers.of(event.getOffers().getOffersList()));
            return;
        }
        if (sub != subscription.current() || subscription.stopping()) {
            return;
        }
        subscription.eventReceived();
        switch (event.getType()) {
            case UPDATE -> tasks.onUpdate(sub, event.getUpdate().getStatus());
            case RESCIND -> offers.onRescind(event.getRescind().getOfferId().getValue());
            case FAILURE -> LOG.info("{}: FAILURE event: agent {} {}", name,
                    event.getFailure().hasAgentId() ? event.getFailure().getAgentId().getValue() : "?",
                    event.getFailure().hasExecutorId() ? "executor " + event.getFailure().getExecutorId()
                            .getValue() : "lost");
            case ERROR -> LOG.error("{}: ERROR event from the master: {}", name, event.getError().getMessage());
            default -> { }
        }
    }

    /** Once a second: launch timeouts; expire held offers, ask about launches Mesos has said nothing about. */
    private void tick() {
        long nowNanos = System.nanoTime();
        List<TaskRecord> unsettled = tasks.unsettled();
        List<TaskRecord> late = null;
        for (TaskRecord r : unsettled) {
            if (r.launchDeadlineNanos != Long.MAX_VALUE && r.launchDeadlineNanos - nowNanos < 0
                    && !r.launch.isDone()) {
                if (late == null) {
                    late = new ArrayList<>();
                }
                late.add(r);
            }
        }
        if (late != null) {
            late.forEach(kills::onLaunchTimeout);
        }
        if (!subscription.subscribed()) {
            return;
        }
        offers.expireHeld();
        reconciler.reconcileSilent(unsettled);
    }

    /** Stopping: no more ticks. */
    void stopTick() {
        EventLoop.cancel(tickTimer);
    }
}
