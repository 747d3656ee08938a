package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos.ContainerInfo.DockerInfo;
import io.mesowhisk.mesos.v1.Protos.Environment;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Reason;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Source;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated docker container whose image is a runtime image: a real local process. As the docker executor:
 * TASK_RUNNING once it runs (here: once it accepts connections on its host port, or after
 * {@link RuntimeProcesses#READY_TIMEOUT_NANOS}); a kill is {@code docker stop}: SIGTERM to the process tree, SIGKILL
 * after the grace; when the process ends the task ends with "Container exited with status N" (N is 128 + the signal
 * for a process ended by a signal, as docker reports it), KILLED after a kill, FINISHED for 0, else FAILED.
 *
 * <p>Threading: {@link #started}, {@link #startFailed} and the port wait run on a runtime thread and hand over to
 * the master loop; everything else runs on the master loop, except {@link #killTree} and {@link #awaitExit}, which
 * are safe anywhere.
 */
final class RuntimeProcess implements Model.Runtime {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeProcess.class);

    /** The environment variable that marks every process of a container (set by {@link RuntimeProcesses}). */
    static final String CONTAINER_NAME = "MESOS_CONTAINER_NAME";
    /** When the processes a container left behind are looked for a second time after it ended. */
    private static final long STRAY_SWEEP_AGAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final RuntimeProcesses owner;
    private final Master master;
    private final Task t;
    private final RuntimeImages.Entry entry;
    private final String image;
    private final int port;
    private volatile Process process;
    /** Every process seen in the tree, so that children orphaned by their parent's death are still found. */
    private final Set<ProcessHandle> tree = ConcurrentHashMap.newKeySet();

    // master loop only
    private boolean killed;
    private long pendingKillGrace = -1;
    private boolean destroyed;
    private boolean running;
    private ScheduledFuture<?> forceKill;
    private boolean killedByHealth;

    RuntimeProcess(RuntimeProcesses owner, Task t, RuntimeImages.Entry entry, String image, int port) {
        this.owner = owner;
        this.master = owner.master;
        this.t = t;
        this.entry = entry;
        this.image = image;
        this.port = port;
    }

    // ------------------------------------------------------------------ runtime thread

    void started(Process p) {
        process = p;
        if (owner.closed) {
            killTree(true);
            return;
        }
        LOG.info("Task {}: image {} runs as local process {} (runtime image entry {}), port {}", t.id(), image,
            p.pid(), entry, port);
        onLoop(this::onStarted);
        p.onExit().thenAccept(done -> onLoop(() -> exited(done.exitValue())));
        awaitPort(p);
    }

    void startFailed(Exception e) {
        String why = "the emulator runs image '" + image + "' as a local process, with runtime image entry " + entry
            + ", and its command could not start: " + e.getMessage() + ". Install the program or change the entry ("
            + RuntimeImages.HOW_TO_SET + ")";
        onLoop(() -> {
            if (!destroyed) {
                owner.failToStart(t, why);
            }
            owner.ended(this);
        });
    }

    /** The host port is taken: as {@code docker run} when a published port is allocated, exit status 125. */
    void portInUse() {
        onLoop(() -> {
            owner.ended(this);
            if (destroyed || Model.isTerminal(t.agentState)) {
                return;
            }
            LOG.error("Task {} (image {}): host port {} is in use by another process; failing the task as docker run"
                + " fails when a published port is already allocated", t.id(), image, port);
            master.updates.agentUpdate(t, TaskState.TASK_FAILED, Source.SOURCE_EXECUTOR, null,
                "Container exited with status 125", null);
            t.runtime = null;
        });
    }

    private void awaitPort(Process p) {
        long deadline = System.nanoTime() + RuntimeProcesses.READY_TIMEOUT_NANOS;
        String host = master.config.host();
        while (p.isAlive() && System.nanoTime() - deadline < 0) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 250);
                remember(p);
                onLoop(() -> ready(true));
                return;
            } catch (IOException e) {
                // not listening yet
            }
            try {
                Thread.sleep(50); // polls a child process's port; nothing to be notified by
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (p.isAlive()) {
            remember(p);
            onLoop(() -> ready(false));
        }
    }

    private void onLoop(Runnable r) {
        try {
            master.loop.execute(master.guard(r));
        } catch (RejectedExecutionException e) {
            // the emulator has stopped: RuntimeProcesses.close() ends the process
        }
    }

    // ------------------------------------------------------------------ master loop

    private void onStarted() {
        if (destroyed) {
            killTree(false);
            escalateIn(RuntimeProcesses.CLOSE_GRACE_NANOS);
        } else if (pendingKillGrace >= 0) {
            long grace = pendingKillGrace;
            pendingKillGrace = -1;
            kill(grace);
        }
    }

    private void ready(boolean listening) {
        Process p = process;
        if (destroyed || killed || running || Model.isTerminal(t.agentState) || p == null || !p.isAlive()) {
            return;
        }
        if (!listening) {
            LOG.warn("Task {}: the process for image {} (runtime image entry {}) accepts no connections on port {}"
                + " after {} s; reporting it running anyway, as docker would", t.id(), image, entry, port,
                TimeUnit.NANOSECONDS.toSeconds(RuntimeProcesses.READY_TIMEOUT_NANOS));
        }
        running = true;
        owner.runner.dockerRunning(t, p.pid());
    }

    private void exited(int status) {
        owner.ended(this);
        if (forceKill != null) {
            forceKill.cancel(false);
        }
        killTree(true); // what the container's main process left behind dies with the container
        // and once more a little later: a child caught in exec(2) during the first sweep may have had an unreadable
        // /proc/<pid>/environ then (a fresh-clone CI run once found `sleep 600` alive 20 s after its shell exited)
        try {
            master.schedule(() -> killTree(true), STRAY_SWEEP_AGAIN_NANOS);
        } catch (RejectedExecutionException e) {
            // the emulator is stopping: close() ends what is left
        }
        if (destroyed || owner.closed) {
            // the emulator is closing, or the JVM exiting: its agents go away with the processes, and an agent
            // that goes away reports nothing of its tasks
            return;
        }
        if (t.completionTimer != null) {
            t.completionTimer.cancel(false);
            t.completionTimer = null;
        }
        if (Model.isTerminal(t.agentState)) {
            return;
        }
        if (!killed) {
            LOG.warn("Task {}: the process for image {} exited with status {} (its output: {}/stdout and stderr)",
                t.id(), image, status, t.sandbox);
        }
        boolean timedOut = t.life.killedAtCompletionTime();
        TaskState state = timedOut ? TaskState.TASK_FAILED : killed ? TaskState.TASK_KILLED
            : status == 0 ? TaskState.TASK_FINISHED : TaskState.TASK_FAILED;
        // as the docker executor's terminal update: built afresh, the agent adds its own IP, no health
        t.containerStatus = owner.runner.containerStatus(t, null);
        boolean unhealthy = killed && killedByHealth;
        master.updates.agentUpdate(t, state, Source.SOURCE_EXECUTOR, timedOut ? Reason.REASON_MAX_COMPLETION_TIME_REACHED
            : null, "Container exited with status " + status, b -> {
                if (unhealthy) {
                    b.setHealthy(false);
                } else {
                    b.clearHealthy();
                }
            });
        t.runtime = null;
    }

    @Override
    public void kill(long graceNanos) {
        killed = true;
        if (process == null) {
            pendingKillGrace = graceNanos;
            return;
        }
        killTree(false);
        escalateIn(graceNanos);
    }

    @Override
    public void escalateIn(long remainingNanos) {
        if (process == null) {
            pendingKillGrace = Math.max(0, remainingNanos);
            return;
        }
        if (forceKill != null) {
            forceKill.cancel(false);
        }
        forceKill = master.loop.schedule(() -> killTree(true), Math.max(0, remainingNanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void destroy() {
        destroyed = true;
        if (t.completionTimer != null) {
            t.completionTimer.cancel(false);
            t.completionTimer = null;
        }
        if (process != null) {
            killTree(false);
            escalateIn(RuntimeProcesses.CLOSE_GRACE_NANOS);
        }
    }

    // ------------------------------------------------------------------ health checks

    /**
     * On the master loop, once RUNNING: probes the process as the docker executor's health checker probes a
     * container: a TCP connect or an HTTP GET on the check's port, a container port reached at the host port it is
     * mapped to (as the checker reaches it inside the container's network), or a COMMAND check run as a local shell
     * command in the sandbox with the container's {@code PORT}.
     */
    void checkHealth() {
        new HealthChecker(master, owner.runner, t, new HealthChecker.Target(owner.threads, this::hostPortOf, env -> {
            env.put("PORT", Integer.toString(port));
            for (Environment.Variable v : t.info.getHealthCheck().getCommand().getEnvironment().getVariablesList()) {
                env.put(v.getName(), v.getValue());
            }
        }, () -> !destroyed && running, () -> killedByHealth = true)).start();
    }

    private int hostPortOf(int port) {
        for (DockerInfo.PortMapping m : t.info.getContainer().getDocker().getPortMappingsList()) {
            if (m.getContainerPort() == port) {
                return m.getHostPort();
            }
        }
        return port;
    }

    // ------------------------------------------------------------------ any thread

    private void remember(Process p) {
        p.descendants().forEach(tree::add);
    }

    /**
     * Every process that carries this container's {@code MESOS_CONTAINER_NAME} in the environment it started
     * with: the container's processes, including children whose parent died, which the process tree no longer
     * leads to (Linux, where {@code /proc/<pid>/environ} tells; a process of another user cannot be read and is no
     * process of ours).
     */
    private void rememberStrays() {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return;
        }
        String marker = "\0" + CONTAINER_NAME + "=mesos-" + t.containerId + "\0";
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path dir : pids) {
                try {
                    String env = "\0" + new String(Files.readAllBytes(dir.resolve("environ")),
                        StandardCharsets.ISO_8859_1);
                    if (env.contains(marker)) {
                        ProcessHandle.of(Long.parseLong(dir.getFileName().toString())).ifPresent(tree::add);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile, or not ours to read
                }
            }
        } catch (IOException e) {
            LOG.debug("Cannot list /proc: {}", e.toString());
        }
    }

    /** SIGTERM ({@code force}: SIGKILL) to the process and every process seen in its tree or its container. */
    void killTree(boolean force) {
        Process p = process;
        if (p == null) {
            return;
        }
        remember(p);
        rememberStrays();
        for (ProcessHandle h : tree) {
            if (force) {
                h.destroyForcibly();
            } else {
                h.destroy();
            }
        }
        if (force) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
    }

    void awaitExit(long nanos) {
        Process p = process;
        if (p == null || nanos <= 0) {
            return;
        }
        try {
            p.waitFor(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
