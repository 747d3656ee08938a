package io.mesowhisk.mesos.scheduler;

import io.mesowhisk.mesos.v1.Protos.TaskState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One task as the scheduler sees it (the {@code mesos:tasks} command). A snapshot; immutable.
 *
 * @param taskId the task's id
 * @param name the task's name
 * @param phase its phase
 * @param agentId the agent it was launched on, once matched (for a task back in PENDING: of its last attempt)
 * @param hostname that agent's host name
 * @param hostPorts host ports, once matched
 * @param lastState the last state Mesos reported, if any
 * @param since when the task entered its phase
 * @param unplacedCycles offer cycles in which the task (pending) found no fitting offer
 * @param why for a pending task: why the last offer cycle did not place it; otherwise the last Mesos message
 */
public record TaskView(String taskId, String name, TaskPhase phase, Optional<String> agentId,
        Optional<String> hostname, List<Integer> hostPorts, Optional<TaskState> lastState, Instant since,
        int unplacedCycles, String why) {

    /** Copies the list; checks that nothing is null. */
    public TaskView {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(hostname, "hostname");
        hostPorts = List.copyOf(hostPorts);
        Objects.requireNonNull(lastState, "lastState");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(why, "why");
    }
}
