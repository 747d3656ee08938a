package io.mesowhisk.mesos.emulator.internal;

import com.google.protobuf.ByteString;
import io.mesowhisk.mesos.emulator.LaunchFailure;
import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.CommandInfo;
import io.mesowhisk.mesos.v1.Protos.ContainerInfo;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.Protos.HealthCheck;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Reason;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Source;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents' containerizers: command tasks run as real child processes in a Mesos-style sandbox; docker tasks are
 * simulated (no engine here), those of runtime images as local processes ({@link RuntimeProcesses}). All callbacks
 * return to the master loop.
 */
final class TaskRunner {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

    private final Master master;
    final ExecutorService probes = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mesos-emulator-probe");
        t.setDaemon(true);
        return t;
    });

    /** The processes of runtime images. */
    private final RuntimeProcesses runtimes;

    /** The docker engine the simulated containers run on: networks and addresses per agent. */
    private final DockerEngine docker = new DockerEngine();

    TaskRunner(Master master) {
        this.master = master;
        this.runtimes = new RuntimeProcesses(master, this);
    }

    /** Runs {@code work} on the agents' disk thread, after the sandbox work queued before it. */
    void onDiskThread(Runnable work) {
        disk.execute(work);
    }

    void shutdown() {
        probes.shutdownNow();
        disk.shutdownNow();
        runtimes.close();
    }

    /** Creates sandboxes off the master loop, as an agent's disk work does not hold up its master. */
    private final ExecutorService disk = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mesos-emulator-agent-disk");
        t.setDaemon(true);
        return t;
    });

    /** A launch waiting for its sandbox; {@code error} is set by the disk thread. */
    private static final class PendingLaunch {
        final Task task;
        final LaunchFailure failure;
        String error;

        PendingLaunch(Task task, LaunchFailure failure) {
            this.task = task;
            this.failure = failure;
        }
    }

    /** Launches whose sandboxes the disk thread has yet to create; guarded by itself. */
    private final List<PendingLaunch> awaitingSandbox = new ArrayList<>();

    void launch(Task t, LaunchFailure failure) {
        t.sandbox = sandboxPath(t);
        if (t.docker) {
            t.runtime = new Simulated(t);
        }
        boolean first;
        synchronized (awaitingSandbox) {
            first = awaitingSandbox.isEmpty();
            awaitingSandbox.add(new PendingLaunch(t, failure));
        }
        if (first) {
            // the tasks of one ACCEPT (and any launched meanwhile) share one trip to the disk thread and back
            disk.execute(this::createSandboxes);
        }
    }

    private void createSandboxes() {
        List<PendingLaunch> batch;
        synchronized (awaitingSandbox) {
            batch = new ArrayList<>(awaitingSandbox);
            awaitingSandbox.clear();
        }
        for (PendingLaunch p : batch) {
            try {
                createSandbox(p.task.sandbox);
            } catch (IOException e) {
                p.error = e.toString();
            }
        }
        master.loop.execute(master.guard(() -> {
            for (PendingLaunch p : batch) {
                sandboxReady(p.task, p.failure, p.error);
            }
        }));
    }

    private void sandboxReady(Task t, LaunchFailure failure, String error) {
        if (Model.isTerminal(t.agentState) || t.framework.removed || t.agent.state == Model.AgentState.GONE) {
            return;
        }
        if (error != null) {
            master.updates.agentUpdate(t, TaskState.TASK_FAILED, Source.SOURCE_AGENT, Reason.REASON_CONTAINER_LAUNCH_FAILED,
                "Failed to launch container: cannot create sandbox: " + error, null);
            t.runtime = null;
            return;
        }
        if (t.docker) {
            long delay = master.config.dockerStartDelay().toNanos();
            if (delay > 0) {
                master.schedule(() -> startDocker(t, failure), delay);
            } else {
                startDocker(t, failure);
            }
        } else if (t.life.killBeforeStart()) {
            killedDuringLaunch(t);
        } else {
            startCommand(t, failure);
        }
    }

    /** {@code <work_dir>/slaves/<agent>/frameworks/<fw>/executors/<executor>/runs/<container>}. */
    private Path sandboxPath(Task t) {
        return master.workDir().resolve("slaves").resolve(t.agent.id).resolve("frameworks")
            .resolve(t.framework.id).resolve("executors").resolve(t.executorId).resolve("runs").resolve(t.containerId);
    }

    /**
     * The run directory with empty stdout and stderr, and the {@code runs/latest} symlink pointing at it. A new
     * executor (the usual case: one per task) takes three mkdirs; only a reused executor id or a missing framework
     * directory takes the slower walk up the tree.
     */
    private static void createSandbox(Path dir) throws IOException {
        Path runs = dir.getParent();
        Path executor = runs.getParent();
        try {
            Files.createDirectory(executor);
            Files.createDirectory(runs);
            Files.createDirectory(dir);
        } catch (NoSuchFileException | FileAlreadyExistsException e) {
            Files.createDirectories(dir);
        }
        Files.createFile(dir.resolve("stdout"));
        Files.createFile(dir.resolve("stderr"));
        Path latest = runs.resolve("latest");
        try {
            try {
                Files.createSymbolicLink(latest, dir.getFileName());
            } catch (FileAlreadyExistsException e) {
                Files.delete(latest); // an earlier run of the same executor
                Files.createSymbolicLink(latest, dir.getFileName());
            }
        } catch (UnsupportedOperationException | IOException e) {
            LOG.debug("No runs/latest symlink for {}: {}", dir, e.toString());
        }
    }

    private boolean fail(Task t, LaunchFailure failure) {
        if (failure == null) {
            return false;
        }
        if (failure.source() == Source.SOURCE_EXECUTOR) {
            // the executor runs in its container: the agent adds the container's status to what it sends
            t.containerStatus = containerStatus(t, null);
        }
        if (failure.startingFirst()) {
            master.updates.agentUpdate(t, TaskState.TASK_STARTING, Source.SOURCE_EXECUTOR, null, null, null);
        }
        master.updates.agentUpdate(t, failure.state(), failure.source(), failure.reason(), failure.message(), null);
        t.runtime = null;
        return true;
    }

    // ------------------------------------------------------------------ simulated docker

    private void startDocker(Task t, LaunchFailure failure) {
        if (Model.isTerminal(t.agentState) || t.framework.removed || t.agent.state == Model.AgentState.GONE) {
            return;
        }
        if (t.life.killBeforeStart()) {
            killedDuringLaunch(t);
            return;
        }
        if (fail(t, failure)) {
            return;
        }
        t.life.start();
        // the docker executor's TASK_STARTING has no container status: the agent adds the container id and, as
        // there is no network info, its own IP
        t.containerStatus = containerStatus(t, null);
        master.updates.agentUpdate(t, TaskState.TASK_STARTING, Source.SOURCE_EXECUTOR, null, null, null);
        String runOptions = DockerEngine.runOptionsError(t);
        if (runOptions != null) {
            // the executor checks its run options after TASK_STARTING (M:src/docker/executor.cpp launchTask)
            master.updates.agentUpdate(t, TaskState.TASK_FAILED, Source.SOURCE_EXECUTOR, null,
                "Failed to create docker run options: " + runOptions, null);
            t.runtime = null;
            return;
        }
        // runtime images run a real local process, which reports back through dockerRunning once it listens
        RuntimeImages.Entry runtime = master.config.runtimeImages().match(t.info.getContainer().getDocker()
            .getImage());
        if (runtime != null) {
            runtimes.start(t, runtime);
            return;
        }
        dockerRunning(t, 0);
    }

    /**
     * A docker container runs: TASK_RUNNING and what follows it. {@code pid} is the process of a runtime image,
     * 0 for a simulated container.
     */
    void dockerRunning(Task t, long pid) {
        // TASK_RUNNING follows `docker inspect`: its output as data, and the container's IP, if docker gave it
        // one, as the network info, which later health updates repeat (M:src/docker/executor.cpp launchTask)
        DockerEngine.Network net = docker.network(t);
        if (net.ip() != null) {
            t.containerStatus = dockerRunningStatus(t, net.ip());
        }
        ByteString inspect = ByteString.copyFromUtf8(DockerEngine.inspectJson(t, net, pid));
        master.updates.agentUpdate(t, TaskState.TASK_RUNNING, Source.SOURCE_EXECUTOR, null, null, s -> s.setData(inspect));
        armCompletionTimer(t);
        if (t.info.hasHealthCheck() && t.runtime instanceof RuntimeProcess p) {
            p.checkHealth(); // a real process: probed as the docker executor's checker probes a container
        } else if (t.info.hasHealthCheck()) {
            // no container runs here, so there is nothing to probe: report healthy once the first check is due
            HealthCheck h = t.info.getHealthCheck();
            master.schedule(() -> {
                if (t.agentState == TaskState.TASK_RUNNING && t.life.startedUnkilled()) {
                    t.healthy = true;
                    master.updates.agentUpdate(t, TaskState.TASK_RUNNING, Source.SOURCE_EXECUTOR,
                        Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, null, null);
                }
            }, (long) (h.getDelaySeconds() * 1e9));
        }
    }

    private final class Simulated implements Model.Runtime {
        private final Task t;

        Simulated(Task t) {
            this.t = t;
        }

        @Override
        public void kill(long graceNanos) {
            // the docker executor runs `docker stop -t <grace in whole seconds>`: SIGTERM, then SIGKILL when the
            // time is up. A simulated container honours SIGTERM at once (exit 143), unless docker gives it no time
            // at all (-t 0) and kills it (exit 137). `docker run` exits with the container's status, and the
            // executor's terminal update says "Container " + WSTRINGIFY(status); it is built afresh, without the
            // health of earlier updates (M:src/docker/executor.cpp _killTask, _reaped; src/docker/docker.cpp stop)
            int status = TimeUnit.NANOSECONDS.toSeconds(graceNanos) == 0 ? 128 + 9 : 128 + 15;
            master.loop.execute(master.guard(() -> {
                cancelCompletionTimer(t);
                if (Model.isTerminal(t.agentState)) {
                    return;
                }
                // the terminal update carries no network info of the executor's: the agent adds its own IP
                t.containerStatus = containerStatus(t, null);
                // killed by the completion timer: FAILED with its reason; any other kill: KILLED, no reason
                boolean timedOut = t.life.killedAtCompletionTime();
                master.updates.agentUpdate(t, timedOut ? TaskState.TASK_FAILED : TaskState.TASK_KILLED,
                    Source.SOURCE_EXECUTOR, timedOut ? Reason.REASON_MAX_COMPLETION_TIME_REACHED : null,
                    "Container exited with status " + status, TaskStatus.Builder::clearHealthy);
            }));
        }

        @Override
        public void destroy() {
            cancelCompletionTimer(t);
        }
    }

    private void killedDuringLaunch(Task t) {
        master.updates.agentUpdate(t, TaskState.TASK_KILLED, Source.SOURCE_AGENT, Reason.REASON_TASK_KILLED_DURING_LAUNCH,
            "Killed before delivery to the executor", null);
        t.runtime = null;
    }

    // ------------------------------------------------------------------ kill

    /**
     * The grace a kill gives the task, as the command executor computes it (M:src/launcher/executor.cpp
     * {@code kill}): the KILL call's own {@code kill_policy} ({@code override}, null when the call has none, as for
     * a health-check kill or a kill the master re-sends), else the task's {@code TaskInfo.kill_policy}, else 3 s.
     */
    private static long killGraceNanos(Task t, Protos.KillPolicy override) {
        long grace = TimeUnit.SECONDS.toNanos(3);
        if (override != null && override.hasGracePeriod()) {
            grace = override.getGracePeriod().getNanoseconds();
        } else if (t.info.hasKillPolicy() && t.info.getKillPolicy().hasGracePeriod()) {
            grace = t.info.getKillPolicy().getGracePeriod().getNanoseconds();
        }
        return Math.max(0, grace);
    }

    /**
     * A KILL reaching the task's executor; {@code override} is the KILL call's own {@code kill_policy}, null when it
     * has none (a health-check kill, a KILL without a policy). As the command executor's {@code kill}: the first
     * sends TASK_KILLING (with the capability) and SIGTERM and escalates after the grace; a later one can only bring
     * the escalation forward, to its own grace counted from the first kill, and sends nothing (a retried KILL is a
     * no-op).
     */
    void kill(Task t, Protos.KillPolicy override) {
        if (Model.isTerminal(t.agentState)) {
            return;
        }
        if (!t.life.started()) {
            if (t.runtime == null || !t.docker) {
                killedDuringLaunch(t);
            } // a docker task still starting ends when it would start (TaskLife.KILL_BEFORE_START)
            return;
        }
        // any kill, a KILL or the executor's own after failed health checks, ends the max_completion_time timer
        cancelCompletionTimer(t);
        long now = System.nanoTime();
        if (t.life.killing()) {
            if (override != null && override.hasGracePeriod()) {
                long remaining = t.life.bringForward(now, override.getGracePeriod().getNanoseconds());
                if (remaining >= 0 && t.runtime != null) {
                    t.runtime.escalateIn(remaining);
                }
            }
            return;
        }
        long grace = Math.max(0, killGraceNanos(t, override));
        t.life.kill(now, grace);
        if (t.framework.has(FrameworkInfo.Capability.Type.TASK_KILLING_STATE)) {
            // both executors build TASK_KILLING afresh: no health carried over from earlier updates, and for a
            // docker task no network info (the agent adds its own IP)
            if (t.docker) {
                t.containerStatus = containerStatus(t, null);
            }
            master.updates.agentUpdate(t, TaskState.TASK_KILLING, Source.SOURCE_EXECUTOR, null, null,
                TaskStatus.Builder::clearHealthy);
        }
        if (t.runtime != null) {
            t.runtime.kill(grace);
        }
    }

    // ------------------------------------------------------------------ max_completion_time

    /**
     * Both built-in executors arm a timer for {@code TaskInfo.max_completion_time} when they start the task
     * (M:src/launcher/executor.cpp and src/docker/executor.cpp, {@code taskCompletionTimer}); a kill or the task's
     * end cancels it.
     */
    private void armCompletionTimer(Task t) {
        if (!t.info.hasMaxCompletionTime() || t.info.getMaxCompletionTime().getNanoseconds() <= 0) {
            return;
        }
        t.completionTimer = master.loop.schedule(master.guard(() -> completionTimeout(t)),
            t.info.getMaxCompletionTime().getNanoseconds(), TimeUnit.NANOSECONDS);
    }

    private static void cancelCompletionTimer(Task t) {
        if (t.completionTimer != null) {
            t.completionTimer.cancel(false);
            t.completionTimer = null;
        }
    }

    /**
     * As {@code taskCompletionTimeout}: the executor kills the task with no grace, whatever its kill policy, and
     * sends no TASK_KILLING; the terminal update is TASK_FAILED with REASON_MAX_COMPLETION_TIME_REACHED.
     */
    private void completionTimeout(Task t) {
        t.completionTimer = null;
        if (Model.isTerminal(t.agentState) || t.life.killing() || t.runtime == null || t.framework.removed
            || t.agent.state == Model.AgentState.GONE) {
            return;
        }
        t.life.completionTimeReached(System.nanoTime());
        t.runtime.kill(0);
    }

    // ------------------------------------------------------------------ command tasks

    private void startCommand(Task t, LaunchFailure failure) {
        if (fail(t, failure)) {
            return;
        }
        CommandInfo cmd = t.info.hasCommand() ? t.info.getCommand() : t.info.getExecutor().getCommand();
        List<String> argv = new ArrayList<>();
        if (cmd.getShell()) {
            argv.add("/bin/sh");
            argv.add("-c");
            argv.add(cmd.getValue());
        } else {
            argv.add(cmd.getValue());
            for (int i = 1; i < cmd.getArgumentsCount(); i++) {
                argv.add(cmd.getArguments(i)); // arguments[0] is argv[0]; the executable comes from value
            }
        }
        ProcessBuilder pb = new ProcessBuilder(argv).directory(t.sandbox.toFile())
            .redirectOutput(ProcessBuilder.Redirect.appendTo(t.sandbox.resolve("stdout").toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(t.sandbox.resolve("stderr").toFile()));
        environment(t, cmd, pb.environment());
        // Mesos's executor process exists before it sends TASK_STARTING, and the agent adds the container's
        // status (with the executor's pid) to that update as to every later one; here the task's own process
        // stands in for the executor, so it is started first (its exit is handled on this loop, after STARTING)
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            t.containerStatus = containerStatus(t, null);
            master.updates.agentUpdate(t, TaskState.TASK_STARTING, Source.SOURCE_EXECUTOR, null, null, null);
            master.updates.agentUpdate(t, TaskState.TASK_FAILED, Source.SOURCE_EXECUTOR, null,
                "Failed to launch command: " + e.getMessage(), null);
            return;
        }
        t.life.start();
        Proc proc = new Proc(t, p);
        armCompletionTimer(t);
        t.runtime = proc;
        t.containerStatus = containerStatus(t, p.pid());
        master.updates.agentUpdate(t, TaskState.TASK_STARTING, Source.SOURCE_EXECUTOR, null, null, null);
        master.updates.agentUpdate(t, TaskState.TASK_RUNNING, Source.SOURCE_EXECUTOR, null, null, null);
        p.onExit().thenAccept(done -> master.loop.execute(master.guard(() -> proc.exited(done.exitValue()))));
        if (t.info.hasHealthCheck()) {
            // a command task's process runs on the agent's host: a check's port is the port itself
            new HealthChecker(master, this, t, new HealthChecker.Target(probes, port -> port,
                env -> environment(t, t.info.getHealthCheck().getCommand(), env), () -> true,
                () -> proc.killedByHealth = true)).start();
        }
    }

    void environment(Task t, CommandInfo cmd, Map<String, String> env) {
        String endpoint = master.ip + ":" + t.agent.httpPort;
        env.put("MESOS_FRAMEWORK_ID", t.framework.id);
        env.put("MESOS_EXECUTOR_ID", t.executorId);
        env.put("MESOS_DIRECTORY", t.sandbox.toString());
        env.put("MESOS_SANDBOX", t.sandbox.toString());
        env.put("MESOS_SLAVE_ID", t.agent.id);
        env.put("MESOS_AGENT_ENDPOINT", endpoint);
        env.put("MESOS_SLAVE_PID", "slave(1)@" + endpoint);
        env.put("MESOS_CHECKPOINT", t.framework.info.getCheckpoint() ? "1" : "0");
        env.put("MESOS_HTTP_COMMAND_EXECUTOR", "0");
        env.put("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "5secs");
        if (t.framework.info.getCheckpoint()) {
            // what an agent tells the executors of a checkpointing framework (M:src/slave/slave.cpp
            // executorEnvironment): its --recovery_timeout and --executor_reregistration_timeout, at their defaults
            // (15 min, 2 s) as stout writes a Duration; the task's own CommandInfo environment can override both
            env.put("MESOS_RECOVERY_TIMEOUT", "15mins");
            env.put("MESOS_SUBSCRIPTION_BACKOFF_MAX", "2secs");
        }
        env.put("LIBPROCESS_PORT", "0");
        for (Protos.Environment.Variable v : cmd.getEnvironment().getVariablesList()) {
            env.put(v.getName(), v.getValue());
        }
        // the allocation role of the task's resources (M:src/launcher/executor.cpp)
        env.put("MESOS_ALLOCATION_ROLE", t.role);
    }

    /**
     * What the agent adds to the executor's updates (M:src/slave/slave.cpp {@code _statusUpdate}): the container's
     * id, the executor's pid once there is one (the docker containerizer gives none), and the agent's IP as the
     * container's network address when the executor's update has no network info.
     */
    Protos.ContainerStatus containerStatus(Task t, Long executorPid) {
        Protos.ContainerStatus.Builder b = Protos.ContainerStatus.newBuilder()
            .setContainerId(Protos.ContainerID.newBuilder().setValue(t.containerId))
            .addNetworkInfos(Protos.NetworkInfo.newBuilder()
                .addIpAddresses(Protos.NetworkInfo.IPAddress.newBuilder().setIpAddress(master.ip)));
        if (executorPid != null) {
            b.setExecutorPid(executorPid.intValue());
        }
        return b.build();
    }

    /**
     * A docker task's TASK_RUNNING container status: the agent's container id and the docker executor's network
     * info, which is the ContainerInfo's first network info (name, labels, …) with the container's IP as its only
     * address.
     */
    private static Protos.ContainerStatus dockerRunningStatus(Task t, String containerIp) {
        Protos.NetworkInfo.Builder n = t.info.getContainer().getNetworkInfosCount() > 0
            ? t.info.getContainer().getNetworkInfos(0).toBuilder().clearIpAddresses()
            : Protos.NetworkInfo.newBuilder();
        n.addIpAddresses(Protos.NetworkInfo.IPAddress.newBuilder().setIpAddress(containerIp));
        return Protos.ContainerStatus.newBuilder()
            .setContainerId(Protos.ContainerID.newBuilder().setValue(t.containerId))
            .addNetworkInfos(n)
            .build();
    }

    private final class Proc implements Model.Runtime {
        private final Task t;
        private final Process process;
        private ScheduledFuture<?> forceKill;
        /** The executor's {@code killed}: SIGTERM has been sent, whoever asked for the kill. */
        private boolean killed;
        private boolean killedByHealth;

        Proc(Task t, Process process) {
            this.t = t;
            this.process = process;
        }

        @Override
        public void kill(long graceNanos) {
            killed = true;
            process.toHandle().descendants().forEach(ProcessHandle::destroy);
            process.destroy(); // SIGTERM
            escalateIn(graceNanos);
        }

        @Override
        public void escalateIn(long remainingNanos) {
            if (forceKill != null) {
                forceKill.cancel(false);
            }
            forceKill = master.loop.schedule(() -> {
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly(); // SIGKILL
            }, remainingNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void destroy() {
            cancelCompletionTimer(t);
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        void exited(int code) {
            if (forceKill != null) {
                forceKill.cancel(false);
            }
            cancelCompletionTimer(t);
            if (Model.isTerminal(t.agentState)) {
                return;
            }
            // as the command executor's reaped(): a task killed by the completion timer is FAILED with
            // REASON_MAX_COMPLETION_TIME_REACHED; another killed task is KILLED whatever its exit status (a task
            // that ends cleanly on SIGTERM too), else exit 0 is FINISHED and anything else, a signal included, FAILED
            boolean timedOut = t.life.killedAtCompletionTime();
            TaskState state = timedOut ? TaskState.TASK_FAILED : killed ? TaskState.TASK_KILLED
                : code == 0 ? TaskState.TASK_FINISHED : TaskState.TASK_FAILED;
            // the terminal update is built afresh: no other reason, and no health but healthy=false after a
            // health kill
            boolean unhealthy = killed && killedByHealth;
            master.updates.agentUpdate(t, state, Source.SOURCE_EXECUTOR,
                timedOut ? Reason.REASON_MAX_COMPLETION_TIME_REACHED : null, ExitStatus.commandStatus(code),
                s -> {
                    if (unhealthy) {
                        s.setHealthy(false);
                    } else {
                        s.clearHealthy();
                    }
                });
        }
    }
}
