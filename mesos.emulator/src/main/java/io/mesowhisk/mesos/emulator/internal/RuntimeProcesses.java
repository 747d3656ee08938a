package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.ContainerInfo.DockerInfo;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Reason;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Source;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the processes of runtime images (see {@link RuntimeImages}) for simulated docker tasks and keeps track of
 * them, so that none outlives the emulator. One per emulator; {@link #start} runs on the master loop, the fork and
 * the wait for the port on a thread of its own.
 */
final class RuntimeProcesses {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeProcesses.class);

    /** The container port OpenWhisk's action proxies listen on. */
    static final int ACTION_PORT = 8080;
    /** How long a started process may take to accept connections before the task is reported RUNNING anyway. */
    static final long READY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long {@link #close()} lets processes end on SIGTERM before it kills them. */
    static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(3);

    static final String PROXY_RESOURCE = "/io/mesowhisk/mesos/emulator/runtime/nodejs/proxy.js";

    final Master master;
    final TaskRunner runner;
    private final Set<RuntimeProcess> live = ConcurrentHashMap.newKeySet();
    final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mesos-emulator-runtime");
        t.setDaemon(true);
        return t;
    });
    private final Thread shutdownHook = new Thread(this::killAll, "mesos-emulator-runtime-reaper");
    private boolean hookAdded;
    private Path proxy;
    /** Set first thing in {@link #close()}: a process that starts after it is killed at once. */
    volatile boolean closed;

    RuntimeProcesses(Master master, TaskRunner runner) {
        this.master = master;
        this.runner = runner;
        checkPrograms(master.config.runtimeImages());
    }

    /** Warns at startup about commands whose program cannot be found, naming the entry and its source. */
    static void checkPrograms(RuntimeImages images) {
        for (RuntimeImages.Entry e : images.entries()) {
            String missing = RuntimeImages.missingProgram(e, System.getenv("PATH"));
            if (missing != null) {
                LOG.warn("Runtime image entry {}: {}; docker tasks with matching images will fail to start."
                    + " Install it or change the entry ({})", e, missing, RuntimeImages.HOW_TO_SET);
            }
        }
    }

    /**
     * On the master loop, after the docker executor's TASK_STARTING and run-option checks: runs {@code entry}'s
     * command for {@code t} and makes it the task's runtime. The task becomes RUNNING (through
     * {@link TaskRunner#dockerRunning}) once the process accepts connections on its host port, or after
     * {@link #READY_TIMEOUT_NANOS}; it fails at once, naming the image and the entry, when it cannot start.
     */
    void start(Task t, RuntimeImages.Entry entry) {
        String image = t.info.getContainer().getDocker().getImage();
        Integer port = hostPort(t);
        if (port == null) {
            failToStart(t, "the emulator runs image '" + image + "' as a local process (runtime image entry " + entry
                + ") and needs a host port for its container port " + ACTION_PORT + ": map it with a DockerInfo"
                + " port mapping, or give the task a ports resource");
            return;
        }
        Map<String, String> values = new HashMap<>();
        values.put("port", Integer.toString(port));
        values.put("host", master.config.host());
        values.put("sandbox", t.sandbox.toString());
        values.put("image", image);
        values.put("task-id", t.id());
        Map<String, String> env = new HashMap<>();
        env.put("MESOS_SANDBOX", t.sandbox.toString());
        env.put("MESOS_TASK_ID", t.id());
        for (Protos.Environment.Variable v : t.info.getCommand().getEnvironment().getVariablesList()) {
            env.put(v.getName(), v.getValue());
        }
        env.put("PORT", Integer.toString(port));
        // last: it marks every process of the container, so that none escapes the kill (RuntimeProcess)
        env.put(RuntimeProcess.CONTAINER_NAME, "mesos-" + t.containerId);
        RuntimeProcess p = new RuntimeProcess(this, t, entry, image, port);
        t.runtime = p;
        live.add(p);
        addShutdownHook();
        threads.execute(() -> {
            if (!portFree(master.config.host(), port)) {
                p.portInUse();
                return;
            }
            try {
                if (entry.usesNodejsProxy()) {
                    values.put("nodejs-proxy", nodejsProxy().toString());
                }
                List<String> argv = entry.argv(values);
                ProcessBuilder pb = new ProcessBuilder(argv).directory(t.sandbox.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(t.sandbox.resolve("stdout").toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(t.sandbox.resolve("stderr").toFile()));
                // stdin stays a pipe held by this JVM: the bundled proxy ends when it reads end-of-file, which
                // happens even when the JVM dies without closing the emulator
                pb.environment().putAll(env);
                LOG.debug("Task {}: running {} for image {}", t.id(), argv, image);
                p.started(pb.start());
            } catch (IOException | RuntimeException e) {
                p.startFailed(e);
            }
        });
    }

    /** The host port that the container's port 8080 maps to (else the first mapping's, else the first task port). */
    private static Integer hostPort(Task t) {
        DockerInfo d = t.info.getContainer().getDocker();
        for (DockerInfo.PortMapping m : d.getPortMappingsList()) {
            if (m.getContainerPort() == ACTION_PORT) {
                return m.getHostPort();
            }
        }
        if (d.getPortMappingsCount() > 0) {
            return d.getPortMappings(0).getHostPort();
        }
        for (Protos.Resource r : t.info.getResourcesList()) {
            if (r.getName().equals("ports") && r.hasRanges() && r.getRanges().getRangeCount() > 0) {
                return (int) r.getRanges().getRange(0).getBegin();
            }
        }
        return null;
    }

    /**
     * Whether nothing listens on {@code host:port}. Docker binds a container's host ports when it starts the
     * container and fails {@code docker run} (exit status 125) when one is taken; here the process would bind it
     * itself and might only fail after a client reached whoever holds the port.
     */
    private static boolean portFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** On the master loop: the process could not run; the task fails as a docker run failure does. */
    void failToStart(Task t, String why) {
        if (Model.isTerminal(t.agentState)) {
            return;
        }
        String image = t.info.getContainer().getDocker().getImage();
        LOG.error("Task {} (image {}): {}", t.id(), image, why);
        master.updates.agentUpdate(t, TaskState.TASK_FAILED, Source.SOURCE_EXECUTOR, Reason.REASON_CONTAINER_LAUNCH_FAILED,
            "Failed to launch container: " + why, null);
        t.runtime = null;
    }

    void ended(RuntimeProcess p) {
        live.remove(p);
    }

    /** The bundled Node.js proxy, written into the work directory when first needed. */
    private synchronized Path nodejsProxy() throws IOException {
        if (proxy != null) {
            return proxy;
        }
        byte[] content;
        try (InputStream in = RuntimeProcesses.class.getResourceAsStream(PROXY_RESOURCE)) {
            if (in == null) {
                throw new IOException("the bundled Node.js proxy " + PROXY_RESOURCE + " is missing from the"
                    + " emulator's jar");
            }
            content = in.readAllBytes();
        }
        Path dir = master.workDir().resolve("runtimes").resolve("nodejs");
        Files.createDirectories(dir);
        Path file = dir.resolve("proxy.js");
        if (!Files.isRegularFile(file) || !Arrays.equals(Files.readAllBytes(file), content)) {
            // another emulator may share the work directory: write aside, then move into place
            Path tmp = Files.createTempFile(dir, "proxy", ".tmp");
            try {
                Files.write(tmp, content);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        proxy = file;
        return file;
    }

    private synchronized void addShutdownHook() {
        if (!hookAdded) {
            try {
                Runtime.getRuntime().addShutdownHook(shutdownHook);
                hookAdded = true;
            } catch (IllegalStateException e) {
                // the JVM is shutting down already: close() or the hook of another emulator ends the processes
            }
        }
    }

    /** The JVM is exiting without {@link #close()}: no process may outlive it. */
    private void killAll() {
        closed = true; // the processes' ends are no news: the emulator goes with the JVM
        for (RuntimeProcess p : live) {
            p.killTree(true);
        }
    }

    /**
     * Stops every process left (the emulator is closing; the master loop is gone): SIGTERM to each process tree,
     * SIGKILL to what is left after {@link #CLOSE_GRACE_NANOS}, then waits, bounded, until they are gone.
     */
    void close() {
        closed = true;
        threads.shutdownNow();
        for (RuntimeProcess p : live) {
            p.killTree(false);
        }
        long deadline = System.nanoTime() + CLOSE_GRACE_NANOS;
        for (RuntimeProcess p : live) {
            p.awaitExit(deadline - System.nanoTime());
        }
        for (RuntimeProcess p : live) {
            p.killTree(true);
            p.awaitExit(TimeUnit.SECONDS.toNanos(5));
        }
        live.clear();
        synchronized (this) {
            if (hookAdded) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook runs anyway and finds nothing left
                }
                hookAdded = false;
            }
        }
    }
}
