package io.mesowhisk.mesos.emulator.internal;

import com.google.protobuf.ByteString;
import io.mesowhisk.mesos.emulator.internal.Model.Agent;
import io.mesowhisk.mesos.emulator.internal.Model.AgentState;
import io.mesowhisk.mesos.emulator.internal.Model.Framework;
import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.ExecutorID;
import io.mesowhisk.mesos.v1.Protos.TaskID;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Reason;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Source;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The agents' task status update managers and the master's side of status updates: an agent update gets a
 * uuid and joins its task's stream, which forwards one update at a time and retries it until it is acknowledged;
 * master updates go out once. Reconciliation answers are master updates. Runs on the master loop only.
 */
final class StatusUpdateManager {

    private static final long MAX_RETRY_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final Master master;

    StatusUpdateManager(Master master) {
        this.master = master;
    }

    /** Fault injection: agent updates held back, to be released out of order. */
    List<Runnable> heldUpdates;

    /**
     * After a (re)subscription the master tells every agent about the framework, and an agent that knows it resends
     * the head of each of its pending status update streams at once, the retry back-off starting over
     * (M:src/slave/slave.cpp {@code updateFramework} → {@code TaskStatusUpdateManagerProcess::resume}); the streams
     * of every framework on that agent, not only the subscribing one's.
     */
    void resumeStatusUpdates(Framework f) {
        Set<Agent> knowing = new java.util.LinkedHashSet<>();
        for (Task t : f.tasks.values()) {
            if (t.agent.state == AgentState.ACTIVE) {
                knowing.add(t.agent);
            }
        }
        for (Agent a : knowing) {
            resumeStatusUpdates(a);
        }
    }

    void resumeStatusUpdates(Agent a) {
        for (Task t : a.tasks.values()) {
            if (!t.pending.isEmpty()) {
                t.retryNanos = 0;
                forward(t);
            }
        }
    }

    /** A master-generated update: no uuid, never retried, dropped when the framework is not connected. */
    void masterUpdate(Framework f, TaskID taskId, AgentID agentId, TaskState state, Reason reason, String message,
                      Consumer<TaskStatus.Builder> extra) {
        TaskStatus.Builder s = TaskStatus.newBuilder()
            .setTaskId(taskId)
            .setState(state)
            .setSource(Source.SOURCE_MASTER)
            .setReason(reason)
            .setMessage(message)
            .setTimestamp(System.currentTimeMillis() / 1000.0);
        if (agentId != null) {
            s.setAgentId(agentId);
        }
        if (extra != null) {
            extra.accept(s);
        }
        sendUpdate(f, s.build());
    }

    public void holdUpdates() {
        if (heldUpdates == null) {
            heldUpdates = new ArrayList<>();
        }
    }

    /** Sends the held updates, newest first when {@code reversed}; updates flow normally again. */
    public void releaseUpdates(boolean reversed) {
        List<Runnable> held = heldUpdates;
        heldUpdates = null;
        if (held != null) {
            if (reversed) {
                java.util.Collections.reverse(held);
            }
            held.forEach(Runnable::run);
        }
    }

    void sendUpdate(Framework f, TaskStatus status) {
        if (heldUpdates != null && status.hasUuid()) {
            heldUpdates.add(() -> sendUpdate(f, status));
            return;
        }
        if (f.active()) {
            master.updatesSent++;
            f.stream.send(Event.newBuilder().setType(Event.Type.UPDATE)
                .setUpdate(Event.Update.newBuilder().setStatus(status)).build());
        }
    }

    /**
     * An update produced on the agent (by the executor or the agent itself): it gets a uuid and joins the task's
     * status update stream, which forwards one update at a time until it is acknowledged.
     */
    void agentUpdate(Task t, TaskState state, Source source, Reason reason, String message,
                     Consumer<TaskStatus.Builder> extra) {
        if (t.framework.removed || Model.isTerminal(t.agentState)) {
            return;
        }
        UUID uuid = randomUuid();
        ByteBuffer bb = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
            .putLong(uuid.getLeastSignificantBits());
        TaskStatus.Builder s = TaskStatus.newBuilder()
            .setTaskId(t.info.getTaskId())
            .setState(state)
            .setSource(source)
            .setAgentId(AgentID.newBuilder().setValue(t.agent.id))
            .setExecutorId(ExecutorID.newBuilder().setValue(t.executorId))
            .setTimestamp(System.currentTimeMillis() / 1000.0)
            .setUuid(ByteString.copyFrom(bb.array()));
        if (reason != null) {
            s.setReason(reason);
        }
        if (message != null) {
            s.setMessage(message);
        }
        if (t.containerStatus != null) {
            s.setContainerStatus(t.containerStatus);
        }
        if (t.healthy != null) {
            s.setHealthy(t.healthy);
        }
        if (extra != null) {
            extra.accept(s);
        }
        TaskStatus status = s.build();
        t.agentState = state;
        t.pending.add(status);
        if (t.agent.state == AgentState.ACTIVE) {
            // the master learns the latest state with every forwarded update, but the agent forwards the newest
            // only when it heads the stream; while an older update is in flight the next retry carries it
            if (t.pending.size() == 1) {
                if (master.updateDelayNanos > 0) {
                    long delay = master.updateDelayNanos;
                    master.schedule(() -> {
                        if (t.pending.peek() == status) {
                            forward(t);
                        }
                    }, delay);
                } else {
                    forward(t);
                }
            }
        }
    }

    /** A version 4 (master.random) UUID, as {@link UUID#randomUUID()} makes, from the master.loop's own generator. */
    UUID randomUuid() {
        long msb = master.random.nextLong() & ~0xF000L | 0x4000L;
        long lsb = master.random.nextLong() & ~(0xC000L << 48) | 0x8000L << 48;
        return new UUID(msb, lsb);
    }

    /** Forwards the head of the task's update stream and arms the retry timer. */
    void forward(Task t) {
        TaskStatus head = t.pending.peek();
        if (head == null || t.framework.removed) {
            return;
        }
        t.statusUpdateState = head.getState();
        t.addStatus(head);
        setMasterState(t, t.agentState);
        sendUpdate(t.framework, head);
        if (t.retry != null) {
            t.retry.cancel(false);
        }
        if (t.retryNanos == 0) {
            t.retryNanos = master.config.statusUpdateRetry().toNanos();
        }
        long delay = t.retryNanos;
        t.retryNanos = Math.min(t.retryNanos * 2, Math.max(MAX_RETRY_NANOS, master.config.statusUpdateRetry().toNanos()));
        t.retry = master.loop.schedule(master.guard(() -> {
            if (t.pending.peek() == head && t.agent.state == AgentState.ACTIVE) {
                forward(t);
            }
        }), delay, TimeUnit.NANOSECONDS);
    }

    /**
     * The master's view of the task changes; the one place that sets it. When it becomes terminal the task's
     * resources go back to its agent (unless the agent is gone), once.
     */
    void setMasterState(Task t, TaskState state) {
        boolean released = t.resourcesReleased();
        t.state = state;
        if (!released && Model.isTerminal(state) && t.agent.state != AgentState.GONE) {
            t.agent.available.add(t.resources);
        }
    }

    void acknowledge(Framework f, Call.Acknowledge ack) {
        Agent a = master.agentsById.get(ack.getAgentId().getValue());
        if (a == null || a.state != AgentState.ACTIVE) {
            return;
        }
        Task t = a.tasks.get(new Model.TaskKey(f.id, ack.getTaskId().getValue()));
        if (t == null) {
            return;
        }
        TaskStatus head = t.pending.peek();
        if (head == null || !head.getUuid().equals(ack.getUuid())) {
            return; // duplicate or unexpected acknowledgements are ignored
        }
        t.pending.poll();
        if (t.retry != null) {
            t.retry.cancel(false);
            t.retry = null;
        }
        t.retryNanos = 0;
        if (Model.isTerminal(head.getState())) {
            forgetTask(t);
        } else if (!t.pending.isEmpty()) {
            forward(t);
        }
    }

    void forgetTask(Task t) {
        if (t.retry != null) {
            t.retry.cancel(false);
        }
        t.framework.tasks.remove(t.id());
        t.agent.tasks.remove(t.key());
        if (master.gc != null && t.sandbox != null) {
            master.gc.schedule(t.sandbox);
        }
        addBounded(t.framework.completedTasks, t);
        addBounded(t.agent.completedTasks, t);
    }

    static void addBounded(List<Task> list, Task t) {
        list.add(t);
        if (list.size() > 1000) {
            list.remove(0);
        }
    }

    void reconcile(Framework f, List<Call.Reconcile.Task> tasks) {
        if (tasks.isEmpty()) {
            for (Task t : f.tasks.values()) {
                if (t.agent.state == AgentState.UNREACHABLE) {
                    continue;
                }
                reconcileKnown(f, t);
            }
            return;
        }
        for (Call.Reconcile.Task rt : tasks) {
            Task t = f.tasks.get(rt.getTaskId().getValue());
            if (t != null && t.agent.state != AgentState.UNREACHABLE) {
                reconcileKnown(f, t);
                continue;
            }
            boolean pa = f.partitionAware();
            AgentID aid = rt.hasAgentId() ? rt.getAgentId() : null;
            Agent a = aid == null ? null : master.agentsById.get(aid.getValue());
            if (a != null && a.state == AgentState.ACTIVE) {
                masterUpdate(f, rt.getTaskId(), aid, pa ? TaskState.TASK_GONE : TaskState.TASK_LOST,
                    Reason.REASON_RECONCILIATION, "Reconciliation: Task is unknown to the agent", null);
            } else if (a != null && a.state == AgentState.UNREACHABLE) {
                long since = a.unreachableSinceEpochNanos;
                masterUpdate(f, rt.getTaskId(), aid, pa ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST,
                    Reason.REASON_RECONCILIATION, "Reconciliation: Task is unreachable",
                    s -> s.setUnreachableTime(Protos.TimeInfo.newBuilder().setNanoseconds(since)));
            } else if (a != null && a.state == AgentState.GONE) {
                masterUpdate(f, rt.getTaskId(), aid, pa ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_LOST,
                    Reason.REASON_RECONCILIATION, "Reconciliation: Task is gone", null);
            } else {
                masterUpdate(f, rt.getTaskId(), aid, pa ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST,
                    Reason.REASON_RECONCILIATION, "Reconciliation: Task is unknown", null);
            }
        }
    }

    void reconcileKnown(Framework f, Task t) {
        masterUpdate(f, t.info.getTaskId(), AgentID.newBuilder().setValue(t.agent.id).build(), t.statusUpdateState,
            Reason.REASON_RECONCILIATION, "Reconciliation: Latest task state", s -> taskDetails(t, s));
    }

    /**
     * What the master adds to an update it makes about a task it knows: health, container status, and the executor
     * id only for a task with its own executor (a command task's executor id is made on the agent and is not in the
     * master's Task).
     */
    static void taskDetails(Task t, TaskStatus.Builder s) {
        if (t.healthy != null) {
            s.setHealthy(t.healthy);
        }
        if (t.containerStatus != null) {
            s.setContainerStatus(t.containerStatus);
        }
        if (t.info.hasExecutor()) {
            s.setExecutorId(t.info.getExecutor().getExecutorId());
        }
    }
}
