package io.mesowhisk.mesos.api;

import static org.junit.jupiter.api.Assertions.fail;

import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records every callback, in order, with the thread it ran on. */
final class RecordingListener implements SubscriptionListener {
    final BlockingQueue<Object> log = new LinkedBlockingQueue<>();
    final Set<String> threads = ConcurrentHashMap.newKeySet();

    @Override
    public void subscribed(Subscription subscription, Event.Subscribed subscribed) {
        threads.add(Thread.currentThread().getName());
        log.add(subscribed);
    }

    @Override
    public void event(Subscription subscription, Event event) {
        threads.add(Thread.currentThread().getName());
        log.add(event);
    }

    @Override
    public void disconnected(Subscription subscription, Disconnect disconnect) {
        threads.add(Thread.currentThread().getName());
        log.add(disconnect);
    }

    /** The next callback of the given kind, skipping HEARTBEAT events; anything else first fails the test. */
    <T> T expect(Class<T> kind) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            Object next = log.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (next == null) {
                fail("no " + kind.getSimpleName() + " callback arrived");
            }
            if (next instanceof Event e && e.getType() == Event.Type.HEARTBEAT) {
                continue;
            }
            if (!kind.isInstance(next)) {
                fail("expected a " + kind.getSimpleName() + " callback, got " + next);
            }
            return kind.cast(next);
        }
    }
}
