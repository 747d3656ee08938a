package io.mesowhisk.whisk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the invoker asks {@link WhiskContainerFactory#createContainer} for: OpenWhisk's {@code createContainer}
 * arguments plus the invoker's instance name and its docker parameters. Immutable; {@link Builder#build()}
 * validates every field at once and names each wrong one.
 */
public final class ContainerRequest {

    private static final Pattern INVOKER = Pattern.compile("[A-Za-z0-9._-]+");

    private final String transactionId;
    private final String name;
    private final String image;
    private final boolean userProvided;
    private final long memoryMb;
    private final int cpuShares;
    private final OptionalDouble cpuLimit;
    private final String invoker;
    private final Map<String, Set<String>> dockerParameters;
    private final ContainerArgs args;
    private final String apiHost;

    private ContainerRequest(Builder b) {
        this.transactionId = b.transactionId;
        this.name = b.name;
        this.image = b.image;
        this.userProvided = b.userProvided;
        this.memoryMb = b.memoryMb;
        this.cpuShares = b.cpuShares;
        this.cpuLimit = b.cpuLimit;
        this.invoker = b.invoker;
        Map<String, Set<String>> params = new LinkedHashMap<>();
        b.dockerParameters.forEach((k, v) -> params.put(k, Set.copyOf(v)));
        this.dockerParameters = Map.copyOf(params);
        this.args = b.args;
        this.apiHost = b.apiHost;
    }

    /** A builder with OpenWhisk's defaults: not user-provided, no cpu limit, {@link ContainerArgs#DEFAULT}. */
    public static Builder builder() {
        return new Builder();
    }

    /** OpenWhisk's transaction id, for log lines (may be empty). */
    public String transactionId() {
        return transactionId;
    }

    /** The container name the invoker chose (e.g. {@code wsk0_12_prewarm_nodejs20}): the Mesos task name. */
    public String name() {
        return name;
    }

    /** The docker image, already resolved by the caller (registry, prefix, tag). */
    public String image() {
        return image;
    }

    /** True for a user-provided (blackbox) image: {@code blackbox-constraints} apply. */
    public boolean userProvided() {
        return userProvided;
    }

    /** Memory in MB. */
    public long memoryMb() {
        return memoryMb;
    }

    /** Docker cpu shares; the task gets {@code cpuShares / 1024} cpus when no {@link #cpuLimit()} is given. */
    public int cpuShares() {
        return cpuShares;
    }

    /** The cpu limit, in cpus, when the invoker sets one (OpenWhisk's {@code container-pool.user-cpus}). */
    public OptionalDouble cpuLimit() {
        return cpuLimit;
    }

    /** The cpus the task asks for: the cpu limit if given, else {@code cpuShares / 1024.0}. */
    public double cpus() {
        return cpuLimit.isPresent() ? cpuLimit.getAsDouble() : cpuShares / 1024.0;
    }

    /** The invoker's instance name, part of every task id (letters, digits, {@code . _ -}). */
    public String invoker() {
        return invoker;
    }

    /** The invoker's docker parameters; keys may start with {@code --}, which the factory removes. */
    public Map<String, Set<String>> dockerParameters() {
        return dockerParameters;
    }

    /** Network, DNS and extra environment and docker arguments. */
    public ContainerArgs args() {
        return args;
    }

    /**
     * OpenWhisk's API host ({@code whisk.api.host}, e.g. {@code https://openwhisk.example.org:443}), given to the
     * action as {@code __OW_API_HOST}; empty: the variable is not set.
     */
    public String apiHost() {
        return apiHost;
    }

    @Override
    public String toString() {
        return "ContainerRequest[name=" + name + ", image=" + image + ", userProvided=" + userProvided + ", memoryMb="
                + memoryMb + ", cpus=" + cpus() + ", invoker=" + invoker + ", transactionId=" + transactionId + "]";
    }

    /** Collects the fields; not thread-safe. */
    public static final class Builder {
        private String transactionId = "";
        private String name;
        private String image;
        private boolean userProvided;
        private long memoryMb;
        private int cpuShares;
        private OptionalDouble cpuLimit = OptionalDouble.empty();
        private String invoker;
        private Map<String, Set<String>> dockerParameters = Map.of();
        private ContainerArgs args = ContainerArgs.DEFAULT;
        private String apiHost = "";

        private Builder() {
        }

        /** OpenWhisk's API host, passed as {@code __OW_API_HOST} (default empty: not set). */
        public Builder apiHost(String apiHost) {
            this.apiHost = Objects.requireNonNull(apiHost, "apiHost").trim();
            return this;
        }

        /** OpenWhisk's transaction id (default empty). */
        public Builder transactionId(String transactionId) {
            this.transactionId = Objects.requireNonNull(transactionId, "transactionId");
            return this;
        }

        /** The container name (required). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The resolved docker image (required). */
        public Builder image(String image) {
            this.image = image;
            return this;
        }

        /** Whether the image is user-provided (default false). */
        public Builder userProvided(boolean userProvided) {
            this.userProvided = userProvided;
            return this;
        }

        /** Memory in MB (required, positive). */
        public Builder memoryMb(long memoryMb) {
            this.memoryMb = memoryMb;
            return this;
        }

        /** Docker cpu shares (required unless a cpu limit is given; positive). */
        public Builder cpuShares(int cpuShares) {
            this.cpuShares = cpuShares;
            return this;
        }

        /** The cpu limit in cpus (default none). */
        public Builder cpuLimit(OptionalDouble cpuLimit) {
            this.cpuLimit = Objects.requireNonNull(cpuLimit, "cpuLimit");
            return this;
        }

        /** The invoker's instance name (required). */
        public Builder invoker(String invoker) {
            this.invoker = invoker;
            return this;
        }

        /** The invoker's docker parameters (default none). */
        public Builder dockerParameters(Map<String, Set<String>> dockerParameters) {
            this.dockerParameters = Objects.requireNonNull(dockerParameters, "dockerParameters");
            return this;
        }

        /** The container arguments (default {@link ContainerArgs#DEFAULT}). */
        public Builder args(ContainerArgs args) {
            this.args = Objects.requireNonNull(args, "args");
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming every field that is missing or wrong
         */
        public ContainerRequest build() {
            List<String> problems = new ArrayList<>();
            if (name == null || name.isBlank()) {
                problems.add("name is required");
            }
            if (image == null || image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
                problems.add("image is required and has no whitespace (was " + quote(image) + ")");
            }
            if (memoryMb <= 0) {
                problems.add("memoryMb must be positive (was " + memoryMb + ")");
            }
            if (cpuLimit.isPresent()) {
                double limit = cpuLimit.getAsDouble();
                if (!(limit > 0) || Double.isInfinite(limit)) {
                    problems.add("cpuLimit must be a positive number of cpus (was " + limit + ")");
                }
            } else if (cpuShares <= 0) {
                problems.add("cpuShares must be positive when no cpuLimit is given (was " + cpuShares + ")");
            }
            if (cpuShares < 0) {
                problems.add("cpuShares must not be negative (was " + cpuShares + ")");
            }
            if (invoker == null || !INVOKER.matcher(invoker).matches()) {
                problems.add("invoker is required, made of letters, digits, '.', '_' and '-' (was "
                        + quote(invoker) + ")");
            }
            dockerParameters.forEach((k, v) -> {
                if (k == null || k.isBlank() || k.equals("--")) {
                    problems.add("docker parameter names must not be empty (was " + quote(k) + ")");
                } else if (v == null || v.isEmpty()) {
                    problems.add("docker parameter " + k + " has no value");
                }
            });
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid container request: " + String.join("; ", problems));
            }
            return new ContainerRequest(this);
        }

        private static String quote(String s) {
            return s == null ? "null" : "\"" + s + "\"";
        }
    }
}
