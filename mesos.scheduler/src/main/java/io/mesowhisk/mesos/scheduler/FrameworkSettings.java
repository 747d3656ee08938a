package io.mesowhisk.mesos.scheduler;

import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo.Capability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What this framework tells Mesos about itself when it subscribes: an immutable, validated value.
 *
 * <p>Validation follows the master's own rules, so a setting Mesos would refuse (with an ERROR event after the
 * subscription was accepted at the HTTP level) is refused here, at configuration time, with a message that names
 * the setting. Thread-safe (immutable).
 *
 * @param name framework name shown in the Mesos UI
 * @param user Unix user tasks run as when they do not name one
 * @param role the role whose resources the framework uses (Mesos's role syntax)
 * @param failoverTimeout how long Mesos keeps the framework and its tasks after it disconnects; zero removes it at
 *     once
 * @param principal the principal to authenticate as, or empty
 * @param hostname the host name reported to Mesos, or empty
 */
public record FrameworkSettings(String name, String user, String role, Duration failoverTimeout,
        Optional<String> principal, Optional<String> hostname) {

    /** The largest failover timeout Mesos accepts: it must fit in int64 nanoseconds. */
    public static final Duration MAX_FAILOVER_TIMEOUT = Duration.ofNanos(Long.MAX_VALUE);

    /**
     * Validates at once.
     *
     * @throws IllegalArgumentException naming the setting that is wrong and what was expected
     */
    public FrameworkSettings {
        requireText(name, "name");
        requireText(user, "user");
        Objects.requireNonNull(failoverTimeout, "failoverTimeout");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(hostname, "hostname");
        validateRole(role).ifPresent(problem -> {
            throw new IllegalArgumentException("role '" + role + "' is not a valid Mesos role: " + problem);
        });
        if (failoverTimeout.isNegative()) {
            throw new IllegalArgumentException("failover timeout must not be negative, got " + failoverTimeout);
        }
        if (failoverTimeout.compareTo(MAX_FAILOVER_TIMEOUT) > 0) {
            throw new IllegalArgumentException("failover timeout " + failoverTimeout
                    + " is longer than Mesos accepts (it must fit in int64 nanoseconds, about 292 years)");
        }
        principal.ifPresent(p -> requireText(p, "principal"));
    }

    /**
     * The FrameworkInfo to subscribe with: single-role form (no MULTI_ROLE capability, so {@code role} is set and
     * offers come in the pre-1.x shape), PARTITION_AWARE and TASK_KILLING_STATE declared.
     *
     * @param id the framework id to resubscribe with after a failover, or empty for a new framework
     */
    public FrameworkInfo toFrameworkInfo(Optional<FrameworkID> id) {
        FrameworkInfo.Builder info = FrameworkInfo.newBuilder()
                .setName(name)
                .setUser(user)
                .setRole(role)
                .setFailoverTimeout(failoverTimeout.toNanos() / 1e9)
                .setCheckpoint(true)
                .addCapabilities(Capability.newBuilder().setType(Capability.Type.PARTITION_AWARE))
                .addCapabilities(Capability.newBuilder().setType(Capability.Type.TASK_KILLING_STATE));
        principal.ifPresent(info::setPrincipal);
        hostname.ifPresent(info::setHostname);
        id.ifPresent(info::setId);
        return info.build();
    }

    /**
     * Checks a role against Mesos's rules (src/common/roles.cpp): {@code *}, or slash-separated components none
     * of which is empty, {@code .}, {@code ..} or {@code *}, starts with {@code -}, or contains white space or
     * control characters.
     *
     * @return the problem, or empty if the role is valid
     */
    public static Optional<String> validateRole(String role) {
        if (role == null || role.isEmpty()) {
            return Optional.of("it must not be empty");
        }
        if (role.equals("*")) {
            return Optional.empty();
        }
        if (role.startsWith("/") || role.endsWith("/")) {
            return Optional.of("it must not start or end with '/'");
        }
        List<String> problems = new ArrayList<>();
        for (String component : role.split("/", -1)) {
            if (component.isEmpty()) {
                problems.add("it must not contain '//'");
            } else if (component.equals(".") || component.equals("..") || component.equals("*")) {
                problems.add("a path component must not be '" + component + "'");
            } else if (component.startsWith("-")) {
                problems.add("a path component must not start with '-'");
            } else if (component.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                problems.add("it must not contain white space or control characters");
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(problems.get(0));
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }
}
