package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.v1.Protos.Attribute;
import io.mesowhisk.mesos.v1.Protos.ContainerStatus;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.Protos.TaskInfo;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

/** The master's and agents' records. Owned by the master loop; never touched from other threads. */
final class Model {

    private Model() {
    }

    static final class Framework {
        final String id;
        FrameworkInfo info;
        Stream stream;
        boolean connected;
        boolean removed;
        final Set<String> suppressed = new HashSet<>();
        final Map<String, Task> tasks = new LinkedHashMap<>();
        final List<Task> completedTasks = new ArrayList<>();
        final Map<String, Offer> offers = new LinkedHashMap<>();
        final Map<FilterKey, List<Filter>> filters = new HashMap<>();
        ScheduledFuture<?> failoverTimer;

        Framework(String id, FrameworkInfo info) {
            this.id = id;
            this.info = info;
        }

        boolean has(FrameworkInfo.Capability.Type type) {
            for (FrameworkInfo.Capability c : info.getCapabilitiesList()) {
                if (c.getType() == type) {
                    return true;
                }
            }
            return false;
        }

        boolean multiRole() {
            return has(FrameworkInfo.Capability.Type.MULTI_ROLE);
        }

        boolean partitionAware() {
            return has(FrameworkInfo.Capability.Type.PARTITION_AWARE);
        }

        List<String> roles() {
            return multiRole() ? info.getRolesList() : List.of(info.getRole());
        }

        boolean active() {
            return connected && !removed;
        }
    }

    /** The allocator keeps DECLINE filters per agent and role. */
    record FilterKey(String agentId, String role) {
    }

    /** An agent's tasks are known by framework and task id (task ids are unique within a framework only). */
    record TaskKey(String frameworkId, String taskId) {
    }

    static final class Filter {
        final ResourceBag refused;
        final long expiresNanos;

        Filter(ResourceBag refused, long expiresNanos) {
            this.refused = refused;
            this.expiresNanos = expiresNanos;
        }
    }

    static final class Offer {
        final String id;
        final Framework framework;
        final Agent agent;
        final String role;
        final ResourceBag resources;
        ScheduledFuture<?> timeout;

        Offer(String id, Framework framework, Agent agent, String role, ResourceBag resources) {
            this.id = id;
            this.framework = framework;
            this.agent = agent;
            this.role = role;
            this.resources = resources;
        }
    }

    enum AgentState { ACTIVE, UNREACHABLE, GONE }

    static final class Agent {
        final int index;
        final String id;
        final String hostname;
        final ResourceBag total;
        final ResourceBag available;
        final List<Attribute> attributes;
        int httpPort;
        AgentState state = AgentState.ACTIVE;
        long unreachableSinceEpochNanos;
        final Map<TaskKey, Task> tasks = new LinkedHashMap<>();
        final List<Task> completedTasks = new ArrayList<>();
        final Set<String> offers = new HashSet<>();

        Agent(int index, String id, String hostname, ResourceBag total, List<Attribute> attributes) {
            this.index = index;
            this.id = id;
            this.hostname = hostname;
            this.total = total;
            this.available = total.copy();
            this.attributes = attributes;
        }
    }

    /** What runs a task on an agent: a child process or a simulated container. */
    interface Runtime {
        /** Asks the task to stop: SIGTERM now, SIGKILL after {@code graceNanos}. */
        void kill(long graceNanos);

        /** A kill is under way: SIGKILL after {@code remainingNanos} instead of when first planned, no new SIGTERM. */
        default void escalateIn(long remainingNanos) {
        }

        /** Stops at once without any further update (framework removed, agent shut down). */
        void destroy();
    }

    static final class Task {
        final TaskInfo info;
        final Framework framework;
        final Agent agent;
        final ResourceBag resources;
        final String executorId;
        final String containerId;
        final boolean docker;
        /** The role of the offer the task was launched from (its resources' allocation role). */
        String role;
        Path sandbox;
        /** The master's view: the newest state the agent reported (latest_state). */
        TaskState state = TaskState.TASK_STAGING;
        /** The state of the update last forwarded to the framework. */
        TaskState statusUpdateState = TaskState.TASK_STAGING;
        /** The agent's own latest state. */
        TaskState agentState = TaskState.TASK_STAGING;
        final ArrayDeque<TaskStatus> pending = new ArrayDeque<>();
        ScheduledFuture<?> retry;
        long retryNanos;
        Runtime runtime;
        /** What the executor has done with the task: started, killing, ... (one state machine). */
        final TaskLife life = new TaskLife();
        /** The executor's timer for {@code TaskInfo.max_completion_time}, armed at start; null when none is due. */
        ScheduledFuture<?> completionTimer;
        Boolean healthy;
        ContainerStatus containerStatus;
        /**
         * The master's Task.statuses: every update the master has received from the agent about this task, in order,
         * an update in the same state as the one before replacing it, without its {@code data}. Filled only by
         * {@link #addStatus}; read by the state views.
         */
        final List<TaskStatus> statuses = new ArrayList<>();

        Task(TaskInfo info, Framework framework, Agent agent, ResourceBag resources, String containerId,
             boolean docker) {
            this.info = info;
            this.framework = framework;
            this.agent = agent;
            this.resources = resources;
            this.executorId = info.hasExecutor() ? info.getExecutor().getExecutorId().getValue()
                : info.getTaskId().getValue();
            this.containerId = containerId;
            this.docker = docker;
        }

        String id() {
            return info.getTaskId().getValue();
        }

        TaskKey key() {
            return new TaskKey(framework.id, id());
        }

        /**
         * The master gave the task's resources back to its agent: when the master's state became terminal (a task
         * is never running again after that).
         */
        boolean resourcesReleased() {
            return isTerminal(state);
        }

        /**
         * The master has received {@code status} from the agent (M:src/master/master.cpp {@code updateTask}): it
         * joins {@link #statuses}, replacing the last entry if that is in the same state, and its {@code data} is
         * dropped (MESOS-1746). A retry of the same update changes nothing.
         */
        void addStatus(TaskStatus status) {
            TaskStatus s = status.hasData() ? status.toBuilder().clearData().build() : status;
            int last = statuses.size() - 1;
            if (last >= 0 && statuses.get(last).getState() == s.getState()) {
                statuses.set(last, s);
            } else {
                statuses.add(s);
            }
        }
    }

    static boolean isTerminal(TaskState s) {
        return switch (s) {
            case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE,
                 TASK_GONE_BY_OPERATOR -> true;
            default -> false;
        };
    }
}
