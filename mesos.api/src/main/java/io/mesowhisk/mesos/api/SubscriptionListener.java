package io.mesowhisk.mesos.api;

import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the life of one subscription: {@link #subscribed} (again after every successful resubscription), every
 * following {@link #event}, and {@link #disconnected} whenever a stream ends or an attempt fails.
 *
 * <p><b>Threading:</b> all callbacks of one subscription run on that subscription's own thread, one at a time, in
 * the order the master sent the events. Calls on the {@link Subscription} may be made from inside a callback (they
 * are asynchronous). A callback that blocks delays the following events (they are queued, not dropped) but not the
 * heartbeat watchdog, which looks at arrival on the network. An exception thrown by a callback is logged and
 * otherwise ignored.
 */
@ConsumerType
public interface SubscriptionListener {

    /**
     * The master accepted the subscription: {@code subscribed.getFrameworkId()} is the framework's id (assigned by
     * the master on the first subscription), {@code subscribed.getHeartbeatIntervalSeconds()} the heartbeat interval.
     */
    void subscribed(Subscription subscription, Event.Subscribed subscribed);

    /** An event after SUBSCRIBED: OFFERS, UPDATE, RESCIND, HEARTBEAT, ERROR, ..., in stream order. */
    void event(Subscription subscription, Event event);

    /** The stream ended or an attempt failed; {@link Disconnect#reconnecting()} says if the client tries again. */
    void disconnected(Subscription subscription, Disconnect disconnect);
}
