package io.mesowhisk.mesos.scheduler;

import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * How a task ended: the terminal state Mesos reported (or LOST/GONE/UNREACHABLE/UNKNOWN, which end the task for
 * its owner even though Mesos may report it again if its agent comes back), the reason and message, and whether
 * this scheduler asked for the end (kill, launch timeout, stop with teardown).
 *
 * @param taskId the task's id
 * @param state the state that ended it
 * @param reason Mesos's reason, if it gave one
 * @param message Mesos's message, or a message of the scheduler when it ended the task itself; never null
 * @param killedByUs true if this scheduler killed the task (a {@link MesosScheduler#kill}, a launch timeout, or a
 *     teardown)
 */
public record TaskEnd(String taskId, TaskState state, Optional<TaskStatus.Reason> reason, String message,
        boolean killedByUs) {

    /** Checks that nothing is null. */
    public TaskEnd {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
