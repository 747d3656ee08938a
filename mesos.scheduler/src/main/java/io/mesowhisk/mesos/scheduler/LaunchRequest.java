package io.mesowhisk.mesos.scheduler;

import io.mesowhisk.mesos.constraints.ConstraintSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What to launch: a docker container (with port mappings, network, parameters) or a shell command, its resources,
 * environment, labels, health check, placement constraints and kill grace. Immutable; build with
 * {@link #builder(String)}, which validates every field at once and names the one that is wrong.
 *
 * <p><b>Ports.</b> Each entry of {@link #containerPorts()} gets one host port from the offer. With a docker image on
 * a BRIDGE or USER network the container port is mapped to that host port; on the HOST network (and for shell
 * commands) the container sees its host ports as {@code PORT0}, {@code PORT1}, ... environment variables (and
 * {@code PORT} for the first), and the container port numbers only count how many are needed.
 *
 * <p><b>Task ids</b> are valid for Mesos (non-empty, at most 255 characters, not {@code .} or {@code ..}, no
 * {@code /}, {@code \}, white space or control characters). Without an explicit id, one is generated from the name
 * and a unique suffix; generated ids are unique within the process.
 */
public final class LaunchRequest {

    /** The container's network. */
    public enum Network {
        /** Docker bridge network: container ports are mapped to host ports. Needs a docker image. */
        BRIDGE,
        /** The host's network: the task listens on its host ports. */
        HOST,
        /** A named user network (CNI or docker user-defined); container ports are mapped to host ports. */
        USER
    }

    private static final AtomicLong SEQUENCE = new AtomicLong(ThreadLocalRandom.current().nextInt(1 << 20));
    private static final String RUN = Long.toString(System.currentTimeMillis() / 1000 % 1_000_000_000L, 36);

    private final String taskId;
    private final String name;
    private final String image;
    private final boolean forcePull;
    private final String command;
    private final double cpus;
    private final double memMb;
    private final double diskMb;
    private final List<Integer> containerPorts;
    private final Network network;
    private final String networkName;
    private final List<Map.Entry<String, String>> dockerParameters;
    private final Map<String, String> environment;
    private final Map<String, String> labels;
    private final HealthCheck healthCheck;
    private final ConstraintSet constraints;
    private final String group;
    private final Duration killGrace;
    private final Duration launchTimeout;

    private LaunchRequest(Builder b, String taskId, Network network) {
        this.taskId = taskId;
        this.name = b.name;
        this.image = b.image;
        this.forcePull = b.forcePull;
        this.command = b.command;
        this.cpus = b.cpus;
        this.memMb = b.memMb;
        this.diskMb = b.diskMb;
        this.containerPorts = List.copyOf(b.containerPorts);
        this.network = network;
        this.networkName = b.networkName;
        this.dockerParameters = List.copyOf(b.dockerParameters);
        this.environment = ordered(b.environment);
        this.labels = ordered(b.labels);
        this.healthCheck = b.healthCheck;
        this.constraints = b.constraints;
        this.group = b.group == null ? b.name : b.group;
        this.killGrace = b.killGrace;
        this.launchTimeout = b.launchTimeout;
    }

    private static Map<String, String> ordered(Map<String, String> m) {
        // the shared empty map keeps a tracked task small; order matters otherwise
        return m.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /**
     * Starts a request for a task called {@code name} (shown in Mesos; also the default placement group).
     *
     * @throws IllegalArgumentException if the name is empty
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The task id (given, or generated when the request was built). */
    public String taskId() {
        return taskId;
    }

    /** The task's name. */
    public String name() {
        return name;
    }

    /** The docker image, if this is a docker task. */
    public Optional<String> image() {
        return Optional.ofNullable(image);
    }

    /** Whether the image is pulled even if present on the agent. */
    public boolean forcePull() {
        return forcePull;
    }

    /** The shell command ({@code sh -c}); with an image it replaces the image's command. */
    public Optional<String> command() {
        return Optional.ofNullable(command);
    }

    /** Cpus asked for. */
    public double cpus() {
        return cpus;
    }

    /** Memory asked for, MB. */
    public double memMb() {
        return memMb;
    }

    /** Disk asked for, MB (0: none). */
    public double diskMb() {
        return diskMb;
    }

    /** Container ports; each gets one host port, in this order. */
    public List<Integer> containerPorts() {
        return containerPorts;
    }

    /** The network. */
    public Network network() {
        return network;
    }

    /** The network's name (USER networks only). */
    public Optional<String> networkName() {
        return Optional.ofNullable(networkName);
    }

    /** Extra {@code docker run} parameters (key, value), in the given order; keys may repeat. */
    public List<Map.Entry<String, String>> dockerParameters() {
        return dockerParameters;
    }

    /** Environment variables, in the given order. */
    public Map<String, String> environment() {
        return environment;
    }

    /** Task labels, in the given order. */
    public Map<String, String> labels() {
        return labels;
    }

    /** The health check, if any: the launch then completes only once Mesos reports the task healthy. */
    public Optional<HealthCheck> healthCheck() {
        return Optional.ofNullable(healthCheck);
    }

    /** Placement constraints (compiled by a {@code ConstraintCompiler}). */
    public ConstraintSet constraints() {
        return constraints;
    }

    /** The placement group (what UNIQUE, GROUP_BY, MAX_PER count); the name unless set. */
    public String group() {
        return group;
    }

    /** The kill grace period (Mesos {@code kill_policy}); Mesos's default (3 s, docker: 5 s) when empty. */
    public Optional<Duration> killGrace() {
        return Optional.ofNullable(killGrace);
    }

    /** This request's launch timeout; {@link SchedulerSettings#launchTimeout()} when empty. */
    public Optional<Duration> launchTimeout() {
        return Optional.ofNullable(launchTimeout);
    }

    @Override
    public String toString() {
        return "task " + taskId + " (" + name + ", " + (image != null ? "image " + image : "command")
                + ", cpus " + cpus + ", mem " + memMb + " MB" + (diskMb > 0 ? ", disk " + diskMb + " MB" : "")
                + (containerPorts.isEmpty() ? "" : ", ports " + containerPorts)
                + (constraints.constraints().isEmpty() ? "" : ", constraints " + constraints) + ")";
    }

    /**
     * Checks a task id as the master does ({@code Task has invalid id} otherwise), and also refuses white space.
     *
     * @return the problem, or empty if valid
     */
    public static Optional<String> validateTaskId(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.of("it must not be empty");
        }
        if (id.length() > 255) {
            return Optional.of("it must be at most 255 characters, got " + id.length());
        }
        if (id.equals(".") || id.equals("..")) {
            return Optional.of("it must not be '.' or '..'");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '/' || c == '\\' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return Optional.of("it must not contain '/', '\\', white space or control characters (found "
                        + (Character.isISOControl(c) ? "U+" + Integer.toHexString(c) : "'" + c + "'")
                        + " at " + i + ")");
            }
        }
        return Optional.empty();
    }

    static String generateId(String name) {
        StringBuilder b = new StringBuilder(Math.min(name.length(), 64) + 24);
        for (int i = 0; i < name.length() && b.length() < 64; i++) {
            char c = name.charAt(i);
            b.append(Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.' ? c : '_');
        }
        return b.append('.').append(RUN).append('.').append(Long.toString(SEQUENCE.incrementAndGet(), 36))
                .toString();
    }

    /**
     * A Mesos health check (the fields of {@code HealthCheck}). Create with {@link #tcp(int)}, {@link #http(int,
     * String)} or {@link #command(String)}; the {@code with...} methods return copies. Defaults are Mesos's.
     *
     * @param type TCP, HTTP or COMMAND
     * @param portIndex for TCP and HTTP: index into {@link LaunchRequest#containerPorts()} of the port to check; the
     *     check is sent to the host port mapped to it (as the old mesos-actor did), -1 when unused
     * @param path HTTP path, starting with {@code /}
     * @param scheme HTTP scheme, {@code http} or {@code https}
     * @param command COMMAND: the shell command (exit 0 = healthy)
     * @param delay delay before the first check (Mesos default 15 s)
     * @param interval time between checks (10 s)
     * @param timeout time a check may take (20 s)
     * @param consecutiveFailures failures after which Mesos kills the task (3)
     * @param gracePeriod failures during this time after start do not count (10 s)
     */
    public record HealthCheck(Type type, int portIndex, String path, String scheme, String command,
            Duration delay, Duration interval, Duration timeout, int consecutiveFailures, Duration gracePeriod) {

        /** Mesos's health check types. */
        public enum Type { TCP, HTTP, COMMAND }

        /** Validates: names the field that is wrong. */
        public HealthCheck {
            Objects.requireNonNull(type, "health check type");
            for (Duration d : new Duration[] {delay, interval, timeout, gracePeriod}) {
                if (d == null || d.isNegative()) {
                    throw new IllegalArgumentException("health check durations must be set and >= 0, got delay "
                            + delay + ", interval " + interval + ", timeout " + timeout + ", grace period "
                            + gracePeriod);
                }
            }
            if (consecutiveFailures < 1) {
                throw new IllegalArgumentException("health check consecutiveFailures must be >= 1, got "
                        + consecutiveFailures);
            }
            switch (type) {
                case TCP, HTTP -> {
                    if (portIndex < 0) {
                        throw new IllegalArgumentException(type + " health check needs a port index >= 0, got "
                                + portIndex);
                    }
                    if (type == Type.HTTP) {
                        if (path == null || !path.startsWith("/")) {
                            throw new IllegalArgumentException("HTTP health check path must start with '/', got "
                                    + path);
                        }
                        if (!"http".equals(scheme) && !"https".equals(scheme)) {
                            throw new IllegalArgumentException("HTTP health check scheme must be http or https, got "
                                    + scheme);
                        }
                    }
                }
                case COMMAND -> {
                    if (command == null || command.isBlank()) {
                        throw new IllegalArgumentException("COMMAND health check needs a command");
                    }
                }
                default -> throw new IllegalArgumentException("unknown health check type " + type);
            }
        }

        /** TCP check of the host port mapped to container port number {@code portIndex}. */
        public static HealthCheck tcp(int portIndex) {
            return new HealthCheck(Type.TCP, portIndex, null, null, null, Duration.ofSeconds(15),
                    Duration.ofSeconds(10), Duration.ofSeconds(20), 3, Duration.ofSeconds(10));
        }

        /** HTTP GET of {@code path} on the host port mapped to container port number {@code portIndex}. */
        public static HealthCheck http(int portIndex, String path) {
            return new HealthCheck(Type.HTTP, portIndex, path, "http", null, Duration.ofSeconds(15),
                    Duration.ofSeconds(10), Duration.ofSeconds(20), 3, Duration.ofSeconds(10));
        }

        /** A shell command run in the task's container. */
        public static HealthCheck command(String command) {
            return new HealthCheck(Type.COMMAND, -1, null, null, command, Duration.ofSeconds(15),
                    Duration.ofSeconds(10), Duration.ofSeconds(20), 3, Duration.ofSeconds(10));
        }

        /** A copy with this scheme (HTTP). */
        public HealthCheck withScheme(String newScheme) {
            return new HealthCheck(type, portIndex, path, newScheme, command, delay, interval, timeout,
                    consecutiveFailures, gracePeriod);
        }

        /** A copy with these timings. */
        public HealthCheck withTiming(Duration newDelay, Duration newInterval, Duration newTimeout,
                int newConsecutiveFailures, Duration newGracePeriod) {
            return new HealthCheck(type, portIndex, path, scheme, command, newDelay, newInterval, newTimeout,
                    newConsecutiveFailures, newGracePeriod);
        }
    }

    /**
     * Builder; each setter checks its argument at once and {@link #build()} checks the whole, throwing
     * {@link IllegalArgumentException} that names the field. Not thread-safe.
     */
    public static final class Builder {
        private final String name;
        private String taskId;
        private String image;
        private boolean forcePull;
        private String command;
        private double cpus = -1;
        private double memMb = -1;
        private double diskMb;
        private final List<Integer> containerPorts = new ArrayList<>();
        private Network network;
        private String networkName;
        private final List<Map.Entry<String, String>> dockerParameters = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private HealthCheck healthCheck;
        private ConstraintSet constraints = ConstraintSet.NONE;
        private String group;
        private Duration killGrace;
        private Duration launchTimeout;

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("launch request: name must not be empty");
            }
            this.name = name;
        }

        private IllegalArgumentException bad(String what) {
            return new IllegalArgumentException("launch request '" + name + "': " + what);
        }

        /** An explicit task id (otherwise one is generated); must be valid for Mesos and unique. */
        public Builder taskId(String id) {
            validateTaskId(id).ifPresent(p -> {
                throw bad("taskId '" + id + "' is not a valid Mesos task id: " + p);
            });
            this.taskId = id;
            return this;
        }

        /** Run this docker image (Mesos docker containerizer). */
        public Builder docker(String dockerImage) {
            if (dockerImage == null || dockerImage.isBlank() || dockerImage.chars().anyMatch(Character::isWhitespace)) {
                throw bad("docker image must be a non-empty name without white space, got '" + dockerImage + "'");
            }
            this.image = dockerImage;
            return this;
        }

        /** Pull the image even if the agent has it. */
        public Builder forcePull(boolean force) {
            this.forcePull = force;
            return this;
        }

        /** Run this shell command ({@code sh -c}); with a docker image it replaces the image's command. */
        public Builder command(String shellCommand) {
            if (shellCommand == null || shellCommand.isBlank()) {
                throw bad("command must not be empty");
            }
            this.command = shellCommand;
            return this;
        }

        /** Cpus; required, {@code > 0}. */
        public Builder cpus(double value) {
            if (!(value > 0) || Double.isInfinite(value)) {
                throw bad("cpus must be a finite number > 0, got " + value);
            }
            this.cpus = value;
            return this;
        }

        /** Memory in MB; required, {@code > 0}. */
        public Builder memMb(double value) {
            if (!(value > 0) || Double.isInfinite(value)) {
                throw bad("memMb must be a finite number > 0, got " + value);
            }
            this.memMb = value;
            return this;
        }

        /** Disk in MB; {@code >= 0}, default 0 (none asked). */
        public Builder diskMb(double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw bad("diskMb must be a finite number >= 0, got " + value);
            }
            this.diskMb = value;
            return this;
        }

        /** Container ports, each 1..65535 and distinct; each gets one host port from the offer. */
        public Builder containerPorts(List<Integer> ports) {
            Set<Integer> seen = new HashSet<>();
            for (Integer p : Objects.requireNonNull(ports, "containerPorts")) {
                if (p == null || p < 1 || p > 65535) {
                    throw bad("container port must be 1..65535, got " + p);
                }
                if (!seen.add(p)) {
                    throw bad("container port " + p + " is listed twice");
                }
            }
            containerPorts.clear();
            containerPorts.addAll(ports);
            return this;
        }

        /** Container ports, see {@link #containerPorts(List)}. */
        public Builder containerPorts(Integer... ports) {
            return containerPorts(List.of(ports));
        }

        /** BRIDGE or HOST network (default: BRIDGE for docker images, HOST for commands). */
        public Builder network(Network value) {
            if (value == Network.USER) {
                throw bad("a USER network needs a name: use userNetwork(name)");
            }
            this.network = Objects.requireNonNull(value, "network");
            this.networkName = null;
            return this;
        }

        /** A named user network (Mesos {@code NetworkInfo.name}; for docker, a user-defined docker network). */
        public Builder userNetwork(String name) {
            if (name == null || name.isBlank()) {
                throw bad("user network name must not be empty");
            }
            this.network = Network.USER;
            this.networkName = name;
            return this;
        }

        /** Adds a {@code docker run} parameter ({@code --key=value}); order is kept, keys may repeat. */
        public Builder dockerParameter(String key, String value) {
            if (key == null || key.isBlank() || key.startsWith("-")) {
                throw bad("docker parameter key must be a non-empty option name without leading '-', got '" + key
                        + "'");
            }
            if (key.equals("name")) {
                throw bad("docker parameter 'name' is not allowed (Mesos names the container itself)");
            }
            dockerParameters.add(Map.entry(key, Objects.requireNonNull(value, "docker parameter value")));
            return this;
        }

        /** Adds {@code docker run} parameters, in order. */
        public Builder dockerParameters(List<Map.Entry<String, String>> parameters) {
            for (Map.Entry<String, String> e : parameters) {
                dockerParameter(e.getKey(), e.getValue());
            }
            return this;
        }

        /** Sets an environment variable. */
        public Builder env(String key, String value) {
            if (key == null || key.isEmpty() || key.contains("=")) {
                throw bad("environment variable name must be non-empty without '=', got '" + key + "'");
            }
            environment.put(key, Objects.requireNonNull(value, "environment value of " + key));
            return this;
        }

        /** Sets environment variables, in the map's order. */
        public Builder env(Map<String, String> variables) {
            variables.forEach(this::env);
            return this;
        }

        /** Sets a task label. */
        public Builder label(String key, String value) {
            if (key == null || key.isEmpty()) {
                throw bad("label key must not be empty");
            }
            labels.put(key, Objects.requireNonNull(value, "label value of " + key));
            return this;
        }

        /** Sets task labels, in the map's order. */
        public Builder labels(Map<String, String> values) {
            values.forEach(this::label);
            return this;
        }

        /** A health check; the launch completes once Mesos reports the task healthy. */
        public Builder healthCheck(HealthCheck check) {
            this.healthCheck = Objects.requireNonNull(check, "healthCheck");
            return this;
        }

        /** Placement constraints; default none. */
        public Builder constraints(ConstraintSet set) {
            this.constraints = Objects.requireNonNull(set, "constraints");
            return this;
        }

        /** Placement group (what UNIQUE, GROUP_BY, MAX_PER count); default: the name. */
        public Builder group(String value) {
            this.group = Objects.requireNonNull(value, "group");
            return this;
        }

        /** Kill grace period (SIGTERM to SIGKILL); {@code >= 0}. */
        public Builder killGrace(Duration grace) {
            if (grace == null || grace.isNegative()) {
                throw bad("killGrace must be >= 0, got " + grace);
            }
            this.killGrace = grace;
            return this;
        }

        /** Time to a running (and healthy) task; {@code > 0}; default {@link SchedulerSettings#launchTimeout()}. */
        public Builder launchTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw bad("launchTimeout must be > 0, got " + timeout);
            }
            this.launchTimeout = timeout;
            return this;
        }

        /**
         * Checks the whole request and builds it; generates the task id if none was given.
         *
         * @throws IllegalArgumentException naming the field that is missing or inconsistent
         */
        public LaunchRequest build() {
            if (image == null && command == null) {
                throw bad("needs a docker image or a command");
            }
            if (cpus < 0) {
                throw bad("cpus must be set");
            }
            if (memMb < 0) {
                throw bad("memMb must be set");
            }
            Network net = network != null ? network : image != null ? Network.BRIDGE : Network.HOST;
            if (image == null && net == Network.BRIDGE) {
                throw bad("BRIDGE network needs a docker image (a command task runs on the HOST or a USER network)");
            }
            if (image == null && (forcePull || !dockerParameters.isEmpty())) {
                throw bad("forcePull and docker parameters need a docker image");
            }
            if (healthCheck != null && healthCheck.portIndex() >= containerPorts.size()
                    && healthCheck.type() != HealthCheck.Type.COMMAND) {
                throw bad("health check port index " + healthCheck.portIndex() + " is beyond the "
                        + containerPorts.size() + " container port(s)");
            }
            return new LaunchRequest(this, taskId != null ? taskId : generateId(name), net);
        }
    }
}
