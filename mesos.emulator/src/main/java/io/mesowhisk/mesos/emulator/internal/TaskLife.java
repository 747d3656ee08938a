package io.mesowhisk.mesos.emulator.internal;

/**
 * A task's life on its agent as its executor lives it, written as one state machine: the phase says what the
 * executor has done with the task, and only the transitions below change it. What the agent and the master have
 * reported is separate: the task's three {@code TaskState}s (the agent's own, the last one forwarded, the master's
 * latest), which the status update manager moves.
 *
 * <pre>
 *   STAGING ──start──▶ STARTED ──kill──▶ KILLING ──kill with a shorter grace──▶ KILLING (escalates sooner)
 *      │                   │
 *      │ kill              └──max_completion_time──▶ KILLING_AT_COMPLETION_TIME
 *      ▼
 *   KILL_BEFORE_START  (ends TASK_KILLED, REASON_TASK_KILLED_DURING_LAUNCH, when it would have started)
 * </pre>
 *
 * The terminal update ends the life whatever the phase (the agent's state is then terminal). An invalid transition
 * throws {@link IllegalStateException}. Owned by the master loop, like the task.
 */
final class TaskLife {

    enum Phase {
        /** The agent has the task: its sandbox is being made or its container has not started yet. */
        STAGING,
        /** A KILL came before the executor started the task. */
        KILL_BEFORE_START,
        /** The executor started the task (process spawned, container started). */
        STARTED,
        /** The executor is killing the task (SIGTERM or {@code docker stop} sent), for a KILL or failed health. */
        KILLING,
        /** The executor is killing the task, with no grace, because its {@code max_completion_time} passed. */
        KILLING_AT_COMPLETION_TIME
    }

    private Phase phase = Phase.STAGING;
    /** While killing: when the first kill reached the executor (System.nanoTime()) and when it escalates. */
    private long killStartNanos;
    private long killDeadlineNanos;

    Phase phase() {
        return phase;
    }

    /** The executor has started the task (whatever happened since). */
    boolean started() {
        return phase == Phase.STARTED || killing();
    }

    boolean killBeforeStart() {
        return phase == Phase.KILL_BEFORE_START;
    }

    /** The executor has begun killing the task, whoever asked. */
    boolean killing() {
        return phase == Phase.KILLING || phase == Phase.KILLING_AT_COMPLETION_TIME;
    }

    boolean killedAtCompletionTime() {
        return phase == Phase.KILLING_AT_COMPLETION_TIME;
    }

    /** Started, and no kill asked for or under way: what health checks and the completion timer act on. */
    boolean startedUnkilled() {
        return phase == Phase.STARTED;
    }

    /**
     * A KILL reached the agent. Before the start it marks the task, which then ends instead of starting; after it,
     * the executor's kill ({@link #kill}) is what changes the phase.
     */
    void killRequested() {
        if (phase == Phase.STAGING) {
            phase = Phase.KILL_BEFORE_START;
        }
    }

    void start() {
        require(phase == Phase.STAGING, "start");
        phase = Phase.STARTED;
    }

    /** The first kill: SIGTERM now, escalation {@code graceNanos} later. */
    void kill(long nowNanos, long graceNanos) {
        require(phase == Phase.STARTED, "kill");
        phase = Phase.KILLING;
        killStartNanos = nowNanos;
        killDeadlineNanos = nowNanos + graceNanos;
    }

    /**
     * A later kill with its own grace, counted from the first kill, can only bring the escalation forward: the
     * nanoseconds from {@code nowNanos} to the new escalation, or -1 when it stays as it was.
     */
    long bringForward(long nowNanos, long graceNanos) {
        require(killing(), "a later kill");
        long deadline = killStartNanos + Math.max(0, graceNanos);
        if (deadline - killDeadlineNanos >= 0) {
            return -1;
        }
        killDeadlineNanos = deadline;
        return Math.max(0, deadline - nowNanos);
    }

    /** {@code max_completion_time} passed: killed with no grace and no TASK_KILLING. */
    void completionTimeReached(long nowNanos) {
        require(phase == Phase.STARTED, "max_completion_time");
        phase = Phase.KILLING_AT_COMPLETION_TIME;
        killStartNanos = nowNanos;
        killDeadlineNanos = nowNanos;
    }

    private void require(boolean allowed, String transition) {
        if (!allowed) {
            throw new IllegalStateException("Task life: no " + transition + " in phase " + phase);
        }
    }
}
