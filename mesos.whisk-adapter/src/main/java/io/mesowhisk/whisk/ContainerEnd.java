package io.mesowhisk.whisk;

import java.util.Objects;
import java.util.Optional;

/**
 * How a container ended: the terminal state Mesos reported for its task.
 *
 * @param containerId the container's id (its Mesos task id)
 * @param state the Mesos task state name, e.g. {@code TASK_KILLED}, {@code TASK_FAILED}, {@code TASK_LOST}
 * @param reason the Mesos reason name, e.g. {@code REASON_EXECUTOR_TERMINATED}, when Mesos gave one
 * @param message Mesos's message (empty when none)
 * @param destroyed true when {@link WhiskContainer#destroy()} or the factory's cleanup ended it; false when it
 *        died by itself or was killed behind our back
 */
public record ContainerEnd(String containerId, String state, Optional<String> reason, String message,
        boolean destroyed) {

    /** Validates at once. */
    public ContainerEnd {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
