package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.api.Subscription;
import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Mesos sends us offers: SUPPRESS when no task waits and no offers are to be held, REVIVE (rate-limited by
 * {@code reviveInterval}; it also clears decline filters) when a task becomes pending. The calls are sent one at a
 * time so that they cannot overtake each other; a failed REVIVE is repeated. Mesos starts every subscription
 * unsuppressed.
 *
 * <p>Confined to the scheduler's event loop thread.
 */
final class OfferSupply {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerEngine.class); // one logger name for the engine

    private final SchedulerEngine engine;
    private boolean wantSuppressed;
    private boolean sentSuppressed;
    private boolean reviveWanted;
    private boolean offerCallInFlight;
    private long lastReviveNanos = Long.MIN_VALUE / 2;
    private ScheduledFuture<?> reviveTimer;

    OfferSupply(SchedulerEngine engine) {
        this.engine = engine;
    }

    /** A (re)subscription: Mesos starts unsuppressed, with no call of ours in flight. */
    void subscribed() {
        sentSuppressed = false;
        offerCallInFlight = false;
    }

    /** After a (re)subscription: suppress if nothing waits and no offers are held, else let offers come. */
    void start() {
        wantSuppressed = engine.tasks.pending.isEmpty() && engine.settings.holdOffers().isZero();
        reviveWanted = false;
        syncOfferFlow();
    }

    /** Stopping: no more REVIVE. */
    void stop() {
        EventLoop.cancel(reviveTimer);
    }

    /** No task waits and offers are not held: suppress. */
    void noneWanted() {
        wantSuppressed = true;
        syncOfferFlow();
    }

    /** A task became pending: revive (rate-limited), which also clears decline filters. */
    void requestOffers() {
        wantSuppressed = false;
        reviveWanted = true;
        syncOfferFlow();
    }

    private void syncOfferFlow() {
        Subscription sub = engine.subscription.current();
        if (!engine.subscription.subscribed() || sub == null || offerCallInFlight) {
            return;
        }
        if (!engine.tasks.pending.isEmpty() || !engine.settings.holdOffers().isZero()) {
            wantSuppressed = false;
        }
        if (wantSuppressed) {
            reviveWanted = false;
            EventLoop.cancel(reviveTimer);
            reviveTimer = null;
            if (!sentSuppressed) {
                offerCallInFlight = true;
                engine.metrics.count(SchedulerMetrics.SUPPRESSES);
                sub.suppress(List.of()).whenComplete((v, e) -> engine.loop.post(() -> offerCallDone(sub, true, e)));
            }
            return;
        }
        if (!reviveWanted && !sentSuppressed) {
            return;
        }
        long now = System.nanoTime();
        long wait = lastReviveNanos + engine.settings.reviveInterval().toNanos() - now;
        if (wait > 0) {
            if (reviveTimer == null) {
                reviveTimer = engine.loop.schedule(() -> {
                    reviveTimer = null;
                    syncOfferFlow();
                }, Duration.ofNanos(wait));
            }
            return;
        }
        reviveWanted = false;
        lastReviveNanos = now;
        offerCallInFlight = true;
        engine.metrics.count(SchedulerMetrics.REVIVES);
        sub.revive(List.of()).whenComplete((v, e) -> engine.loop.post(() -> offerCallDone(sub, false, e)));
    }

    private void offerCallDone(Subscription sub, boolean suppress, Throwable e) {
        if (sub != engine.subscription.current()) {
            return;
        }
        offerCallInFlight = false;
        if (e == null) {
            sentSuppressed = suppress;
        } else {
            LOG.debug("{}: {} failed: {}", engine.name, suppress ? "SUPPRESS" : "REVIVE", e.toString());
            if (!suppress) {
                reviveWanted = true;
            }
        }
        syncOfferFlow();
    }
}
