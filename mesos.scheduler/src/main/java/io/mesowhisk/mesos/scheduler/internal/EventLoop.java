package io.mesowhisk.mesos.scheduler.internal;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's one serial event loop: a single daemon thread that runs every piece of work posted to it, in order.
 * All scheduler state is owned by this thread; public methods, Mesos callbacks, call answers and timers reach the
 * state only through {@link #post} and {@link #schedule}. Work that throws is logged and dropped (the state it
 * changed so far is kept). Thread-safe.
 */
final class EventLoop {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerEngine.class); // one logger name for the whole engine

    private final String name;
    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    EventLoop(String name) {
        this.name = name;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    /**
     * Runs the work on the loop; dropped (logged at debug) once the loop is shut down.
     *
     * @return whether the work was taken (it then runs, even if the loop is shut down meanwhile)
     */
    boolean post(Runnable work) {
        try {
            executor.execute(() -> guard(work));
            return true;
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: stopped, dropping work", name);
            return false;
        }
    }

    /** Runs the work on the loop after the delay; null once the loop is shut down. */
    ScheduledFuture<?> schedule(Runnable work, Duration delay) {
        try {
            return executor.schedule(() -> guard(work), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Runs the work on the loop every period (first after one period), until cancelled or shut down. */
    ScheduledFuture<?> every(Runnable work, Duration period) {
        return executor.scheduleWithFixedDelay(() -> guard(work), period.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    /** Whether the caller is the loop thread itself. */
    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    boolean isShutdown() {
        return executor.isShutdown();
    }

    /** Runs the work already posted, then ends the thread. */
    void shutdown() {
        executor.shutdown();
    }

    /** Ends the thread without running what is still queued. */
    void shutdownNow() {
        executor.shutdownNow();
    }

    private void guard(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            LOG.error("{}: internal error in the event loop (state kept, event dropped)", name, e);
        }
    }
}
