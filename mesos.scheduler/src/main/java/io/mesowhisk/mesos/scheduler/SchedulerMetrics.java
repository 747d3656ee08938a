package io.mesowhisk.mesos.scheduler;

import java.util.Map;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The scheduler's counters and latency histograms, counted where things happen, for an operator surface to export.
 * Counter and histogram names are the constants below. Thread-safe; {@link #snapshot()} is cheap and may be called
 * from any thread.
 */
@ProviderType
public interface SchedulerMetrics {

    /** OFFERS events' offers received. */
    String OFFERS_RECEIVED = "offers.received";
    /** Offers declined. */
    String OFFERS_DECLINED = "offers.declined";
    /** Offers used in an ACCEPT. */
    String OFFERS_ACCEPTED = "offers.accepted";
    /** Offers rescinded by the master. */
    String OFFERS_RESCINDED = "offers.rescinded";
    /** UPDATE events received. */
    String UPDATES = "updates";
    /** Status updates acknowledged. */
    String ACKNOWLEDGED = "updates.acknowledged";
    /** Launch requests received. */
    String LAUNCHES_REQUESTED = "launches.requested";
    /** Tasks sent in ACCEPTs. */
    String TASKS_LAUNCHED = "tasks.launched";
    /** Launches that completed with a running task. */
    String LAUNCHES_RUNNING = "launches.running";
    /** Launches that failed. */
    String LAUNCHES_FAILED = "launches.failed";
    /** KILL calls sent. */
    String KILLS_SENT = "kills.sent";
    /** Subscriptions accepted after the first (resubscriptions). */
    String RECONNECTS = "reconnects";
    /** Tasks of our framework we had no record of. */
    String ORPHANS = "orphans";
    /** REVIVE calls sent. */
    String REVIVES = "revives";
    /** SUPPRESS calls sent. */
    String SUPPRESSES = "suppresses";
    /** Histogram: launch request (pending) to RUNNING (and healthy if checked). */
    String LAUNCH_LATENCY = "launch.latency";
    /** Histogram: time spent in one placement pass (offer intake to ACCEPT calls built). */
    String OFFER_CYCLE_LATENCY = "offers.cycle.latency";

    /** The current values. */
    Snapshot snapshot();

    /**
     * Values at one moment.
     *
     * @param counters every counter by name
     * @param latencies every histogram by name
     */
    record Snapshot(Map<String, Long> counters, Map<String, Latency> latencies) {
        /** Copies the maps. */
        public Snapshot {
            counters = Map.copyOf(counters);
            latencies = Map.copyOf(latencies);
        }

        /** A counter's value; 0 for an unknown name. */
        public long counter(String name) {
            return counters.getOrDefault(Objects.requireNonNull(name, "name"), 0L);
        }
    }

    /**
     * A latency histogram's summary, in microseconds (bucketed: percentiles are upper bounds of their bucket,
     * within about 10 %).
     *
     * @param count number of samples
     * @param meanMicros the mean
     * @param p50Micros the median
     * @param p99Micros the 99th percentile
     * @param maxMicros the largest sample
     */
    record Latency(long count, long meanMicros, long p50Micros, long p99Micros, long maxMicros) {
    }
}
