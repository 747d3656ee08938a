package io.mesowhisk.mesos.scheduler;

/**
 * Where a task is in the scheduler's life cycle. Transitions only go forward, in this order (a phase may be
 * skipped): a task is PENDING until an offer is matched, LAUNCHING once the ACCEPT is sent, STAGING/STARTING/RUNNING
 * as Mesos reports, KILLING once a kill was asked for, TERMINAL at the end.
 */
public enum TaskPhase {
    /** Waiting for an offer that fits. */
    PENDING,
    /** ACCEPT sent; no update from the agent yet. */
    LAUNCHING,
    /** Mesos reported TASK_STAGING. */
    STAGING,
    /** Mesos reported TASK_STARTING. */
    STARTING,
    /** Mesos reported TASK_RUNNING (the launch completes when it is also healthy, if checked). */
    RUNNING,
    /** A kill was sent; waiting for the terminal update. */
    KILLING,
    /** Ended; kept briefly for views, then forgotten. */
    TERMINAL
}
