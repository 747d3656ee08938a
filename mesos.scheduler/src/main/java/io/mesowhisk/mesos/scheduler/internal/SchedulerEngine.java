package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.scheduler.MesosScheduler;

/** The scheduler's implementation (being written). */
public final class SchedulerEngine {

    private SchedulerEngine() {
    }

    /** Starts a scheduler from a builder's values. */
    public static MesosScheduler start(MesosScheduler.Builder builder) {
        throw new UnsupportedOperationException("the scheduler engine is not implemented yet");
    }
}
