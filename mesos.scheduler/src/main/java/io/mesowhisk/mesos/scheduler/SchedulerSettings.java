package io.mesowhisk.mesos.scheduler;

import io.mesowhisk.mesos.constraints.PlacementStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the scheduler behaves (as opposed to {@link FrameworkSettings}, what it tells Mesos). Immutable and
 * validated; build with {@link #builder()}, which starts from the defaults. All of them apply live through
 * {@link MesosScheduler#reconfigure}, at the next event that uses them.
 *
 * @param offerRefuse {@code refuse_seconds} of declined offers (default 5 s; zero: no filter)
 * @param teardownOnStop {@link MesosScheduler#stop()} sends TEARDOWN (kills every task, forgets the framework id)
 *     instead of only closing the stream (default false: tasks keep running for a failover)
 * @param holdOffers keep unused offers this long so a launch can start at once without waiting for the next
 *     allocation (default zero: off, unused offers are declined at once)
 * @param maxUnplacedCycles a pending task that no offer fitted in this many offer cycles fails with
 *     {@link LaunchException.Kind#NO_CAPACITY} (default 20; zero: never, the launch timeout still applies)
 * @param reconcileInterval period of implicit reconciliation after the explicit one that follows every
 *     subscription (default 5 min)
 * @param adoptOrphans tasks of this framework that the scheduler has no record of (from a lost incarnation) are
 *     adopted (tracked, visible in views) instead of killed (default false: killed, and logged)
 * @param killRetryInterval a KILL is repeated this often until a terminal update arrives (default 10 s)
 * @param launchTimeout default time from {@link MesosScheduler#launch} to a running (and healthy) task; after it
 *     the launch fails {@link LaunchException.Kind#TIMED_OUT} and the task is killed (default 45 s); a request
 *     may set its own
 * @param placementStrategy how to choose among offers that fit (default {@link PlacementStrategy#BIN_PACK})
 * @param reviveInterval the least time between two REVIVE calls, so a burst of launches sends one (default 1 s)
 * @param stopTimeout how long {@link MesosScheduler#close()} waits for the stop (teardown answered, held offers
 *     declined) (default 30 s)
 */
public record SchedulerSettings(Duration offerRefuse, boolean teardownOnStop, Duration holdOffers,
        int maxUnplacedCycles, Duration reconcileInterval, boolean adoptOrphans, Duration killRetryInterval,
        Duration launchTimeout, PlacementStrategy placementStrategy, Duration reviveInterval, Duration stopTimeout) {

    /** The defaults. */
    public static final SchedulerSettings DEFAULTS = builder().build();

    /**
     * Validates at once.
     *
     * @throws IllegalArgumentException naming every wrong setting and what was expected
     */
    public SchedulerSettings {
        List<String> problems = new ArrayList<>();
        nonNegative(problems, "offerRefuse", offerRefuse);
        nonNegative(problems, "holdOffers", holdOffers);
        positive(problems, "reconcileInterval", reconcileInterval);
        positive(problems, "killRetryInterval", killRetryInterval);
        positive(problems, "launchTimeout", launchTimeout);
        nonNegative(problems, "reviveInterval", reviveInterval);
        positive(problems, "stopTimeout", stopTimeout);
        if (maxUnplacedCycles < 0) {
            problems.add("maxUnplacedCycles must be >= 0 (0 = off), got " + maxUnplacedCycles);
        }
        if (placementStrategy == null) {
            problems.add("placementStrategy must be set");
        }
        if (offerRefuse != null && offerRefuse.compareTo(Duration.ofDays(365)) > 0) {
            problems.add("offerRefuse must be at most 365 days (Mesos caps it there), got " + offerRefuse);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid scheduler settings: " + String.join("; ", problems));
        }
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.offerRefuse = offerRefuse;
        b.teardownOnStop = teardownOnStop;
        b.holdOffers = holdOffers;
        b.maxUnplacedCycles = maxUnplacedCycles;
        b.reconcileInterval = reconcileInterval;
        b.adoptOrphans = adoptOrphans;
        b.killRetryInterval = killRetryInterval;
        b.launchTimeout = launchTimeout;
        b.placementStrategy = placementStrategy;
        b.reviveInterval = reviveInterval;
        b.stopTimeout = stopTimeout;
        return b;
    }

    private static void nonNegative(List<String> problems, String name, Duration d) {
        if (d == null) {
            problems.add(name + " must be set");
        } else if (d.isNegative()) {
            problems.add(name + " must not be negative, got " + d);
        }
    }

    private static void positive(List<String> problems, String name, Duration d) {
        if (d == null) {
            problems.add(name + " must be set");
        } else if (d.isNegative() || d.isZero()) {
            problems.add(name + " must be positive, got " + d);
        }
    }

    /** Builder with the defaults; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private Duration offerRefuse = Duration.ofSeconds(5);
        private boolean teardownOnStop;
        private Duration holdOffers = Duration.ZERO;
        private int maxUnplacedCycles = 20;
        private Duration reconcileInterval = Duration.ofMinutes(5);
        private boolean adoptOrphans;
        private Duration killRetryInterval = Duration.ofSeconds(10);
        private Duration launchTimeout = Duration.ofSeconds(45);
        private PlacementStrategy placementStrategy = PlacementStrategy.BIN_PACK;
        private Duration reviveInterval = Duration.ofSeconds(1);
        private Duration stopTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** See {@link SchedulerSettings#offerRefuse()}. */
        public Builder offerRefuse(Duration d) {
            offerRefuse = d;
            return this;
        }

        /** See {@link SchedulerSettings#teardownOnStop()}. */
        public Builder teardownOnStop(boolean b) {
            teardownOnStop = b;
            return this;
        }

        /** See {@link SchedulerSettings#holdOffers()}. */
        public Builder holdOffers(Duration ttl) {
            holdOffers = ttl;
            return this;
        }

        /** See {@link SchedulerSettings#maxUnplacedCycles()}. */
        public Builder maxUnplacedCycles(int n) {
            maxUnplacedCycles = n;
            return this;
        }

        /** See {@link SchedulerSettings#reconcileInterval()}. */
        public Builder reconcileInterval(Duration d) {
            reconcileInterval = d;
            return this;
        }

        /** See {@link SchedulerSettings#adoptOrphans()}. */
        public Builder adoptOrphans(boolean b) {
            adoptOrphans = b;
            return this;
        }

        /** See {@link SchedulerSettings#killRetryInterval()}. */
        public Builder killRetryInterval(Duration d) {
            killRetryInterval = d;
            return this;
        }

        /** See {@link SchedulerSettings#launchTimeout()}. */
        public Builder launchTimeout(Duration d) {
            launchTimeout = d;
            return this;
        }

        /** See {@link SchedulerSettings#placementStrategy()}. */
        public Builder placementStrategy(PlacementStrategy s) {
            placementStrategy = s;
            return this;
        }

        /** See {@link SchedulerSettings#reviveInterval()}. */
        public Builder reviveInterval(Duration d) {
            reviveInterval = d;
            return this;
        }

        /** See {@link SchedulerSettings#stopTimeout()}. */
        public Builder stopTimeout(Duration d) {
            stopTimeout = d;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming every wrong setting
         */
        public SchedulerSettings build() {
            return new SchedulerSettings(offerRefuse, teardownOnStop, holdOffers, maxUnplacedCycles,
                    reconcileInterval, adoptOrphans, killRetryInterval, launchTimeout, placementStrategy,
                    reviveInterval, stopTimeout);
        }
    }
}
