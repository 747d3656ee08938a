package io.mesowhisk.mesos.emulator;

import io.mesowhisk.mesos.emulator.internal.Config;
import io.mesowhisk.mesos.emulator.internal.HttpFront;
import io.mesowhisk.mesos.emulator.internal.Master;
import io.mesowhisk.mesos.emulator.internal.RuntimeImages;
import io.mesowhisk.mesos.emulator.internal.StartFailure;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An Apache Mesos cluster in this JVM: one or more masters serving the v1 scheduler HTTP API (one leader, the others
 * redirecting), agents with resources and attributes, command tasks run as real processes, docker tasks simulated
 * (or run as local processes for runtime images, {@link Builder#runtime}), and fault injection for tests. Built with {@link #builder()}; every port is random unless set.
 *
 * <p>Threading: all methods are thread-safe; the cluster state lives on one internal thread and each method waits
 * for it (up to 30 s). Failure modes: methods throw {@link IllegalArgumentException} for unknown ids or indexes and
 * {@link IllegalStateException} after {@link #close()}.
 */
public final class MesosEmulator implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MesosEmulator.class);

    private final Config config;
    private final ScheduledExecutorService loop;
    private final Master master;
    private final Server server;
    private final int[] masterPorts;
    private final Path ownedWorkDir;

    private MesosEmulator(Config config, Path ownedWorkDir) throws Exception {
        this.config = config;
        this.ownedWorkDir = ownedWorkDir;
        java.util.concurrent.ScheduledThreadPoolExecutor executor = new java.util.concurrent.ScheduledThreadPoolExecutor(
            1, r -> {
                Thread t = new Thread(r, "mesos-emulator-master");
                t.setDaemon(true);
                return t;
            });
        // every acknowledged update cancels its retry timer: drop cancelled timers at once, not when they are due
        executor.setRemoveOnCancelPolicy(true);
        this.loop = executor;
        // each agent endpoint has its own connector, whose selector holds a pool thread
        int agentEndpoints = config.agentHttp() ? config.agents().size() : 0;
        QueuedThreadPool pool = new QueuedThreadPool(200 + 2 * agentEndpoints, 4);
        pool.setName("mesos-emulator-http");
        pool.setDaemon(true);
        this.server = new Server(pool);
        List<ServerConnector> masterConnectors = new ArrayList<>();
        for (int i = 0; i < config.masters(); i++) {
            ServerConnector c = new ServerConnector(server, 1, 1);
            c.setHost(config.host());
            c.setPort(i == 0 ? config.port() : 0);
            c.setIdleTimeout(TimeUnit.HOURS.toMillis(1));
            server.addConnector(c);
            masterConnectors.add(c);
        }
        List<ServerConnector> agentConnectors = new ArrayList<>();
        if (config.agentHttp()) {
            for (int i = 0; i < config.agents().size(); i++) {
                ServerConnector c = new ServerConnector(server, 0, 1);
                c.setHost(config.host());
                c.setPort(0);
                server.addConnector(c);
                agentConnectors.add(c);
            }
        }
        Map<Integer, Integer> masterIndexByPort = new ConcurrentHashMap<>();
        this.masterPorts = new int[config.masters()];
        this.master = new Master(config, loop, masterPorts);
        Map<Integer, Integer> agentByPort = new ConcurrentHashMap<>();
        HttpFront front = new HttpFront(master, masterIndexByPort, agentByPort, pool);
        server.setHandler(front);
        try {
            // bound before the server starts, so that a port in use is our error message, not Jetty's logged trace
            for (ServerConnector c : masterConnectors) {
                open(c);
            }
            for (ServerConnector c : agentConnectors) {
                open(c);
            }
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // the original failure is the one to report
            }
            loop.shutdownNow();
            master.shutdownRunner();
            throw e;
        }
        for (int i = 0; i < masterConnectors.size(); i++) {
            masterPorts[i] = masterConnectors.get(i).getLocalPort();
            masterIndexByPort.put(masterPorts[i], i);
        }
        master.run(master::start);
        warnIfOpen();
        for (int i = 0; i < agentConnectors.size(); i++) {
            int port = agentConnectors.get(i).getLocalPort();
            int index = i;
            master.run(() -> master.setAgentHttpPort(index, port));
            agentByPort.put(port, index);
        }
    }

    private void open(ServerConnector c) {
        try {
            c.open();
        } catch (IOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            if (c.getPort() != 0 && reason.contains("in use")) {
                throw new StartFailure("port", config.host() + ":" + c.getPort() + " is already in use", e);
            }
            throw new StartFailure("host", "cannot listen on " + config.host() + ": " + reason, e);
        }
    }

    /**
     * Command tasks are real processes: an emulator that others can reach and that asks for no credentials lets
     * every one of them run commands on this machine.
     */
    private void warnIfOpen() {
        if (!config.credentials().isEmpty()) {
            return;
        }
        try {
            java.net.InetAddress address = java.net.InetAddress.getByName(config.host());
            if (address.isLoopbackAddress()) {
                return;
            }
        } catch (java.net.UnknownHostException e) {
            // bound already, so it resolved; warn anyway
        }
        LOG.warn("The Mesos emulator listens on {} (port {}), which is not a loopback address, and asks for no"
            + " credentials: every client that can reach it can run any command on this machine as user {}."
            + " Require credentials with --credential <principal>:<secret> (MesosEmulator.Builder.credential), or"
            + " listen on 127.0.0.1.", config.host(), masterPorts[0], System.getProperty("user.name"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Base URL of the leading master (of the first master when none leads), e.g. {@code http://127.0.0.1:41234}. */
    public URI leaderUri() {
        int leader = master.call(() -> master.leaderIndex());
        return masterUri(Math.max(0, leader));
    }

    /** Base URL of master {@code index}. */
    public URI masterUri(int index) {
        Objects.checkIndex(index, masterPorts.length);
        return URI.create("http://" + hostForUri() + ":" + masterPorts[index]);
    }

    /** Base URLs of all masters, leader or not. */
    public List<URI> masterUris() {
        List<URI> uris = new ArrayList<>();
        for (int i = 0; i < masterPorts.length; i++) {
            uris.add(masterUri(i));
        }
        return uris;
    }

    /** Base URL of agent {@code index}'s HTTP endpoint ({@code /state}, {@code /files}). */
    public URI agentUri(int index) {
        int port = master.call(() -> master.agentHttpPort(index));
        if (port == 0) {
            throw new IllegalStateException("Agent HTTP endpoints are disabled (Builder.agentHttp(false))");
        }
        return URI.create("http://" + hostForUri() + ":" + port);
    }

    /** The id of agent {@code index}, as offers carry it. */
    public String agentId(int index) {
        return master.call(() -> master.agentId(index));
    }

    public int agentCount() {
        return master.call(() -> master.agentCount());
    }

    /** The current master id (changes on {@link #restartMaster()} and {@link #switchLeader(int)}). */
    public String masterId() {
        return master.call(master::masterId);
    }

    /** The work directory holding agents' sandboxes. */
    public Path workDir() {
        return config.workDir();
    }

    /**
     * The runtime images in effect, first match first, each as {@code PATTERN=COMMAND (source)}; empty when every
     * docker task is simulated.
     */
    public List<String> runtimeImages() {
        return config.runtimeImages().entries().stream().map(e -> e.text() + " (" + e.source() + ")").toList();
    }

    /** The read-only state as the master's {@code /state} shows it (frameworks, agents, tasks, offers) as JSON. */
    public String stateJson() {
        return master.call(master::stateJson);
    }

    /** Number of tasks launched so far. */
    public long launchedTasks() {
        return master.call(() -> master.launchCount());
    }

    /** Number of UPDATE events sent to frameworks so far. */
    public long statusUpdatesSent() {
        return master.call(master::updatesSent);
    }

    // ------------------------------------------------------------------ fault injection

    /** Makes master {@code index} the leader ({@code -1}: no leader, all masters answer 503); streams close. */
    public void switchLeader(int index) {
        if (index < -1 || index >= masterPorts.length) {
            throw new IllegalArgumentException("No master with index " + index + " (there are " + masterPorts.length
                + "; -1 means no leader)");
        }
        master.run(() -> master.failover(index));
    }

    /** Restarts the leading master: streams break, offers vanish, tasks survive (agents reregister). */
    public void restartMaster() {
        restartMaster(Duration.ZERO);
    }

    /**
     * Restarts the leading master, which then answers {@code 503 Master has not finished recovery} for
     * {@code recovery} before it serves the scheduler API again.
     */
    public void restartMaster(Duration recovery) {
        if (recovery.isNegative()) {
            throw new IllegalArgumentException("recovery must not be negative: " + recovery);
        }
        master.run(() -> master.failover(Math.max(0, master.leaderIndex()), recovery.toNanos()));
    }

    /** Runs an allocation now instead of waiting for the next interval. */
    public void allocateNow() {
        master.run(master::allocate);
    }

    /** Cuts framework {@code frameworkId}'s event stream in the middle of a record. */
    public void cutStream(String frameworkId) {
        master.run(() -> master.cutStream(frameworkId));
    }

    /** Writes {@code bytes} into framework {@code frameworkId}'s event stream as they are. */
    public void injectBytes(String frameworkId, byte[] bytes) {
        master.run(() -> master.injectBytes(frameworkId, bytes));
    }

    /** Stops ({@code true}) or resumes heartbeats on framework {@code frameworkId}'s current stream. */
    public void stopHeartbeats(String frameworkId, boolean stopped) {
        master.run(() -> master.stopHeartbeats(frameworkId, stopped));
    }

    /** Agent {@code index} becomes unreachable: TASK_UNREACHABLE (or TASK_LOST) and FAILURE events. */
    public void partitionAgent(int index) {
        master.run(() -> master.partitionAgent(index));
    }

    /** An unreachable agent {@code index} comes back with its tasks. */
    public void healAgent(int index) {
        master.run(() -> master.healAgent(index));
    }

    /** Agent {@code index} is lost for good: its tasks are killed and reported gone (or lost). */
    public void loseAgent(int index) {
        master.run(() -> master.removeAgent(index));
    }

    /** Adds an agent at run time (without an HTTP endpoint); returns its index. */
    public int addAgent(AgentSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return master.call(() -> master.addAgentIndex(spec));
    }

    /** Rescinds every outstanding offer (RESCIND events). */
    public void rescindOffers() {
        master.run(master::rescindAll);
    }

    /** The next launched task fails as given instead of running. */
    public void failNextLaunch(LaunchFailure failure) {
        Objects.requireNonNull(failure, "failure");
        master.run(() -> master.setNextLaunchFailure(failure));
    }

    /** Agent-sourced status updates are forwarded {@code delay} late ({@link Duration#ZERO} to stop). */
    public void delayUpdates(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        master.run(() -> master.setUpdateDelay(delay.toNanos()));
    }

    /** Holds back agent-sourced status updates (they are still produced and retried) until released. */
    public void holdUpdates() {
        master.run(master::holdUpdates);
    }

    /** Sends the held updates, in reverse order when {@code reversed}, and stops holding. */
    public void releaseUpdates(boolean reversed) {
        master.run(() -> master.releaseUpdates(reversed));
    }

    @Override
    public void close() {
        try {
            master.run(master::stop);
        } catch (RuntimeException e) {
            // the loop may already be gone
        }
        try {
            server.stop();
        } catch (Exception e) {
            // closing: nothing left to do with the failure
        }
        loop.shutdownNow();
        master.shutdownRunner();
        if (ownedWorkDir != null) {
            deleteQuietly(ownedWorkDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(Collections.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    private String hostForUri() {
        String h = config.host();
        return h.contains(":") ? "[" + h + "]" : h;
    }

    /** Most agents that may have their own HTTP endpoint ({@link Builder#agentHttp(boolean)}). */
    public static final int MAX_AGENT_ENDPOINTS = 256;

    /** Settings of an emulator; validated in {@link #start()}. Not thread-safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int masters = 1;
        private int port;
        private int agentCount = 1;
        private AgentSpec defaultAgent = AgentSpec.defaults();
        private final Map<Integer, AgentSpec> agentOverrides = new HashMap<>();
        private final List<AgentSpec> extraAgents = new ArrayList<>();
        private Duration heartbeat = Duration.ofSeconds(15);
        private Duration allocation = Duration.ofSeconds(1);
        private Duration offerTimeout;
        private Duration retry = Duration.ofSeconds(10);
        private Duration dockerStartDelay = Duration.ZERO;
        private Path workDir;
        private Duration sandboxGcDelay;
        private boolean agentHttp = true;
        private final Map<String, String> credentials = new LinkedHashMap<>();
        private final List<RuntimeImages.Entry> runtimes = new ArrayList<>();
        private boolean defaultRuntimes;

        private Builder() {
        }

        /** Address all endpoints bind to and report (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port of the first master (default 0 = random; other masters always get random ports). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Number of masters (default 1); master 0 leads at start. */
        public Builder masters(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("masters must be at least 1, got " + n);
            }
            this.masters = n;
            return this;
        }

        /** Number of agents built from the default agent spec (default 1). */
        public Builder agents(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("agents must not be negative, got " + n);
            }
            this.agentCount = n;
            return this;
        }

        /** The spec of agents without an override (default {@link AgentSpec#defaults()}). */
        public Builder defaultAgent(AgentSpec spec) {
            this.defaultAgent = Objects.requireNonNull(spec, "spec");
            return this;
        }

        /** Agent {@code index} (0-based, below {@link #agents}) uses {@code spec}. */
        public Builder agent(int index, AgentSpec spec) {
            agentOverrides.put(index, Objects.requireNonNull(spec, "spec"));
            return this;
        }

        /** Adds one more agent with {@code spec} after the counted ones. */
        public Builder addAgent(AgentSpec spec) {
            extraAgents.add(Objects.requireNonNull(spec, "spec"));
            return this;
        }

        /** Heartbeat interval (Mesos: 15 s, fixed; settable here down to milliseconds for tests). */
        public Builder heartbeatInterval(Duration d) {
            this.heartbeat = positive(d, "heartbeatInterval");
            return this;
        }

        /** Batch allocation interval (default 1 s, as {@code --allocation_interval}). */
        public Builder allocationInterval(Duration d) {
            this.allocation = positive(d, "allocationInterval");
            return this;
        }

        /** Offers are rescinded after this long ({@code null} = never, the default, as {@code --offer_timeout}). */
        public Builder offerTimeout(Duration d) {
            this.offerTimeout = d == null ? null : positive(d, "offerTimeout");
            return this;
        }

        /** First retry of an unacknowledged status update (default 10 s, doubling up to 10 min). */
        public Builder statusUpdateRetryInterval(Duration d) {
            this.retry = positive(d, "statusUpdateRetryInterval");
            return this;
        }

        /** Time a simulated docker container takes to start (default 0). */
        public Builder dockerStartDelay(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("dockerStartDelay must not be negative: " + d);
            }
            this.dockerStartDelay = d;
            return this;
        }

        /** Agents' work directory (default: a fresh temporary directory deleted on close). */
        /**
         * Deletes a task's sandbox this long after the master forgets the task (its terminal update acknowledged, or
         * its framework or agent removed), as an agent's {@code --gc_delay} does (Mesos's default is one week). Not
         * set: sandboxes are kept until {@link #close()}. Zero deletes them at once.
         */
        public Builder sandboxGcDelay(Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("sandboxGcDelay must be zero or positive: " + d);
            }
            this.sandboxGcDelay = d;
            return this;
        }

        public Builder workDir(Path dir) {
            this.workDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Whether each agent gets an HTTP port for /state and /files (default true, at most
         * {@link #MAX_AGENT_ENDPOINTS} agents). Without it, offers carry port 0 in their agent URL.
         */
        public Builder agentHttp(boolean enabled) {
            this.agentHttp = enabled;
            return this;
        }

        /** Enables HTTP framework authentication (Basic) with this principal and secret. */
        public Builder credential(String principal, String secret) {
            if (principal == null || principal.isEmpty() || principal.contains(":")) {
                throw new IllegalArgumentException("principal must be non-empty without ':', got '" + principal + "'");
            }
            credentials.put(principal, Objects.requireNonNull(secret, "secret"));
            return this;
        }

        /**
         * Docker tasks whose image matches {@code pattern} run {@code command} as a real local process instead of
         * being simulated (a "runtime image"). {@code pattern} is a glob ({@code *}, {@code ?}) matched against the
         * image name with and without registry, tag and digest, e.g. {@code openwhisk/action-nodejs-v*}.
         * {@code command} is split on white space (quotes group, backslash escapes), run without a shell in the
         * task's sandbox with the task's environment plus {@code PORT}, stdout and stderr appended to the sandbox
         * files; placeholders: {@code {port}} (the host port of container port 8080), {@code {host}} (the
         * emulator's address), {@code {sandbox}}, {@code {image}}, {@code {task-id}}, {@code {nodejs-proxy}} (the
         * bundled OpenWhisk Node.js action proxy). An empty command keeps matching images simulated. Entries are
         * tried in the order given, before the {@linkplain #defaultRuntimes() defaults}; the first match wins.
         *
         * @throws IllegalArgumentException for a bad pattern, quoting or placeholder
         */
        public Builder runtime(String pattern, String command) {
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(command, "command");
            runtimes.add(RuntimeImages.parse(pattern + "=" + command, "MesosEmulator.Builder.runtime"));
            return this;
        }

        /**
         * Adds {@code PATTERN=COMMAND} entries as {@link #runtime(String, String)} does; {@code source} says where
         * they come from in error messages (e.g. {@code --runtime}).
         */
        public Builder runtimes(List<String> entries, String source) {
            for (String e : entries) {
                runtimes.add(RuntimeImages.parse(e, source));
            }
            return this;
        }

        /**
         * Adds the entries of the system property {@code whisk.mesos.local.runtimes} (or {@code .0}, {@code .1}, …)
         * or, when none is set, of the environment variable {@code CONFIG_whisk_mesos_local_runtimes} (or
         * {@code _0}, {@code _1}, …), the names an OpenWhisk invoker passes settings by.
         *
         * @throws IllegalArgumentException naming the bad property or variable
         */
        public Builder runtimesFromSystem() {
            runtimes.addAll(RuntimeImages.fromSystem(System.getProperties(), System.getenv()));
            return this;
        }

        /**
         * Also uses the default runtime images, after any other entries: OpenWhisk's Node.js images
         * ({@code openwhisk/action-nodejs-v*}, {@code openwhisk/nodejs*action}) run the bundled action proxy with
         * the {@code node} found on the PATH (Node.js 18 or later). Off unless called: without runtime images every
         * docker task is simulated.
         */
        public Builder defaultRuntimes() {
            this.defaultRuntimes = true;
            return this;
        }

        /** Creates {@code dir} if needed; a work directory must be a directory the agents can write to. */
        private static void usableWorkDir(Path dir) {
            try {
                Files.createDirectories(dir);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new StartFailure("workDir", dir + " exists and is not a directory", e);
            } catch (IOException e) {
                throw new StartFailure("workDir", "cannot create " + dir + ": " + e, e);
            }
            if (!Files.isWritable(dir)) {
                throw new StartFailure("workDir", dir + " is not writable", null);
            }
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }

        public MesosEmulator start() {
            if (agentHttp && agentCount + extraAgents.size() > MAX_AGENT_ENDPOINTS) {
                throw new IllegalArgumentException("agentHttp needs a port and a selector thread per agent; with more"
                    + " than " + MAX_AGENT_ENDPOINTS + " agents (got " + (agentCount + extraAgents.size())
                    + ") call agentHttp(false)");
            }
            for (int index : agentOverrides.keySet()) {
                if (index < 0 || index >= agentCount) {
                    throw new IllegalArgumentException("agent(" + index + ", ...) is outside agents(" + agentCount
                        + ")");
                }
            }
            List<AgentSpec> agents = new ArrayList<>();
            for (int i = 0; i < agentCount; i++) {
                agents.add(agentOverrides.getOrDefault(i, defaultAgent));
            }
            agents.addAll(extraAgents);
            try {
                java.net.InetAddress.getByName(host);
            } catch (java.net.UnknownHostException e) {
                throw new StartFailure("host", "'" + host + "' is not a known host name or address", e);
            }
            Path dir = workDir;
            Path owned = null;
            try {
                if (dir == null) {
                    dir = Files.createTempDirectory("mesos-emulator-");
                    owned = dir;
                } else {
                    usableWorkDir(dir);
                }
                List<RuntimeImages.Entry> images = new ArrayList<>(runtimes);
                if (defaultRuntimes) {
                    images.addAll(RuntimeImages.defaults());
                }
                Config config = new Config(host, masters, port, List.copyOf(agents), heartbeat, allocation,
                    offerTimeout, retry, dockerStartDelay, dir.toAbsolutePath(), agentHttp, Map.copyOf(credentials),
                    sandboxGcDelay, RuntimeImages.of(images));
                return new MesosEmulator(config, owned);
            } catch (RuntimeException e) {
                deleteQuietly(owned);
                throw e;
            } catch (Exception e) {
                deleteQuietly(owned);
                throw new IllegalStateException("Mesos emulator failed to start on " + host + ":" + port + ": " + e, e);
            }
        }
    }
}
