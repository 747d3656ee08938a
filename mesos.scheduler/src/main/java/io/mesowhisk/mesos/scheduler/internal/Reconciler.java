package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.api.Subscription;
import io.mesowhisk.mesos.scheduler.TaskPhase;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.TaskID;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciliation: at every (re)subscription, explicit RECONCILE of the tasks we launched (in batches) and an
 * implicit one; an implicit one every {@code reconcileInterval}; explicit ones for launches Mesos has said nothing
 * about for a while, and when an ACCEPT's fate is unknown. The answers are ordinary status updates.
 *
 * <p>Confined to the scheduler's event loop thread.
 */
final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerEngine.class); // one logger name for the engine
    private static final int RECONCILE_BATCH = 1000;
    private static final Duration LAUNCHING_RECONCILE_AFTER = Duration.ofSeconds(10);

    private final SchedulerEngine engine;
    private ScheduledFuture<?> timer;

    Reconciler(SchedulerEngine engine) {
        this.engine = engine;
    }

    /** A (re)subscription: reconcile everything now, then implicitly every interval. */
    void subscribed() {
        reconcileAll();
        EventLoop.cancel(timer);
        timer = engine.loop.every(this::implicitReconcile, engine.settings.reconcileInterval());
    }

    void stop() {
        EventLoop.cancel(timer);
    }

    private void reconcileAll() {
        List<TaskRecord> known = new ArrayList<>();
        for (TaskRecord r : engine.tasks.live()) {
            if (r.phase != TaskPhase.PENDING && r.agentId != null) {
                known.add(r);
            }
        }
        if (!known.isEmpty()) {
            LOG.info("{}: reconciling {} task(s) explicitly", engine.name, known.size());
            reconcile(known);
        }
        implicitReconcile();
    }

    /** Explicit RECONCILE of these tasks, if subscribed. */
    void reconcile(Collection<TaskRecord> records) {
        Subscription sub = engine.subscription.current();
        if (sub == null || !engine.subscription.subscribed()) {
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
        Subscription sub = engine.subscription.current();
        if (sub != null && engine.subscription.subscribed()) {
            sub.reconcile(List.of()).exceptionally(e -> {
                LOG.debug("{}: implicit RECONCILE failed: {}", engine.name, e.toString());
                return null;
            });
        }
    }

    /**
     * Once a second while subscribed: asks about launches (and kills of them) Mesos has said nothing about.
     *
     * @param unsettled the tasks not yet running as asked or not yet heard of ({@link Tasks#unsettled()})
     */
    void reconcileSilent(List<TaskRecord> unsettled) {
        long now = System.nanoTime();
        long quiet = LAUNCHING_RECONCILE_AFTER.toNanos();
        List<TaskRecord> silent = null;
        for (TaskRecord r : unsettled) {
            if (engine.tasks.get(r.id) != r) {
                continue; // ended by the tick's launch timeouts just before
            }
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
