package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.api.Subscription;
import io.mesowhisk.mesos.scheduler.LaunchException;
import io.mesowhisk.mesos.scheduler.LaunchException.Kind;
import io.mesowhisk.mesos.scheduler.LaunchedTask;
import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import io.mesowhisk.mesos.scheduler.TaskEnd;
import io.mesowhisk.mesos.scheduler.TaskPhase;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task table and the task state machine: every known task by id, the pending ones in arrival order, the
 * recently ended ones (for late updates and kills), the count per phase; status updates (acknowledged here) are
 * applied in one place, {@link #apply}, and phases change in one place, {@link #setPhase}, checked against
 * {@link TaskRecord#NEXT}.
 *
 * <p>Confined to the scheduler's event loop thread; {@link #records}, the phase counts and the recently ended
 * tasks may also be read by views from other threads.
 */
final class Tasks {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerEngine.class); // one logger name for the engine
    private static final int MAX_REQUEUES = 5;
    private static final int RECENTLY_ENDED = 1024;

    private final SchedulerEngine engine;
    /** Every task not ended, by id. */
    final ConcurrentHashMap<String, TaskRecord> records = new ConcurrentHashMap<>();
    /** The tasks waiting for an offer, in arrival order. */
    final LinkedHashMap<String, TaskRecord> pending = new LinkedHashMap<>();
    /**
     * Tasks that may still need the one-second tick: launched by us and not yet running as asked (a launch timeout
     * can strike), or not yet heard of from Mesos (a silent launch or kill is reconciled). Running tasks leave it,
     * so the tick costs nothing per running task: at 100,000 of them a scan of all tasks every second held up
     * launches for milliseconds.
     */
    private final Set<TaskRecord> unsettled = new HashSet<>();
    private final LinkedHashMap<String, TaskRecord> recentlyEnded = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskRecord> eldest) {
            return size() > RECENTLY_ENDED;
        }
    };
    private final AtomicIntegerArray phaseCounts = new AtomicIntegerArray(TaskPhase.values().length);

    Tasks(SchedulerEngine engine) {
        this.engine = engine;
    }

    // ------------------------------------------------------------------ the table

    TaskRecord get(String id) {
        return records.get(id);
    }

    /** A copy of the tasks not ended. */
    List<TaskRecord> all() {
        return new ArrayList<>(records.values());
    }

    /** The tasks not ended, live (not a copy). */
    Collection<TaskRecord> live() {
        return records.values();
    }

    /** A copy of the pending tasks. */
    List<TaskRecord> pendingRecords() {
        return new ArrayList<>(pending.values());
    }

    TaskRecord recentlyEnded(String id) {
        synchronized (recentlyEnded) {
            return recentlyEnded.get(id);
        }
    }

    /** A task not ended, else a recently ended one, else null; any thread. */
    TaskRecord known(String id) {
        TaskRecord rec = records.get(id);
        return rec != null ? rec : recentlyEnded(id);
    }

    List<TaskRecord> recentlyEnded() {
        synchronized (recentlyEnded) {
            return new ArrayList<>(recentlyEnded.values());
        }
    }

    Map<TaskPhase, Integer> counts() {
        Map<TaskPhase, Integer> counts = new EnumMap<>(TaskPhase.class);
        for (TaskPhase p : TaskPhase.values()) {
            counts.put(p, phaseCounts.get(p.ordinal()));
        }
        return counts;
    }

    /** Adds a new task as pending; false (nothing changed) if its id is in use. */
    boolean add(TaskRecord rec) {
        if (records.containsKey(rec.id)) {
            return false;
        }
        records.put(rec.id, rec);
        phaseCounts.incrementAndGet(TaskPhase.PENDING.ordinal());
        pending.put(rec.id, rec);
        unsettled.add(rec);
        return true;
    }

    /** The live tasks the tick must look at (see {@link #unsettled}); those settled meanwhile are dropped here. */
    List<TaskRecord> unsettled() {
        List<TaskRecord> out = new ArrayList<>();
        for (Iterator<TaskRecord> it = unsettled.iterator(); it.hasNext();) {
            TaskRecord r = it.next();
            if (r.launch.isDone() && r.lastState != null) {
                it.remove();
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /** The one place a phase changes. */
    void setPhase(TaskRecord rec, TaskPhase next) {
        TaskPhase prev = rec.phase;
        if (prev == next) {
            return;
        }
        if (!TaskRecord.NEXT.get(prev).contains(next)) {
            throw new IllegalStateException(engine.name + ": no task transition " + prev + " -> " + next + " for "
                    + rec.id);
        }
        phaseCounts.decrementAndGet(prev.ordinal());
        if (next != TaskPhase.TERMINAL) {
            phaseCounts.incrementAndGet(next.ordinal());
        }
        rec.phase = next;
        rec.sinceMillis = System.currentTimeMillis();
    }

    // ------------------------------------------------------------------ status updates

    /** An UPDATE event: acknowledged (once per uuid in flight), then applied to its task. */
    void onUpdate(Subscription sub, TaskStatus status) {
        engine.metrics.count(SchedulerMetrics.UPDATES);
        String id = status.getTaskId().getValue();
        TaskRecord rec = records.get(id);
        if (status.hasUuid() && !status.getUuid().isEmpty()) {
            if (rec == null || !status.getUuid().equals(rec.ackInFlight)) {
                if (rec != null) {
                    rec.ackInFlight = status.getUuid();
                }
                sub.acknowledge(status).whenComplete((v, e) -> {
                    if (e == null) {
                        engine.metrics.count(SchedulerMetrics.ACKNOWLEDGED);
                    } else {
                        LOG.debug("{}: ACKNOWLEDGE of {} {} failed: {} (the agent will resend it)", engine.name, id,
                                status.getState(), e.toString());
                    }
                    if (rec != null) {
                        engine.loop.post(() -> {
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

    /** The one place a status update changes a known task. */
    void apply(TaskRecord rec, TaskStatus status) {
        TaskState s = status.getState();
        rec.lastState = s;
        rec.lastStatus = status;
        if (status.hasAgentId() && rec.agentId == null) {
            rec.agentId = status.getAgentId().getValue();
        }
        if (status.hasMessage() && !status.getMessage().isEmpty()) {
            rec.why = status.getMessage();
        }
        if (!TaskRecord.ends(s)) {
            if (rec.phase == TaskPhase.PENDING) {
                // an earlier launch we took for failed did reach its agent: keep it rather than launch again
                LOG.warn("{}: {} reported {} while pending again; the earlier launch on {} stands", engine.name,
                        rec.id, s, rec.hostname);
                pending.remove(rec.id);
                if (status.hasAgentId()) {
                    rec.agentId = status.getAgentId().getValue();
                }
                rec.acceptAnswered = true;
                setPhase(rec, TaskPhase.LAUNCHING);
            }
            TaskPhase next = TaskRecord.phaseOf(s);
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
                && TaskRecord.launchNeverHappened(status)) {
            requeue(rec, s + " " + status.getReason() + ": " + status.getMessage());
            return;
        }
        end(rec, s, status.hasReason() ? status.getReason() : null, status.getMessage(), status);
    }

    private void completeLaunch(TaskRecord rec, TaskStatus status) {
        String fw = engine.subscription.frameworkIdText("");
        String executor = status.hasExecutorId() ? status.getExecutorId().getValue() : rec.id;
        URI url = rec.agentUrl != null ? rec.agentUrl : URI.create("http://" + rec.hostname + ":5051");
        LaunchedTask launched = new LaunchedTask(rec.id, rec.agentId, rec.hostname == null ? "" : rec.hostname, url,
                fw, executor, rec.hostPorts, status, rec.ended.minimalCompletionStage());
        engine.metrics.record(SchedulerMetrics.LAUNCH_LATENCY, System.nanoTime() - rec.createdNanos);
        engine.metrics.count(SchedulerMetrics.LAUNCHES_RUNNING);
        rec.launch.complete(launched);
    }

    /** Back to pending after a launch that did not happen; dropped after {@value #MAX_REQUEUES} attempts. */
    void requeue(TaskRecord rec, String why) {
        if (++rec.requeues > MAX_REQUEUES) {
            failLaunch(rec, Kind.LAUNCH_FAILED, "launch attempted " + rec.requeues + " times; last problem: " + why,
                    rec.lastStatus);
            end(rec, TaskState.TASK_DROPPED, null, why, false);
            return;
        }
        LOG.info("{}: {} back to pending: {}", engine.name, rec.id, why);
        // agent, host and ports stay until the next placement: a late update may show the launch did happen
        rec.placed = null;
        rec.killSent = false;
        rec.why = why;
        setPhase(rec, TaskPhase.PENDING);
        pending.put(rec.id, rec);
        engine.supply.requestOffers();
    }

    // ------------------------------------------------------------------ ends

    /** Ends a task as Mesos reported it (status may be null): fails its launch if still open. */
    void end(TaskRecord rec, TaskState state, TaskStatus.Reason reason, String message, TaskStatus status) {
        if (!rec.launch.isDone()) {
            failLaunch(rec, classify(rec, state, message), describeEnd(rec, state, reason, message), status);
        }
        end(rec, state, reason, message, rec.killRequested || rec.timedOut);
    }

    /** Ends a task: out of the table, into the recently ended, its end completed. */
    void end(TaskRecord rec, TaskState state, TaskStatus.Reason reason, String message, boolean byUs) {
        if (records.remove(rec.id, rec)) {
            pending.remove(rec.id);
            unsettled.remove(rec);
            setPhase(rec, TaskPhase.TERMINAL);
            rec.lastState = state;
            EventLoop.cancel(rec.killTimer);
            synchronized (recentlyEnded) {
                recentlyEnded.put(rec.id, rec);
            }
            if (!rec.launch.isDone()) {
                failLaunch(rec, classify(rec, state, message), describeEnd(rec, state, reason, message), null);
            }
            rec.ended.complete(new TaskEnd(rec.id, state, Optional.ofNullable(reason),
                    message == null ? "" : message, byUs));
            if (LOG.isDebugEnabled()) {
                LOG.debug("{}: {} ended {} {} {}", engine.name, rec.id, state, reason, message);
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
        if (TaskRecord.lossLike(state)) {
            return Kind.LOST;
        }
        String m = message == null ? "" : message;
        if (state == TaskState.TASK_FAILED && m.contains("Container exited with status 125")) {
            engine.agents.blacklist(rec);
            return Kind.DOCKER_RUN_FAILED;
        }
        if (m.contains("docker") && m.matches("(?s).*\\bpull\\b.*")) {
            return Kind.DOCKER_PULL_FAILED;
        }
        return Kind.LAUNCH_FAILED;
    }

    private static String describeEnd(TaskRecord rec, TaskState state, TaskStatus.Reason reason, String message) {
        return rec.id + " ended " + state + (reason == null ? "" : " (" + reason + ")")
                + (rec.hostname == null ? "" : " on " + rec.hostname)
                + (message == null || message.isEmpty() ? "" : ": " + message);
    }

    /** Fails the launch stage, if still open (status, else the last one, gives the Mesos details). */
    void failLaunch(TaskRecord rec, Kind kind, String message, TaskStatus status) {
        if (rec.launch.isDone()) {
            return;
        }
        engine.metrics.count(SchedulerMetrics.LAUNCHES_FAILED);
        TaskState state = status != null ? status.getState() : rec.lastState;
        TaskStatus.Reason reason = status != null && status.hasReason() ? status.getReason()
                : rec.lastStatus != null && rec.lastStatus.hasReason() ? rec.lastStatus.getReason() : null;
        String mesos = status != null ? status.getMessage() : rec.lastStatus != null ? rec.lastStatus.getMessage()
                : null;
        rec.launch.completeExceptionally(new LaunchException(kind, rec.id, message, state, reason, mesos));
    }

    // ------------------------------------------------------------------ tasks we have no record of

    private void onUnknownTask(TaskStatus status) {
        String id = status.getTaskId().getValue();
        TaskState s = status.getState();
        if (TaskRecord.ends(s)) {
            engine.kills.unknownEnded(status);
            return; // a late or duplicate end of a task we already ended: acknowledged, nothing else
        }
        if (engine.kills.killingUnknown(id)) {
            return; // being killed
        }
        String agent = status.hasAgentId() ? status.getAgentId().getValue() : null;
        TaskRecord ended = recentlyEnded(id);
        if (ended != null) {
            LOG.warn("{}: {} is reported {} after it ended for its owner ({}); killing it", engine.name, id, s,
                    ended.lastState);
            engine.kills.killUnknown(id, agent);
            return;
        }
        engine.metrics.count(SchedulerMetrics.ORPHANS);
        if (engine.settings.adoptOrphans()) {
            LOG.warn("{}: adopting task {} ({}) on agent {}: launched by an earlier incarnation of framework {}",
                    engine.name, id, s, agent, engine.subscription.frameworkIdText("?"));
            TaskRecord adopted = new TaskRecord(id, agent);
            Agents.Agent a = agent == null ? null : engine.agents.get(agent);
            if (a != null) {
                adopted.hostname = a.hostname;
                adopted.agentUrl = a.url;
            }
            records.put(id, adopted);
            phaseCounts.incrementAndGet(TaskPhase.PENDING.ordinal());
            setPhase(adopted, TaskRecord.phaseOf(s));
            adopted.lastState = s;
            adopted.lastStatus = status;
        } else {
            LOG.warn("{}: killing orphan task {} ({}) on agent {}: framework {} has no record of it (an earlier"
                    + " incarnation launched it; set adoptOrphans to keep such tasks)", engine.name, id, s, agent,
                    engine.subscription.frameworkIdText("?"));
            engine.kills.killUnknown(id, agent);
        }
    }
}
