package io.mesowhisk.whisk;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One validated, immutable snapshot of the {@code whisk.mesos} configuration. Keys are those of OpenWhisk's
 * {@code whisk.mesos} block (see the README's configuration reference); {@link #sources()} tells where each value
 * came from. {@link #toString()} never shows the secret.
 *
 * @param masterUrls the masters to try in turn (empty: local mode with the embedded Mesos emulator)
 * @param masterPublicUrl the master URL shown to users in log messages
 * @param role the framework role
 * @param failoverTimeout how long Mesos keeps the framework's tasks after it disconnects
 * @param mesosLinkLogMessage whether logs() answers with a link to the Mesos UI
 * @param constraints placement constraints for managed (OpenWhisk runtime) images
 * @param blackboxConstraints placement constraints for blackbox (user-provided) images
 * @param constraintDelimiter the delimiter between attribute, operator and value
 * @param teardownOnExit whether the framework is torn down on shutdown (false for HA deployments)
 * @param offerRefuseDuration the {@code refuse_seconds} sent with declined offers
 * @param heartbeatMaxFailures missed heartbeats after which the subscription is declared dead
 * @param timeouts the operation timeouts
 * @param healthCheck the health check given to action containers
 * @param principal the principal to authenticate as
 * @param secret the secret for HTTP Basic authentication (never printed)
 * @param encoding the scheduler API encoding
 * @param frameworkName the framework name shown in Mesos
 * @param user the Unix user tasks run as
 * @param dockerFailureRetries how often a container whose docker run or pull failed is retried
 * @param sources for each key that did not come from the defaults: where it came from
 */
public record WhiskMesosSettings(
        List<URI> masterUrls,
        Optional<URI> masterPublicUrl,
        String role,
        Duration failoverTimeout,
        boolean mesosLinkLogMessage,
        List<String> constraints,
        List<String> blackboxConstraints,
        String constraintDelimiter,
        boolean teardownOnExit,
        Duration offerRefuseDuration,
        int heartbeatMaxFailures,
        Timeouts timeouts,
        HealthCheck healthCheck,
        Optional<String> principal,
        Optional<Secret> secret,
        Encoding encoding,
        String frameworkName,
        String user,
        int dockerFailureRetries,
        Map<String, String> sources) {

    /** Copies the collections; the snapshot is immutable. */
    public WhiskMesosSettings {
        masterUrls = List.copyOf(masterUrls);
        constraints = List.copyOf(constraints);
        blackboxConstraints = List.copyOf(blackboxConstraints);
        sources = Map.copyOf(sources);
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(healthCheck, "healthCheck");
    }

    /** True when no master URL is configured: the embedded Mesos emulator serves as the master. */
    public boolean localMode() {
        return masterUrls.isEmpty();
    }

    /** The URL to show users: {@code master-public-url}, else the first master URL. */
    public Optional<URI> publicUrl() {
        return masterPublicUrl.or(() -> masterUrls.stream().findFirst());
    }

    /** The scheduler API encoding. */
    public enum Encoding {
        /** {@code application/x-protobuf}. */
        PROTOBUF,
        /** {@code application/json}. */
        JSON
    }

    /**
     * Operation timeouts ({@code whisk.mesos.timeouts.*}).
     *
     * @param taskLaunch how long a container may take to be RUNNING
     * @param taskDelete how long a kill may take to be confirmed
     * @param subscribe how long a subscription may take
     * @param teardown how long a teardown may take at shutdown
     */
    public record Timeouts(Duration taskLaunch, Duration taskDelete, Duration subscribe, Duration teardown) {
    }

    /**
     * The Mesos health check given to action containers ({@code whisk.mesos.health-check.*}): a TCP check of the
     * action proxy port.
     *
     * @param enabled whether containers get a health check
     * @param portIndex which of the task's ports is checked
     * @param delay delay before the first check
     * @param interval time between checks
     * @param timeout time a check may take
     * @param gracePeriod time after start during which failures do not count
     * @param maxConsecutiveFailures failures after which Mesos kills the task
     */
    public record HealthCheck(boolean enabled, int portIndex, Duration delay, Duration interval, Duration timeout,
            Duration gracePeriod, int maxConsecutiveFailures) {
    }

    /** A secret that never shows itself in {@code toString()}, logs or exceptions. */
    public static final class Secret {
        private final char[] value;

        /** Wraps the secret. */
        public Secret(String value) {
            this.value = Objects.requireNonNull(value, "secret").toCharArray();
        }

        /** The secret itself: only for the code that authenticates. */
        public String reveal() {
            return new String(value);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Secret s && java.util.Arrays.equals(value, s.value);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "******";
        }
    }
}
