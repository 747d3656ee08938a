package io.mesowhisk.mesos.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void percentilesAreWithinOneBucket() {
        Metrics m = new Metrics();
        for (int i = 1; i <= 1000; i++) {
            m.record(SchedulerMetrics.LAUNCH_LATENCY, i * 1000L); // 1..1000 µs
        }
        m.count(SchedulerMetrics.OFFERS_RECEIVED, 3);
        SchedulerMetrics.Snapshot s = m.snapshot();
        SchedulerMetrics.Latency l = s.latencies().get(SchedulerMetrics.LAUNCH_LATENCY);
        assertEquals(1000, l.count());
        assertEquals(500, l.meanMicros());
        assertTrue(l.p50Micros() >= 500 && l.p50Micros() <= 500 * 1.13, "p50 " + l.p50Micros());
        assertTrue(l.p99Micros() >= 990 && l.p99Micros() <= 1000, "p99 " + l.p99Micros());
        assertEquals(1000, l.maxMicros());
        assertEquals(3, s.counter(SchedulerMetrics.OFFERS_RECEIVED));
        assertEquals(0, s.counter("no.such.counter"));
    }

    @Test
    void bucketBoundsCoverEveryValue() {
        for (long v = 0; v < 100_000; v += 7) {
            int i = Metrics.Histogram.index(v);
            assertTrue(Metrics.Histogram.upperBound(i) >= v, "value " + v);
            assertTrue(i == 0 || Metrics.Histogram.upperBound(i - 1) < v, "value " + v);
        }
    }
}
