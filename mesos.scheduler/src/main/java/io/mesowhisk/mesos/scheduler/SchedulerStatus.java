package io.mesowhisk.mesos.scheduler;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of the scheduler for operators (the {@code mesos:status} command): its subscription state, framework
 * id, the master it is subscribed to, when the last event arrived, and how many tasks are in each phase.
 *
 * @param state the subscription state
 * @param frameworkId the framework id, once known
 * @param leader the master that accepted the current subscription, while subscribed
 * @param lastHeartbeat when the last event (HEARTBEAT or any other) arrived
 * @param tasksByPhase tasks per phase (every phase present, zero included)
 * @param problem why the scheduler does not run as its settings say, while that lasts: the master refused its
 *        subscription (e.g. a framework id registered with another principal), or refused new settings, so that the
 *        previous ones stay in force
 */
public record SchedulerStatus(State state, Optional<String> frameworkId, Optional<URI> leader,
        Optional<Instant> lastHeartbeat, Map<TaskPhase, Integer> tasksByPhase, Optional<String> problem) {

    /** The subscription state machine's states. */
    public enum State {
        /** Not subscribed and not trying (before the first attempt). */
        DISCONNECTED,
        /** A SUBSCRIBE is in flight (first subscription). */
        SUBSCRIBING,
        /** Subscribed: the event stream is open. */
        SUBSCRIBED,
        /** The stream was lost; resubscribing with the same framework id, with backoff. */
        RECONNECTING,
        /** {@link MesosScheduler#stop()} is in progress. */
        STOPPING,
        /** Stopped for good. */
        STOPPED
    }

    /** Copies the map; checks that nothing is null. */
    public SchedulerStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(frameworkId, "frameworkId");
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(lastHeartbeat, "lastHeartbeat");
        Objects.requireNonNull(problem, "problem");
        tasksByPhase = Map.copyOf(tasksByPhase);
    }
}
