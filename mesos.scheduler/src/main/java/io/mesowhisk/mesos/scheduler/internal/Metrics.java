package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link SchedulerMetrics}: lock-free counters and log-linear latency histograms (8 buckets per power of two, so a
 * percentile is the upper bound of a bucket at most 12.5 % wide). Thread-safe.
 */
final class Metrics implements SchedulerMetrics {

    private static final List<String> COUNTERS = List.of(OFFERS_RECEIVED, OFFERS_DECLINED, OFFERS_ACCEPTED,
            OFFERS_RESCINDED, UPDATES, ACKNOWLEDGED, LAUNCHES_REQUESTED, TASKS_LAUNCHED, LAUNCHES_RUNNING,
            LAUNCHES_FAILED, KILLS_SENT, RECONNECTS, ORPHANS, REVIVES, SUPPRESSES);

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, Histogram> histograms = new ConcurrentHashMap<>();

    Metrics() {
        for (String c : COUNTERS) {
            counters.put(c, new LongAdder());
        }
        histograms.put(LAUNCH_LATENCY, new Histogram());
        histograms.put(OFFER_CYCLE_LATENCY, new Histogram());
    }

    void count(String name) {
        counters.get(name).increment();
    }

    void count(String name, long n) {
        counters.get(name).add(n);
    }

    void record(String histogram, long nanos) {
        histograms.get(histogram).record(nanos / 1000);
    }

    @Override
    public Snapshot snapshot() {
        Map<String, Long> c = new LinkedHashMap<>();
        counters.forEach((k, v) -> c.put(k, v.sum()));
        Map<String, Latency> l = new LinkedHashMap<>();
        histograms.forEach((k, v) -> l.put(k, v.summary()));
        return new Snapshot(c, l);
    }

    /** Log-linear histogram of non-negative longs (microseconds). */
    static final class Histogram {
        private static final int SUB = 8;
        private final AtomicLongArray buckets = new AtomicLongArray(64 * SUB);
        private final LongAdder count = new LongAdder();
        private final LongAdder sum = new LongAdder();
        private final java.util.concurrent.atomic.AtomicLong max = new java.util.concurrent.atomic.AtomicLong();

        void record(long value) {
            long v = Math.max(0, value);
            buckets.incrementAndGet(index(v));
            count.increment();
            sum.add(v);
            max.accumulateAndGet(v, Math::max);
        }

        static int index(long v) {
            if (v < SUB) {
                return (int) v;
            }
            int exp = 63 - Long.numberOfLeadingZeros(v); // >= 3
            int sub = (int) ((v >>> (exp - 3)) & (SUB - 1));
            return (exp - 2) * SUB + sub;
        }

        static long upperBound(int index) {
            if (index < SUB) {
                return index;
            }
            int exp = index / SUB + 2;
            int sub = index % SUB;
            return ((long) (SUB + sub + 1) << (exp - 3)) - 1;
        }

        Latency summary() {
            long n = count.sum();
            if (n == 0) {
                return new Latency(0, 0, 0, 0, 0);
            }
            return new Latency(n, sum.sum() / n, percentile(n, 0.50), percentile(n, 0.99), max.get());
        }

        private long percentile(long n, double q) {
            long rank = (long) Math.ceil(q * n);
            long seen = 0;
            for (int i = 0; i < buckets.length(); i++) {
                seen += buckets.get(i);
                if (seen >= rank) {
                    return Math.min(upperBound(i), max.get());
                }
            }
            return max.get();
        }
    }
}
