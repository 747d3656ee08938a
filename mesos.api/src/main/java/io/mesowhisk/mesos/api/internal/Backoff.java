package io.mesowhisk.mesos.api.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: attempt k waits a random time in [d/2, d], d = min(max, min × 2^k). */
public final class Backoff {
    private final long minNanos;
    private final long maxNanos;

    public Backoff(Duration min, Duration max) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** The delay before retry number {@code attempt} (0 = first retry). */
    public long delayNanos(int attempt) {
        long d = minNanos;
        for (int i = 0; i < attempt && d < maxNanos; i++) {
            d = d > maxNanos / 2 ? maxNanos : d * 2;
        }
        d = Math.min(d, maxNanos);
        return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
    }
}
