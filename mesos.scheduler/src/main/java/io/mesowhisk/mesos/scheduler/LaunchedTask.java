package io.mesowhisk.mesos.scheduler;

import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A task that is running (and healthy, if it has a health check): where it runs and how to hear of its end. The
 * result of {@link MesosScheduler#launch}.
 *
 * @param taskId the task's id
 * @param agentId the id of the agent it runs on
 * @param hostname the agent's host name (from the offer)
 * @param agentUrl the agent's HTTP base URL (e.g. {@code http://host:5051}), for {@code /files/read} of the sandbox
 * @param frameworkId the framework id the task was launched under
 * @param executorId the id of the executor running it (for command and docker tasks Mesos uses the task id)
 * @param hostPorts host ports, aligned with {@link LaunchRequest#containerPorts()}
 * @param lastStatus the TASK_RUNNING status that completed the launch (with container status, IP addresses)
 * @param ended completes the moment the task reaches a terminal state, or is reported
 *     LOST/GONE/UNREACHABLE/UNKNOWN; never completes exceptionally. A scheduler stop without teardown completes it
 *     with {@code TASK_UNKNOWN}, not killed by us, and a message saying that the task was left running for a
 *     failover: the stopped scheduler will report nothing more of it. Completing the returned stage yourself has no
 *     effect on the scheduler.
 */
public record LaunchedTask(String taskId, String agentId, String hostname, URI agentUrl, String frameworkId,
        String executorId, List<Integer> hostPorts, TaskStatus lastStatus, CompletionStage<TaskEnd> ended) {

    /** Copies the port list; checks that nothing is null. */
    public LaunchedTask {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(agentUrl, "agentUrl");
        Objects.requireNonNull(frameworkId, "frameworkId");
        Objects.requireNonNull(executorId, "executorId");
        hostPorts = List.copyOf(hostPorts);
        Objects.requireNonNull(lastStatus, "lastStatus");
        Objects.requireNonNull(ended, "ended");
    }
}
