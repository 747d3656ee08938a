package io.mesowhisk.itest;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline: the only way these tests synchronise (no sleeps as synchronisation). */
public final class Await {

    private Await() {
    }

    /** Polls until the condition holds; fails with the description after the deadline. */
    public static void until(String description, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + description);
            }
            try {
                Thread.sleep(5); // a poll interval, not synchronisation: the condition decides
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + description, e);
            }
        }
    }

    /** Polls until the supplier returns a non-null value, and returns it. */
    public static <T> T value(String description, Duration timeout, Supplier<T> supplier) {
        Object[] holder = new Object[1];
        until(description, timeout, () -> (holder[0] = supplier.get()) != null);
        @SuppressWarnings("unchecked")
        T value = (T) holder[0];
        return value;
    }
}
