package io.mesowhisk.mesos.scheduler;

import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a {@link MesosScheduler#launch} did not end with a running task. The {@link #kind()} tells the caller what
 * to do (retry elsewhere, report to the user, give up); {@link #state()}, {@link #reason()} and
 * {@link #mesosMessage()} carry what Mesos said, when it said anything.
 *
 * <p>Immutable; safe to pass between threads.
 */
public class LaunchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** No offer fitted for {@link SchedulerSettings#maxUnplacedCycles()} offer cycles; the message says what was
         *  asked and the largest offers seen. */
        NO_CAPACITY,
        /** The docker image could not be pulled ({@code Failed to run 'docker ... pull ...'}). */
        DOCKER_PULL_FAILED,
        /** {@code docker run} failed ({@code Container exited with status 125}): bad run options or a host port in
         *  use; the scheduler avoids that host port on that agent afterwards. */
        DOCKER_RUN_FAILED,
        /** Mesos refused or failed the launch for another reason (invalid task, invalid offer, container launch
         *  failure, the task ended before it ran); see {@link #state()}, {@link #reason()}, {@link #mesosMessage()}. */
        LAUNCH_FAILED,
        /** The launch was cancelled by {@link MesosScheduler#kill}, or the task was killed before it ran. */
        KILLED,
        /** Mesos reported the task LOST, GONE, UNREACHABLE, UNKNOWN or DROPPED before it ran. */
        LOST,
        /** The task was not running (and healthy, if checked) within the launch timeout; the scheduler kills it. */
        TIMED_OUT,
        /** The scheduler stopped before the task ran. */
        STOPPED
    }

    private final Kind kind;
    private final String taskId;
    private final TaskState state;
    private final TaskStatus.Reason reason;
    private final String mesosMessage;

    /**
     * @param kind what went wrong
     * @param taskId the task's id
     * @param message the exception's message, for people
     * @param state the task state Mesos reported, or {@code null}
     * @param reason the reason Mesos reported, or {@code null}
     * @param mesosMessage Mesos's own message, or {@code null}
     */
    public LaunchException(Kind kind, String taskId, String message, TaskState state, TaskStatus.Reason reason,
            String mesosMessage) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.taskId = Objects.requireNonNull(taskId, "taskId");
        this.state = state;
        this.reason = reason;
        this.mesosMessage = mesosMessage == null ? "" : mesosMessage;
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /** The id of the task that did not launch. */
    public String taskId() {
        return taskId;
    }

    /** The last state Mesos reported for the task, if it reported one. */
    public Optional<TaskState> state() {
        return Optional.ofNullable(state);
    }

    /** The reason Mesos gave with that state, if any. */
    public Optional<TaskStatus.Reason> reason() {
        return Optional.ofNullable(reason);
    }

    /** Mesos's message with that state, or {@code ""}. */
    public String mesosMessage() {
        return mesosMessage;
    }
}
