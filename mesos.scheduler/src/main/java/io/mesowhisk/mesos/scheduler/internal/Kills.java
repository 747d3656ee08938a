package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.api.Subscription;
import io.mesowhisk.mesos.scheduler.LaunchException.Kind;
import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import io.mesowhisk.mesos.scheduler.TaskEnd;
import io.mesowhisk.mesos.scheduler.TaskPhase;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.TaskID;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills: of our tasks (KILL repeated every {@code killRetryInterval} until Mesos reports an end, never before the
 * ACCEPT that launched the task is answered), of tasks we have no record of (orphans, unknown ids: a few attempts),
 * and of launches past their timeout.
 *
 * <p>Confined to the scheduler's event loop thread.
 */
final class Kills {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerEngine.class); // one logger name for the engine
    private static final int UNKNOWN_KILL_ATTEMPTS = 3;

    /** A kill of a task we have no record of. */
    private static final class UnknownKill {
        final CompletableFuture<TaskEnd> result = new CompletableFuture<>();
        int attempts;
        ScheduledFuture<?> timer;
    }

    private final SchedulerEngine engine;
    private final Map<String, UnknownKill> unknownKills = new HashMap<>();

    Kills(SchedulerEngine engine) {
        this.engine = engine;
    }

    /** The kill API: our task, a recently ended one (its end), or an unknown id (KILL sent all the same). */
    CompletionStage<TaskEnd> kill(String taskId) {
        TaskRecord rec = engine.tasks.get(taskId);
        if (rec == null) {
            TaskRecord ended = engine.tasks.recentlyEnded(taskId);
            if (ended != null) {
                return ended.ended.copy();
            }
            if (engine.subscription.stopping()) {
                return CompletableFuture.completedFuture(new TaskEnd(taskId, TaskState.TASK_UNKNOWN,
                        Optional.empty(), "the scheduler " + engine.name + " is stopped", false));
            }
            return killUnknown(taskId, null).result.copy();
        }
        CompletableFuture<TaskEnd> result = rec.ended.copy();
        killTask(rec, "killed by request");
        return result;
    }

    private void killTask(TaskRecord rec, String why) {
        rec.killRequested = true;
        engine.tasks.failLaunch(rec, rec.timedOut ? Kind.TIMED_OUT : Kind.KILLED, rec.id + " " + why, null);
        switch (rec.phase) {
            case PENDING -> engine.tasks.end(rec, TaskState.TASK_KILLED, null, why + " before it was launched", true);
            case LAUNCHING -> {
                engine.tasks.setPhase(rec, TaskPhase.KILLING);
                if (rec.acceptAnswered) {
                    sendKill(rec);
                } // else: sent when the ACCEPT is answered, so the KILL cannot overtake it
            }
            case STAGING, STARTING, RUNNING -> {
                engine.tasks.setPhase(rec, TaskPhase.KILLING);
                sendKill(rec);
            }
            default -> { } // KILLING: the retry timer repeats it
        }
    }

    /** Sends KILL now (if subscribed) and again after the retry interval while the task lives. */
    void sendKill(TaskRecord rec) {
        EventLoop.cancel(rec.killTimer);
        rec.killSent = true;
        Subscription sub = engine.subscription.current();
        if (sub != null && engine.subscription.subscribed()) {
            engine.metrics.count(SchedulerMetrics.KILLS_SENT);
            var grace = rec.request != null ? rec.request.killGrace().map(TaskInfos::killPolicy).orElse(null) : null;
            sub.kill(TaskID.newBuilder().setValue(rec.id).build(),
                    rec.agentId == null ? null : AgentID.newBuilder().setValue(rec.agentId).build(), grace)
                    .exceptionally(e -> {
                        LOG.debug("{}: KILL {} failed: {} (retried)", engine.name, rec.id, e.toString());
                        return null;
                    });
        }
        rec.killTimer = engine.loop.schedule(() -> {
            if (engine.tasks.get(rec.id) == rec) {
                sendKill(rec);
            }
        }, engine.settings.killRetryInterval());
    }

    /** A (re)subscription: the kills waiting for one are sent. */
    void subscribed() {
        for (TaskRecord r : engine.tasks.live()) {
            if (r.phase == TaskPhase.KILLING && r.acceptAnswered) {
                sendKill(r);
            }
        }
    }

    /** A launch not running (and healthy) by its deadline: it fails TIMED_OUT and is killed. */
    void onLaunchTimeout(TaskRecord rec) {
        if (engine.tasks.get(rec.id) != rec || rec.launch.isDone()) {
            return;
        }
        Duration timeout = rec.request.launchTimeout().orElse(engine.settings.launchTimeout());
        rec.timedOut = true;
        String message = rec.id + " was not running" + (rec.hasHealthCheck() ? " and healthy" : "") + " within "
                + text(timeout) + " (phase " + rec.phase + (rec.why.isEmpty() ? "" : ", last: " + rec.why) + ")";
        LOG.warn("{}: {}; killing it", engine.name, message);
        engine.tasks.failLaunch(rec, Kind.TIMED_OUT, message, null);
        killTask(rec, "launch timed out");
    }

    /** {@code 45 s}, {@code 500 ms}: what a person reads in a failure ({@code PT45S} is not). */
    private static String text(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    // ------------------------------------------------------------------ tasks we have no record of

    /** KILL for a task we have no record of (orphan, or a kill of an unknown id), repeated a few times. */
    UnknownKill killUnknown(String taskId, String agentId) {
        UnknownKill k = unknownKills.computeIfAbsent(taskId, id -> new UnknownKill());
        sendRawKill(taskId, agentId, k);
        return k;
    }

    /** Whether a task we have no record of is being killed. */
    boolean killingUnknown(String taskId) {
        return unknownKills.containsKey(taskId);
    }

    /** An end reported for a task we have no record of: completes its kill, if one waits. */
    void unknownEnded(TaskStatus status) {
        String id = status.getTaskId().getValue();
        UnknownKill waiting = unknownKills.remove(id);
        if (waiting != null) {
            EventLoop.cancel(waiting.timer);
            waiting.result.complete(new TaskEnd(id, status.getState(), status.hasReason()
                    ? Optional.of(status.getReason()) : Optional.empty(), status.getMessage(), true));
        }
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
        Subscription sub = engine.subscription.current();
        if (sub != null && engine.subscription.subscribed()) {
            engine.metrics.count(SchedulerMetrics.KILLS_SENT);
            sub.kill(TaskID.newBuilder().setValue(taskId).build(),
                    agentId == null ? null : AgentID.newBuilder().setValue(agentId).build(), null)
                    .exceptionally(e -> null);
        }
        k.timer = engine.loop.schedule(() -> sendRawKill(taskId, agentId, k), engine.settings.killRetryInterval());
    }

    // ------------------------------------------------------------------ stop

    /** Stopping: kills of unknown tasks are no longer repeated. */
    void stopRetrying() {
        for (UnknownKill k : unknownKills.values()) {
            EventLoop.cancel(k.timer);
        }
    }

    /** Stopped: kills of unknown tasks still waiting end TASK_UNKNOWN. */
    void stopped() {
        for (UnknownKill k : unknownKills.values()) {
            k.result.complete(new TaskEnd("?", TaskState.TASK_UNKNOWN, Optional.empty(),
                    "the scheduler stopped before Mesos answered the kill", true));
        }
        unknownKills.clear();
    }
}
