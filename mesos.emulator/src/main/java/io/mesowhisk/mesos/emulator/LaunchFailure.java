package io.mesowhisk.mesos.emulator;

import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import java.util.Objects;

/**
 * How the next launched task fails, for fault injection: the terminal update an agent would send.
 *
 * @param state         terminal state, e.g. TASK_FAILED
 * @param reason        reason, or {@code null} for none
 * @param source        source of the update (agent or executor)
 * @param message       message
 * @param startingFirst whether a TASK_STARTING update precedes it (as with an executor that started)
 */
public record LaunchFailure(TaskState state, TaskStatus.Reason reason, TaskStatus.Source source, String message,
                            boolean startingFirst) {

    public LaunchFailure {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(message, "message");
        if (state != TaskState.TASK_FAILED && state != TaskState.TASK_ERROR && state != TaskState.TASK_LOST
            && state != TaskState.TASK_DROPPED && state != TaskState.TASK_KILLED && state != TaskState.TASK_GONE) {
            throw new IllegalArgumentException("LaunchFailure state must be terminal, got " + state);
        }
    }

    /** What the docker executor reports when {@code docker run} fails: exit status 125. */
    public static LaunchFailure dockerRunFailure() {
        return new LaunchFailure(TaskState.TASK_FAILED, null, TaskStatus.Source.SOURCE_EXECUTOR,
            "Container exited with status 125", true);
    }

    /** What the agent reports when the docker image cannot be pulled. */
    public static LaunchFailure dockerPullFailure(String image) {
        return new LaunchFailure(TaskState.TASK_FAILED, TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED,
            TaskStatus.Source.SOURCE_AGENT,
            "Failed to launch container: Failed to run 'docker -H unix:///var/run/docker.sock pull " + image
                + "': exited with status 1; stderr='Error response from daemon: pull access denied for " + image
                + ", repository does not exist or may require 'docker login''", false);
    }
}
