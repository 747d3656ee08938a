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
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One task's state, and the rules of the task state machine: the phase transitions there are ({@link #NEXT}) and
 * how Mesos task states map onto phases. {@link Tasks#apply} is the one place a status update changes a task and
 * {@link Tasks#setPhase} the one place a phase changes.
 *
 * <p>Written only by the scheduler's event loop thread; the fields views read are volatile, so a view sees each
 * field's latest value (not necessarily all fields of one instant).
 */
final class TaskRecord {

    /**
     * The phase transitions there are. Phases move forward; back to PENDING only when a launch proved never to have
     * happened (requeue); an adopted task (created PENDING) jumps to the phase Mesos reports.
     */
    static final Map<TaskPhase, Set<TaskPhase>> NEXT = new EnumMap<>(Map.of(
            TaskPhase.PENDING, EnumSet.of(TaskPhase.LAUNCHING, TaskPhase.STAGING, TaskPhase.STARTING,
                    TaskPhase.RUNNING, TaskPhase.KILLING, TaskPhase.TERMINAL),
            TaskPhase.LAUNCHING, EnumSet.of(TaskPhase.PENDING, TaskPhase.STAGING, TaskPhase.STARTING,
                    TaskPhase.RUNNING, TaskPhase.KILLING, TaskPhase.TERMINAL),
            TaskPhase.STAGING, EnumSet.of(TaskPhase.STARTING, TaskPhase.RUNNING, TaskPhase.KILLING,
                    TaskPhase.TERMINAL),
            TaskPhase.STARTING, EnumSet.of(TaskPhase.RUNNING, TaskPhase.KILLING, TaskPhase.TERMINAL),
            TaskPhase.RUNNING, EnumSet.of(TaskPhase.KILLING, TaskPhase.TERMINAL),
            TaskPhase.KILLING, EnumSet.of(TaskPhase.PENDING, TaskPhase.TERMINAL),
            TaskPhase.TERMINAL, EnumSet.noneOf(TaskPhase.class)));

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

    static boolean terminal(TaskState s) {
        return switch (s) {
            case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE,
                    TASK_GONE_BY_OPERATOR -> true;
            default -> false;
        };
    }

    /** States that end a task for its owner: terminal ones, plus UNREACHABLE and UNKNOWN. */
    static boolean ends(TaskState s) {
        return terminal(s) || s == TaskState.TASK_UNREACHABLE || s == TaskState.TASK_UNKNOWN;
    }

    static boolean lossLike(TaskState s) {
        return switch (s) {
            case TASK_LOST, TASK_DROPPED, TASK_GONE, TASK_GONE_BY_OPERATOR, TASK_UNREACHABLE, TASK_UNKNOWN -> true;
            default -> false;
        };
    }

    static TaskPhase phaseOf(TaskState s) {
        return switch (s) {
            case TASK_STAGING -> TaskPhase.STAGING;
            case TASK_STARTING -> TaskPhase.STARTING;
            case TASK_RUNNING -> TaskPhase.RUNNING;
            case TASK_KILLING -> TaskPhase.KILLING;
            default -> TaskPhase.TERMINAL;
        };
    }

    /** A master answer saying our ACCEPT did not launch the task (invalid offers, or unknown to its agent). */
    static boolean launchNeverHappened(TaskStatus status) {
        if (!status.hasReason()) {
            return false;
        }
        return switch (status.getReason()) {
            case REASON_INVALID_OFFERS -> true;
            case REASON_RECONCILIATION -> status.getState() == TaskState.TASK_GONE
                    || status.getState() == TaskState.TASK_UNKNOWN || status.getState() == TaskState.TASK_LOST;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return "task " + id + " (" + phase + ")";
    }
}
