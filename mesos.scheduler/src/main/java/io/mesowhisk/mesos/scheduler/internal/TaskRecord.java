package io.mesowhisk.mesos.scheduler.internal;

import com.google.protobuf.ByteString;
import io.mesowhisk.mesos.constraints.PlacedTask;
import io.mesowhisk.mesos.constraints.TaskRequest;
import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.mesos.scheduler.LaunchedTask;
import io.mesowhisk.mesos.scheduler.TaskEnd;
import io.mesowhisk.mesos.scheduler.TaskPhase;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One task's state. Written only by the scheduler's event loop; the fields views read are volatile, so a view sees
 * each field's latest value (not necessarily all fields of one instant).
 */
final class TaskRecord {

    final String id;
    /** The request, or null for a task adopted from an earlier incarnation. */
    final LaunchRequest request;
    final String name;
    final TaskRequest placement;
    final CompletableFuture<LaunchedTask> launch = new CompletableFuture<>();
    final CompletableFuture<TaskEnd> ended = new CompletableFuture<>();
    final long createdNanos = System.nanoTime();

    volatile TaskPhase phase = TaskPhase.PENDING;
    /** When the phase was entered, epoch millis (a long, not an Instant: 100,000 tasks add up). */
    volatile long sinceMillis = System.currentTimeMillis();
    volatile String agentId;
    volatile String hostname;
    volatile URI agentUrl;
    volatile List<Integer> hostPorts = List.of();
    volatile TaskState lastState;
    volatile String why = "";
    volatile int unplacedCycles;

    TaskStatus lastStatus;
    PlacedTask placed;
    boolean killRequested;
    boolean killSent;
    boolean timedOut;
    /** The ACCEPT that launched it was answered (202 or error); a KILL before that could overtake it. */
    boolean acceptAnswered;
    /** Times the launch went back to pending (invalid offers, ACCEPT not delivered). */
    int requeues;
    long launchedNanos;
    long lastReconcileNanos;
    ByteString ackInFlight;
    /** System.nanoTime() by which the launch must be running; checked by the loop's one-second tick. */
    long launchDeadlineNanos = Long.MAX_VALUE;
    ScheduledFuture<?> killTimer;

    TaskRecord(LaunchRequest request) {
        this.id = request.taskId();
        this.request = request;
        this.name = request.name();
        this.placement = TaskRequest.builder(request.taskId()).group(request.group()).cpus(request.cpus())
                .mem(request.memMb()).disk(request.diskMb()).ports(request.containerPorts().size())
                .constraints(request.constraints()).build();
    }

    /** An adopted task: known to Mesos under our framework id, launched by an earlier incarnation. */
    TaskRecord(String id, String agentId) {
        this.id = id;
        this.request = null;
        this.name = id;
        this.placement = null;
        this.agentId = agentId;
        this.acceptAnswered = true;
        launch.cancel(false);
    }

    boolean hasHealthCheck() {
        return request != null && request.healthCheck().isPresent();
    }

    @Override
    public String toString() {
        return "task " + id + " (" + phase + ")";
    }
}
