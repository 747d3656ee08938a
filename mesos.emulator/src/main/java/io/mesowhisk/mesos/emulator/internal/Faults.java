package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.internal.Model.Agent;
import io.mesowhisk.mesos.emulator.internal.Model.AgentState;
import io.mesowhisk.mesos.emulator.internal.Model.Framework;
import io.mesowhisk.mesos.emulator.internal.Model.Offer;
import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Reason;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Fault injection and failovers: agents partitioned, healed or removed, a new leading master, cut or garbled
 * event streams. Runs on the master loop only.
 */
final class Faults {

    private final Master master;

    Faults(Master master) {
        this.master = master;
    }

    /** The agent stops answering pings: its tasks become UNREACHABLE (or LOST), master.frameworks get FAILURE. */
    void partitionAgent(Agent a) {
        if (a.state != AgentState.ACTIVE) {
            return;
        }
        a.state = AgentState.UNREACHABLE;
        a.unreachableSinceEpochNanos = System.currentTimeMillis() * 1_000_000L;
        long since = a.unreachableSinceEpochNanos;
        for (Task t : a.tasks.values()) {
            if (Model.isTerminal(t.state)) {
                continue;
            }
            Framework f = t.framework;
            master.updates.masterUpdate(f, t.info.getTaskId(), AgentID.newBuilder().setValue(a.id).build(),
                f.partitionAware() ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST, Reason.REASON_AGENT_REMOVED,
                "Agent " + a.hostname + " is unreachable",
                s -> s.setUnreachableTime(Protos.TimeInfo.newBuilder().setNanoseconds(since)));
        }
        // M:src/master/master.cpp __removeSlave: the task updates, then the rescinds, then FAILURE
        master.allocator.rescindOffers(a);
        failure(a);
    }

    void failure(Agent a) {
        for (Framework f : master.frameworks.values()) {
            if (f.active()) {
                f.stream.send(Event.newBuilder().setType(Event.Type.FAILURE)
                    .setFailure(Event.Failure.newBuilder().setAgentId(AgentID.newBuilder().setValue(a.id))).build());
            }
        }
    }

    /** An unreachable agent reregisters: its tasks were not killed and are reported with their current state. */
    void healAgent(Agent a) {
        if (a.state != AgentState.UNREACHABLE) {
            return;
        }
        a.state = AgentState.ACTIVE;
        for (Task t : new ArrayList<>(a.tasks.values())) {
            // every task the agent reports, with the agent's own latest state (M:src/master/master.cpp
            // __reregisterSlave), before the agent resends what is unacknowledged
            master.updates.masterUpdate(t.framework, t.info.getTaskId(), AgentID.newBuilder().setValue(a.id).build(),
                t.agentState, Reason.REASON_AGENT_REREGISTERED, "Unreachable agent re-reregistered",
                s -> master.updates.taskDetails(t, s));
        }
        // no kill is sent again: a KILL reaches only an active agent, whose runtime carries it out during the
        // partition too, and Mesos sends nothing to an agent that returns from unreachable
        master.updates.resumeStatusUpdates(a);
        master.allocator.allocate();
    }

    /** The operator marks the agent gone: its tasks are killed and reported GONE_BY_OPERATOR (or LOST). */
    void removeAgent(Agent a) {
        if (a.state == AgentState.GONE) {
            return;
        }
        boolean wasActive = a.state == AgentState.ACTIVE;
        List<String> offered = new ArrayList<>(a.offers);
        a.state = AgentState.GONE;
        for (Task t : new ArrayList<>(a.tasks.values())) {
            if (t.runtime != null) {
                t.runtime.destroy();
            }
            if (t.retry != null) {
                t.retry.cancel(false);
            }
            t.pending.clear();
            Framework f = t.framework;
            boolean pa = f.partitionAware();
            if (!Model.isTerminal(t.state)) {
                master.updates.masterUpdate(f, t.info.getTaskId(), AgentID.newBuilder().setValue(a.id).build(),
                    pa ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_LOST,
                    pa ? Reason.REASON_AGENT_REMOVED_BY_OPERATOR : Reason.REASON_AGENT_REMOVED,
                    "Agent " + a.hostname + " is gone", null);
            }
            master.updates.setMasterState(t, pa ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_LOST);
            master.updates.forgetTask(t);
        }
        for (String oid : offered) {
            Offer o = master.offers.get(oid);
            if (o != null) {
                master.allocator.rescind(o); // the resources go nowhere: the agent is gone
            }
        }
        if (wasActive) {
            failure(a);
        }
    }

    /**
     * A new master takes over (restart or master.leader switch): all streams end, master.offers and filters are forgotten, a new
     * master id is used; master.agents reregister with their tasks, so master.frameworks with tasks are known (disconnected,
     * without a failover timer) and master.frameworks without tasks are forgotten.
     */
    public void failover(int newLeader, long recoveryNanos) {
        failover(newLeader);
        if (recoveryNanos > 0) {
            master.recoveringUntilNanos = System.nanoTime() + recoveryNanos;
        }
    }

    public void failover(int newLeader) {
        for (Framework f : new ArrayList<>(master.frameworks.values())) {
            Stream s = f.stream;
            f.stream = null;
            f.connected = false;
            if (s != null) {
                master.subscriptions.cancelHeartbeat(s);
                s.abort(new java.io.IOException("master failover"));
            }
            for (Offer o : new ArrayList<>(f.offers.values())) {
                master.allocator.removeOffer(o, false);
            }
            f.filters.clear();
            f.suppressed.clear();
            if (f.failoverTimer != null) {
                f.failoverTimer.cancel(false);
                f.failoverTimer = null;
            }
            if (f.tasks.isEmpty()) {
                master.frameworks.remove(f.id);
            }
        }
        master.completedFrameworks.clear();
        master.masterId = UUID.randomUUID().toString();
        master.nextFrameworkId = 0;
        master.nextOfferId = 0;
        master.leader = newLeader;
    }

    void cutStream(Framework f) {
        Stream s = f.stream;
        if (s == null) {
            return;
        }
        byte[] record = MesosJson.writeBytes(Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
        ByteBuffer frame = RecordIo.frame(record);
        frame.limit(frame.limit() - record.length / 2);
        s.raw(frame);
        master.loop.schedule(() -> s.abort(new java.io.IOException("stream cut by fault injection")), 50,
            TimeUnit.MILLISECONDS);
    }

    void injectBytes(Framework f, byte[] bytes) {
        if (f.stream != null) {
            f.stream.raw(ByteBuffer.wrap(bytes.clone()));
        }
    }
}
