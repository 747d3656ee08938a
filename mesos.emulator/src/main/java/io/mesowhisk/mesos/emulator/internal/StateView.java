package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.internal.Model.Agent;
import io.mesowhisk.mesos.emulator.internal.Model.AgentState;
import io.mesowhisk.mesos.emulator.internal.Model.Framework;
import io.mesowhisk.mesos.emulator.internal.Model.Offer;
import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Reason;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Source;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The master's {@code /state}: frameworks, completed frameworks and agents with Mesos's field names and value
 * formats (M:src/master/readonly_handler.cpp). Reads the master's state on the master loop.
 */
final class StateView {

    private final Master master;

    StateView(Master master) {
        this.master = master;
    }

    public String stateJson() {
        StateJson j = new StateJson();
        j.begin();
        j.field("id", master.masterId);
        int port = master.leader >= 0 ? master.masterPorts[master.leader] : master.masterPorts[0];
        j.field("pid", "master@" + master.ip + ":" + port);
        j.field("hostname", master.config.host());
        j.field("version", "1.11.0");
        j.field("leader", master.leader >= 0 ? "master@" + master.ip + ":" + master.masterPorts[master.leader] : "");
        j.field("activated_slaves", master.agents.stream().filter(a -> a.state == AgentState.ACTIVE).count());
        j.key("frameworks").array();
        for (Framework f : master.frameworks.values()) {
            frameworkJson(j, f);
        }
        j.end(']');
        j.key("completed_frameworks").array();
        for (Framework f : master.completedFrameworks.values()) {
            frameworkJson(j, f);
        }
        j.end(']');
        j.key("slaves").array();
        for (Agent a : master.agents) {
            if (a.state == AgentState.GONE) {
                continue;
            }
            j.begin();
            j.field("id", a.id);
            j.field("hostname", a.hostname);
            j.field("port", a.httpPort);
            j.field("pid", "slave(1)@" + master.ip + ":" + a.httpPort);
            j.field("active", a.state == AgentState.ACTIVE);
            j.key("resources").map(a.total.summary());
            ResourceBag used = a.total.copy();
            used.subtract(a.available);
            ResourceBag offered = new ResourceBag();
            for (String oid : a.offers) {
                offered.add(master.offers.get(oid).resources);
            }
            used.subtract(offered);
            j.key("used_resources").map(used.summary());
            j.key("offered_resources").map(offered.summary());
            j.key("unreserved_resources").map(a.total.allocatableTo("*").summary());
            // M:src/common/http.cpp json(ObjectWriter*, Attributes): values stringified as Mesos does, not merged
            Map<String, Object> attrs = new LinkedHashMap<>();
            for (Protos.Attribute at : a.attributes) {
                attrs.put(at.getName(), switch (at.getType()) {
                    case SCALAR -> at.getScalar().getValue();
                    case TEXT -> at.getText().getValue();
                    case SET -> ResourceBag.setText(at.getSet().getItemList());
                    case RANGES -> {
                        long[] r = new long[at.getRanges().getRangeCount() * 2];
                        for (int i = 0; i < at.getRanges().getRangeCount(); i++) {
                            r[2 * i] = at.getRanges().getRange(i).getBegin();
                            r[2 * i + 1] = at.getRanges().getRange(i).getEnd();
                        }
                        yield ResourceBag.rangesText(r);
                    }
                });
            }
            j.key("attributes").map(attrs);
            j.end('}');
        }
        j.end(']');
        j.end('}');
        return j.toString();
    }

    /**
     * A framework as the master's {@code FullFrameworkWriter} writes it (M:src/master/readonly_handler.cpp), with
     * the fields the emulator has: {@code role} for a framework without MULTI_ROLE and {@code roles} for one with
     * it, used and offered resources, {@code executors} always empty (no custom executors).
     */
    void frameworkJson(StateJson j, Framework f) {
        ResourceBag used = new ResourceBag();
        for (Task t : f.tasks.values()) {
            if (!t.resourcesReleased() && t.agent.state == AgentState.ACTIVE) {
                used.add(t.resources);
            }
        }
        ResourceBag offered = new ResourceBag();
        for (Offer o : f.offers.values()) {
            offered.add(o.resources);
        }
        FrameworkInfo info = f.info;
        j.begin();
        j.field("id", f.id);
        j.field("name", info.getName());
        j.key("used_resources").map(used.summary());
        j.key("offered_resources").map(offered.summary());
        List<String> capabilities = new ArrayList<>();
        for (FrameworkInfo.Capability c : info.getCapabilitiesList()) {
            capabilities.add(c.getType().name());
        }
        j.key("capabilities").strings(capabilities);
        j.field("hostname", info.getHostname());
        j.field("webui_url", info.getWebuiUrl());
        j.field("active", f.active());
        j.field("connected", f.connected);
        j.field("user", info.getUser());
        j.field("failover_timeout", info.getFailoverTimeout());
        j.field("checkpoint", info.getCheckpoint());
        if (info.hasPrincipal()) {
            j.field("principal", info.getPrincipal());
        }
        ResourceBag all = used.copy();
        all.add(offered);
        j.key("resources").map(all.summary());
        if (f.multiRole()) {
            j.key("roles").strings(info.getRolesList());
        } else {
            j.field("role", info.getRole());
        }
        // tasks of an unreachable agent leave `tasks` (Framework::removeTask): a partition-aware framework's to
        // `unreachable_tasks` as TASK_UNREACHABLE, another's to `completed_tasks` as TASK_LOST, each with the
        // master's update added to its statuses
        List<Task> unreachable = new ArrayList<>();
        j.key("tasks").array();
        for (Task t : f.tasks.values()) {
            if (t.agent.state == AgentState.UNREACHABLE && !Model.isTerminal(t.state)) {
                unreachable.add(t);
            } else {
                taskJson(j, t);
            }
        }
        j.end(']');
        TaskState gone = f.partitionAware() ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST;
        j.key("unreachable_tasks").array();
        if (f.partitionAware()) {
            unreachable.forEach(t -> unreachableTaskJson(j, t, gone));
        }
        j.end(']');
        j.key("completed_tasks").array();
        for (Task t : f.completedTasks) {
            taskJson(j, t);
        }
        if (!f.partitionAware()) {
            unreachable.forEach(t -> unreachableTaskJson(j, t, gone));
        }
        j.end(']');
        // M:src/common/http.cpp json(ObjectWriter*, const Offer&): the stored offer always has its allocation_info
        j.key("offers").array();
        for (Offer o : f.offers.values()) {
            j.begin();
            j.field("id", o.id);
            j.field("framework_id", f.id);
            j.key("allocation_info").begin();
            j.field("role", o.role);
            j.end('}');
            j.field("slave_id", o.agent.id);
            j.key("resources").map(o.resources.summary());
            j.end('}');
        }
        j.end(']');
        j.key("executors").array();
        j.end(']');
        if (info.hasLabels()) {
            j.key("labels");
            j.labels(info.getLabels());
        }
        j.end('}');
    }

    /** The master's view of a task: its latest state and the statuses the master has received. */
    static void taskJson(StateJson j, Task t) {
        j.task(t, t.state, t.statuses);
    }

    static void unreachableTaskJson(StateJson j, Task t, TaskState state) {
        List<TaskStatus> statuses = new ArrayList<>(t.statuses);
        statuses.add(TaskStatus.newBuilder().setTaskId(t.info.getTaskId()).setState(state)
            .setSource(Source.SOURCE_MASTER).setReason(Reason.REASON_AGENT_REMOVED)
            .setTimestamp(t.agent.unreachableSinceEpochNanos / 1e9).build());
        j.task(t, state, statuses);
    }
}
