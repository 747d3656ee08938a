package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.internal.Model.Agent;
import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos.CommandInfo;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.Protos.TaskInfo;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An agent's {@code /state} (M:src/slave/http.cpp): its frameworks, each with one command executor per task, the
 * tasks by the agent's own state and the updates the agent has had. Runs on the master loop.
 */
final class AgentStateView {

    private AgentStateView() {
    }

    static String state(Master master, Agent a) {
        StateJson j = new StateJson();
        j.begin();
        j.field("id", a.id);
        j.field("hostname", a.hostname);
        j.field("pid", "slave(1)@" + master.ip + ":" + a.httpPort);
        j.field("master_hostname", master.config.host());
        j.key("flags").map(Map.of("work_dir", master.workDir().toString()));
        j.key("resources").map(a.total.summary());
        Map<String, List<Task>> byFramework = new LinkedHashMap<>();
        Map<String, List<Task>> completedByFramework = new LinkedHashMap<>();
        for (Task t : a.tasks.values()) {
            byFramework.computeIfAbsent(t.framework.id, k -> new ArrayList<>()).add(t);
        }
        for (Task t : a.completedTasks) {
            completedByFramework.computeIfAbsent(t.framework.id, k -> new ArrayList<>()).add(t);
        }
        j.key("frameworks").array();
        for (Map.Entry<String, List<Task>> e : byFramework.entrySet()) {
            frameworkState(j, e.getKey(), e.getValue(), completedByFramework.getOrDefault(e.getKey(), List.of()));
        }
        j.end(']');
        j.key("completed_frameworks").array();
        for (Map.Entry<String, List<Task>> e : completedByFramework.entrySet()) {
            if (!byFramework.containsKey(e.getKey())) {
                frameworkState(j, e.getKey(), List.of(), e.getValue());
            }
        }
        j.end(']');
        j.end('}');
        return j.toString();
    }

    /**
     * A framework as the agent's {@code FrameworkWriter} writes it (M:src/slave/http.cpp), from the FrameworkInfo
     * the master sent with the task: {@code role} without MULTI_ROLE, {@code roles} with it.
     */
    private static void frameworkState(StateJson j, String frameworkId, List<Task> live, List<Task> done) {
        Task any = !live.isEmpty() ? live.get(0) : done.get(0);
        FrameworkInfo info = any.framework.info;
        j.begin();
        j.field("id", frameworkId);
        j.field("name", info.getName());
        j.field("user", info.getUser());
        j.field("failover_timeout", info.getFailoverTimeout());
        j.field("checkpoint", info.getCheckpoint());
        j.field("hostname", info.getHostname());
        if (info.hasPrincipal()) {
            j.field("principal", info.getPrincipal());
        }
        if (any.framework.multiRole()) {
            j.key("roles").strings(info.getRolesList());
        } else {
            j.field("role", info.getRole());
        }
        j.key("executors").array();
        for (Task t : live) {
            executorState(j, t);
        }
        j.end(']');
        j.key("completed_executors").array();
        for (Task t : done) {
            executorState(j, t);
        }
        j.end(']');
        j.end('}');
    }

    /** The command executor's allowance (M:src/slave/constants.hpp DEFAULT_EXECUTOR_CPUS, DEFAULT_EXECUTOR_MEM). */
    private static final double EXECUTOR_CPUS = 0.1;
    private static final double EXECUTOR_MEM = 32;

    /**
     * The command (or docker) executor Mesos makes for a task, as the agent's {@code ExecutorWriter} writes it
     * (M:src/slave/http.cpp), with the ExecutorInfo of {@code Slave::getExecutorInfo} (M:src/slave/slave.cpp): its
     * resources are the 0.1 cpus / 32 MB allowance plus the task's while the task is live on the agent, its role is
     * the task's, its labels are the task's, and it has no {@code type}. The task carries the agent's state and the
     * statuses the agent has had, including those not yet forwarded to the master.
     */
    private static void executorState(StateJson j, Task t) {
        ResourceBag resources = new ResourceBag();
        resources.addScalar("cpus", "*", EXECUTOR_CPUS);
        resources.addScalar("mem", "*", EXECUTOR_MEM);
        boolean terminal = Model.isTerminal(t.agentState);
        if (!terminal) {
            resources.add(t.resources);
        }
        j.begin();
        j.field("id", t.executorId);
        j.field("name", executorName(t.info));
        j.field("source", t.id());
        j.field("container", t.containerId);
        j.field("directory", t.sandbox == null ? "" : t.sandbox.toString());
        j.key("resources").map(resources.summary());
        j.field("role", t.role);
        if (t.info.hasLabels()) {
            j.key("labels");
            j.labels(t.info.getLabels());
        }
        List<TaskStatus> received = new ArrayList<>(t.statuses);
        received.addAll(t.pending);
        j.key("tasks").array();
        if (!terminal) {
            j.task(t, t.agentState, StateJson.folded(received));
        }
        j.end(']');
        j.key("queued_tasks").array();
        j.end(']');
        j.key("completed_tasks").array();
        if (terminal) {
            j.task(t, t.agentState, StateJson.folded(received));
        }
        j.end(']');
        j.end('}');
    }

    /**
     * The command executor's name as {@code Slave::getExecutorInfo} builds it: {@code Command Executor (Task: <id>)
     * (Command: sh -c '<value>')} for a shell command, {@code (Command: [<value>, <arg>, ...])} for argv, the command
     * cut to 12 bytes and {@code ...} when it is longer than 15, {@code NO COMMAND} / {@code NO EXECUTABLE} without a
     * value.
     */
    static String executorName(TaskInfo task) {
        CommandInfo c = task.getCommand();
        String command;
        if (c.getShell()) {
            command = !c.hasValue() ? "NO COMMAND" : "sh -c '" + cut(c.getValue()) + "'";
        } else {
            // Mesos joins ", " even when there are no arguments: [/bin/true, ]
            command = !c.hasValue() ? "NO EXECUTABLE"
                : "[" + cut(c.getValue() + ", " + String.join(", ", c.getArgumentsList())) + "]";
        }
        return "Command Executor (Task: " + task.getTaskId().getValue() + ") (Command: " + command + ")";
    }

    /**
     * {@code s.length() > 15 ? s.substr(0, 12) + "..." : s} on the UTF-8 bytes, as the C++ string is; a character
     * the 12th byte would split is left out whole.
     */
    private static String cut(String s) {
        if (s.getBytes(StandardCharsets.UTF_8).length <= 15) {
            return s;
        }
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > 12) {
                break;
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return s.substring(0, i) + "...";
    }
}
