package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.api.Disconnect;
import io.mesowhisk.mesos.api.EncodedOffers;
import io.mesowhisk.mesos.api.Mesos4xxException;
import io.mesowhisk.mesos.api.MesosClient;
import io.mesowhisk.mesos.api.MesosClientConfig;
import io.mesowhisk.mesos.api.OffersListener;
import io.mesowhisk.mesos.api.Subscription;
import io.mesowhisk.mesos.scheduler.FrameworkSettings;
import io.mesowhisk.mesos.scheduler.LaunchException.Kind;
import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import io.mesowhisk.mesos.scheduler.SchedulerSettings;
import io.mesowhisk.mesos.scheduler.SchedulerStatus.State;
import io.mesowhisk.mesos.scheduler.TaskPhase;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.MasterInfo;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription state machine: DISCONNECTED → SUBSCRIBING → SUBSCRIBED ⇄ RECONNECTING → STOPPING → STOPPED, every
 * change through {@link #transition}, checked against {@link #ALLOWED}. It owns the current {@link Subscription},
 * the one being replaced by a reconfiguration, the framework id and the resubscription backoff, and applies the
 * subscription's callbacks (subscribed, disconnected, terminated), reconfiguration and stop.
 *
 * <p>Confined to the scheduler's event loop thread, except the volatile fields that {@code status()} reads.
 */
final class SubscriptionMachine {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerEngine.class); // one logger name for the engine

    /** The transitions there are; staying in a state is not a transition. */
    static final Map<State, Set<State>> ALLOWED = new EnumMap<>(Map.of(
            State.DISCONNECTED, EnumSet.of(State.SUBSCRIBING, State.STOPPING),
            State.SUBSCRIBING, EnumSet.of(State.SUBSCRIBED, State.RECONNECTING, State.STOPPING),
            State.SUBSCRIBED, EnumSet.of(State.RECONNECTING, State.STOPPING),
            State.RECONNECTING, EnumSet.of(State.SUBSCRIBING, State.SUBSCRIBED, State.STOPPING),
            State.STOPPING, EnumSet.of(State.STOPPED),
            State.STOPPED, EnumSet.noneOf(State.class)));

    private final SchedulerEngine engine;
    private volatile State state = State.DISCONNECTED;
    private Subscription current;
    /** Replaced by a reconfiguration: closed once the new one is subscribed. */
    private Subscription replaced;
    /** What a subscription was made with: the client, its settings and the framework settings. */
    private record Settings(MesosClientConfig clientConfig, MesosClient client, FrameworkSettings framework) {
    }
    /** The settings {@link #current} was made with. */
    private Settings currentSettings;
    /** The settings {@link #replaced} runs on: in force again if the master refuses the new ones. */
    private Settings replacedSettings;
    /**
     * Clients a reconfiguration replaced: closed once a subscription of the current client is subscribed and no
     * other one needs them (an open subscription's client is never closed under it).
     */
    private final List<MesosClient> retiredClients = new ArrayList<>();
    private volatile FrameworkID frameworkId;
    private volatile URI leader;
    private volatile Instant lastEvent;
    /** Why the scheduler does not run as its settings say (see {@code SchedulerStatus.problem}), or null. */
    private volatile String problem;
    private boolean everSubscribed;
    /**
     * The current subscription's first SUBSCRIBE is out and unanswered. A second SUBSCRIBE must not race it: the
     * master takes whichever arrives last, so the old settings could win, and closing the winner then disconnects the
     * framework (with a failover timeout of 0, Mesos removes it and kills its tasks).
     */
    private boolean answerPending;
    /** A reconfiguration that resubscribes once the SUBSCRIBE in flight is answered (see {@link #answerPending}). */
    private boolean resubscribeWhenAnswered;
    private int resubscribeAttempts;
    private ScheduledFuture<?> resubscribeTimer;

    SubscriptionMachine(SchedulerEngine engine, FrameworkID frameworkId) {
        this.engine = engine;
        this.frameworkId = frameworkId;
    }

    State state() {
        return state;
    }

    boolean subscribed() {
        return state == State.SUBSCRIBED;
    }

    boolean stopping() {
        return state == State.STOPPING || state == State.STOPPED;
    }

    /** The subscription events are taken from, or null between subscriptions. */
    Subscription current() {
        return current;
    }

    /** The subscription a reconfiguration replaces until the new one is subscribed, or null. */
    Subscription replaced() {
        return replaced;
    }

    FrameworkID frameworkId() {
        return frameworkId;
    }

    String frameworkIdText(String none) {
        FrameworkID id = frameworkId;
        return id == null ? none : id.getValue();
    }

    /** The leading master, while subscribed. */
    Optional<URI> leader() {
        return state == State.SUBSCRIBED ? Optional.ofNullable(leader) : Optional.empty();
    }

    Optional<Instant> lastEvent() {
        return Optional.ofNullable(lastEvent);
    }

    Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    void eventReceived() {
        lastEvent = Instant.now();
    }

    /** The one place the state changes. */
    private void transition(State next) {
        State prev = state;
        if (prev == next) {
            return;
        }
        if (!ALLOWED.get(prev).contains(next)) {
            throw new IllegalStateException(engine.name + ": no subscription transition " + prev + " -> " + next);
        }
        LOG.debug("{}: {} -> {}", engine.name, prev, next);
        state = next;
    }

    void subscribe() {
        resubscribeTimer = null;
        if (stopping()) {
            return;
        }
        transition(everSubscribed || frameworkId != null && state != State.DISCONNECTED ? State.RECONNECTING
                : State.SUBSCRIBING);
        Listener listener = new Listener();
        Subscription sub = engine.client.subscribe(engine.framework.toFrameworkInfo(Optional.ofNullable(frameworkId)),
                listener);
        current = sub;
        currentSettings = new Settings(engine.clientConfig, engine.client, engine.framework);
        answerPending = true;
        sub.terminated().thenAccept(d -> engine.loop.post(() -> onTerminated(sub, d)));
    }

    /** Forwards one subscription's callbacks to the loop, tagged with the subscription. */
    private final class Listener implements OffersListener {

        @Override
        public void subscribed(Subscription s, Event.Subscribed subscribed) {
            engine.loop.post(() -> onSubscribed(s, subscribed));
        }

        @Override
        public void event(Subscription s, Event event) {
            engine.loop.post(() -> engine.onEvent(s, event));
        }

        @Override
        public void offers(Subscription s, EncodedOffers offers) {
            engine.loop.post(() -> engine.onOffers(s, offers));
        }

        @Override
        public void disconnected(Subscription s, Disconnect disconnect) {
            engine.loop.post(() -> onDisconnected(s, disconnect));
        }
    }

    private void onSubscribed(Subscription sub, Event.Subscribed subscribed) {
        if (sub != current || stopping()) {
            return;
        }
        answerPending = false;
        problem = null;
        if (replaced != null) {
            replaced.close();
            replaced = null;
            replacedSettings = null;
        }
        if (!resubscribeWhenAnswered) {
            closeRetiredClients();
        }
        FrameworkID id = subscribed.getFrameworkId();
        if (frameworkId == null || !frameworkId.getValue().equals(id.getValue())) {
            LOG.info("{}: registered as framework {}", engine.name, id.getValue());
        }
        frameworkId = id;
        try {
            engine.idStore.save(id);
        } catch (RuntimeException e) {
            LOG.warn("{}: could not save framework id {} in {}: {} (a restart would register anew)", engine.name,
                    id.getValue(), engine.idStore, e.toString());
        }
        leader = leaderOf(subscribed);
        lastEvent = Instant.now();
        if (everSubscribed) {
            engine.metrics.count(SchedulerMetrics.RECONNECTS);
        }
        everSubscribed = true;
        resubscribeAttempts = 0;
        transition(State.SUBSCRIBED);
        // offers never survive a (re)subscription; Mesos starts unsuppressed
        engine.offers.dropHeld();
        engine.supply.subscribed();
        engine.reconciler.subscribed();
        engine.kills.subscribed();
        engine.supply.start();
        if (resubscribeWhenAnswered) {
            resubscribeWhenAnswered = false;
            LOG.info("{}: the SUBSCRIBE in flight was answered; resubscribing as framework {} with the new settings",
                    engine.name, id.getValue());
            replaceCurrent();
        }
    }

    private URI leaderOf(Event.Subscribed subscribed) {
        MesosClientConfig clientConfig = engine.clientConfig;
        String scheme = clientConfig.masters().isEmpty() ? "http" : clientConfig.masters().get(0).getScheme();
        if (subscribed.hasMasterInfo()) {
            MasterInfo m = subscribed.getMasterInfo();
            String host = m.hasAddress() && m.getAddress().hasHostname() ? m.getAddress().getHostname()
                    : m.hasHostname() ? m.getHostname() : m.hasAddress() ? m.getAddress().getIp() : null;
            int port = m.hasAddress() && m.getAddress().hasPort() ? m.getAddress().getPort() : m.getPort();
            if (host != null) {
                return URI.create(scheme + "://" + host + ":" + port);
            }
        }
        return null;
    }

    private void onDisconnected(Subscription sub, Disconnect d) {
        if (sub != current || stopping()) {
            return;
        }
        if (d.reconnecting()) {
            answerPending = false; // no SUBSCRIBE of this subscription is answered until mesos.api's next attempt
            engine.offers.dropHeld();
            if (resubscribeWhenAnswered) {
                resubscribeWhenAnswered = false;
                LOG.warn("{}: {} ({}); resubscribing as framework {} with the new settings", engine.name, d.reason(),
                        d.message(), frameworkIdText("(new)"));
                current.close();
                current = null;
                subscribe();
                return;
            }
            if (state == State.SUBSCRIBED) {
                LOG.warn("{}: {} ({}); mesos.api resubscribes as framework {}", engine.name, d.reason(), d.message(),
                        frameworkIdText("(new)"));
            } else {
                // a failed attempt while not subscribed: mesos.api has logged it with its next attempt's delay
                LOG.debug("{}: {} ({}); mesos.api resubscribes as framework {}", engine.name, d.reason(),
                        d.message(), frameworkIdText("(new)"));
            }
            transition(everSubscribed ? State.RECONNECTING : State.SUBSCRIBING);
        }
    }

    private void onTerminated(Subscription sub, Disconnect d) {
        if (sub == replaced) {
            replaced = null;
            replacedSettings = null;
        }
        if (sub != current || stopping()) {
            return;
        }
        if (replaced != null && replaced.isSubscribed()) {
            refused(d);
            return;
        }
        current = null;
        answerPending = false;
        resubscribeWhenAnswered = false; // the resubscription below takes the new settings
        engine.offers.dropHeld();
        boolean removed = d.reason() == Disconnect.Reason.TORN_DOWN
                || d.reason() == Disconnect.Reason.ERROR_EVENT && d.message().contains("has been removed");
        if (removed) {
            LOG.error("{}: framework {} was removed by Mesos ({}); its tasks are gone, registering a new framework",
                    engine.name, frameworkIdText("?"), d.message());
            frameworkRemoved(d.message());
        } else if (refusal(d) && d.message().contains("principal is not allowed")) {
            String id = frameworkIdText("?");
            String why = "the master refuses to let framework " + id + " change its principal (" + d.message()
                    + "): restore the principal it was registered with, or tear framework " + id + " down at the"
                    + " master (its tasks end) so that a new framework registers";
            if (!why.equals(problem)) {
                LOG.error("{}: {}; retrying meanwhile", engine.name, why);
            }
            problem = why;
        } else {
            if (refusal(d)) {
                problem = "the master refused or ended the subscription: " + d.message();
            }
            LOG.warn("{}: subscription ended ({}: {}); resubscribing as framework {}", engine.name, d.reason(),
                    d.message(), frameworkIdText("(new)"));
        }
        transition(State.RECONNECTING);
        scheduleResubscribe();
    }

    /**
     * The master refused the subscription made with new settings (e.g. "Changing framework's principal is not
     * allowed"), while the one it replaces is still subscribed: that one goes on, with the settings it was made with.
     */
    private void refused(Disconnect d) {
        Settings previous = replacedSettings;
        problem = "the master refused new settings (" + d.message() + "); the previous ones stay in force";
        LOG.error("{}: the master refused the new settings ({}: {}); framework {} goes on with the previous ones",
                engine.name, d.reason(), d.message(), frameworkIdText("?"));
        if (engine.client != previous.client()) {
            engine.client.close();
            retiredClients.remove(previous.client());
            closeRetiredClients(); // any left were made by reconfigurations in between, and never subscribed
        }
        engine.client = previous.client();
        engine.clientConfig = previous.clientConfig();
        engine.framework = previous.framework();
        engine.intake = new OfferIntake(previous.framework().role());
        current = replaced;
        currentSettings = previous;
        replaced = null;
        replacedSettings = null;
        answerPending = false;
        resubscribeWhenAnswered = false;
        transition(State.SUBSCRIBED);
    }

    /** An end that is the master's answer to a SUBSCRIBE: an ERROR event or an HTTP error. */
    private static boolean refusal(Disconnect d) {
        return d.reason() == Disconnect.Reason.ERROR_EVENT || d.reason() == Disconnect.Reason.HTTP_ERROR;
    }

    private void scheduleResubscribe() {
        EventLoop.cancel(resubscribeTimer);
        long min = engine.clientConfig.backoffMin().toNanos();
        long max = engine.clientConfig.backoffMax().toNanos();
        long base = min << Math.min(20, resubscribeAttempts++);
        long capped = base <= 0 || base > max ? max : base;
        long delay = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        resubscribeTimer = engine.loop.schedule(this::subscribe, Duration.ofNanos(delay));
    }

    private void frameworkRemoved(String message) {
        try {
            engine.idStore.clear();
        } catch (RuntimeException e) {
            LOG.warn("{}: could not clear the framework id in {}: {}", engine.name, engine.idStore, e.toString());
        }
        frameworkId = null;
        for (TaskRecord r : engine.tasks.all()) {
            if (r.phase == TaskPhase.PENDING) {
                continue; // still wanted: launched under the new framework
            }
            engine.tasks.end(r, TaskState.TASK_LOST, TaskStatus.Reason.REASON_FRAMEWORK_REMOVED,
                    "the framework was removed by Mesos: " + message, null);
        }
    }

    void reconfigure(MesosClientConfig newClient, FrameworkSettings newFramework, SchedulerSettings newSettings) {
        if (stopping()) {
            return;
        }
        engine.settings = newSettings;
        MesosClientConfig clientConfig = engine.clientConfig;
        boolean clientChanged = !newClient.toString().equals(clientConfig.toString())
                || !newClient.secret().equals(clientConfig.secret());
        boolean frameworkChanged = !newFramework.equals(engine.framework);
        if (!clientChanged && !frameworkChanged) {
            LOG.info("{}: scheduler settings updated", engine.name);
            return;
        }
        if (clientChanged && !engine.ownsClient) {
            LOG.warn("{}: the client is shared, its settings cannot change here; only framework and scheduler"
                    + " settings applied", engine.name);
            clientChanged = false;
        }
        LOG.info("{}: resubscribing as framework {} with new {}{}", engine.name, frameworkIdText("(new)"),
                clientChanged ? "client settings " : "", frameworkChanged ? "framework settings" : "");
        engine.framework = newFramework;
        engine.intake = new OfferIntake(newFramework.role());
        if (clientChanged) {
            retiredClients.add(engine.client);
            engine.clientConfig = newClient;
            engine.client = MesosClient.create(newClient);
        }
        if (current != null && answerPending) {
            LOG.info("{}: the new settings apply once the SUBSCRIBE in flight is answered", engine.name);
            resubscribeWhenAnswered = true;
            return;
        }
        replaceCurrent();
    }

    /**
     * Subscribes with the settings now in force. The current subscription, if any, stays open until the new one is
     * subscribed: the master then fails the old stream over to the new one instead of seeing the framework disconnect.
     */
    private void replaceCurrent() {
        if (current != null) {
            if (replaced != null) {
                replaced.close();
            }
            replaced = current;
            replacedSettings = currentSettings;
            current = null;
        }
        EventLoop.cancel(resubscribeTimer);
        subscribe();
    }

    void stop() {
        if (stopping()) {
            return;
        }
        boolean teardown = engine.settings.teardownOnStop();
        LOG.info("{}: stopping ({})", engine.name, teardown ? "TEARDOWN: Mesos kills every task"
                : "closing the stream; tasks keep running for a failover");
        Subscription sub = current;
        boolean subscribed = state == State.SUBSCRIBED && sub != null;
        transition(State.STOPPING);
        EventLoop.cancel(resubscribeTimer);
        engine.reconciler.stop();
        engine.stopTick();
        engine.supply.stop();
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        engine.offers.stop(subscribed ? sub : null, calls);
        for (TaskRecord r : engine.tasks.pendingRecords()) {
            engine.tasks.failLaunch(r, Kind.STOPPED, "the scheduler stopped before the task was placed", null);
            engine.tasks.end(r, TaskState.TASK_KILLED, null, "the scheduler stopped before the task was launched",
                    true);
        }
        for (TaskRecord r : engine.tasks.live()) {
            engine.tasks.failLaunch(r, Kind.STOPPED, "the scheduler stopped before the task was running", null);
        }
        engine.kills.stopRetrying();
        CompletableFuture<Void> declined = CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
        if (teardown && subscribed) {
            declined.thenCompose(v -> sub.teardown()).whenComplete((v, e) -> engine.loop.post(() -> {
                if (e != null && !alreadyRemoved(e)) {
                    LOG.warn("{}: TEARDOWN failed: {}", engine.name, e.toString());
                } else {
                    if (e != null) {
                        // the master answers a call of a framework it no longer has so: the teardown's goal holds
                        LOG.info("{}: TEARDOWN: the master had already removed the framework", engine.name);
                    }
                    try {
                        engine.idStore.clear();
                    } catch (RuntimeException ex) {
                        LOG.warn("{}: could not clear the framework id: {}", engine.name, ex.toString());
                    }
                    for (TaskRecord r : engine.tasks.all()) {
                        engine.tasks.end(r, TaskState.TASK_KILLED, TaskStatus.Reason.REASON_FRAMEWORK_REMOVED,
                                "the framework was torn down", null);
                    }
                }
                finishStop(sub);
            }));
        } else {
            declined.whenComplete((v, e) -> engine.loop.post(() -> finishStop(sub)));
        }
    }

    private void finishStop(Subscription sub) {
        if (sub != null) {
            sub.close();
        }
        if (replaced != null) {
            replaced.close();
        }
        closeRetiredClients();
        if (engine.ownsClient) {
            engine.client.close();
        }
        engine.kills.stopped();
        // without TEARDOWN the tasks keep running for a failover, but this scheduler will say nothing more of them
        String failover = "the scheduler stopped and will report nothing more of this task; it was left running"
                + " for a failover of framework " + frameworkIdText("?");
        for (TaskRecord r : engine.tasks.all()) {
            engine.tasks.end(r, TaskState.TASK_UNKNOWN, null, failover, false);
        }
        transition(State.STOPPED);
        LOG.info("{}: stopped", engine.name);
        engine.loop.shutdown();
        engine.stopped.complete(null);
    }

    private void closeRetiredClients() {
        for (MesosClient c : retiredClients) {
            c.close();
        }
        retiredClients.clear();
    }

    /** Whether a failed call says the master no longer knows this framework ("Framework cannot be found"). */
    private static boolean alreadyRemoved(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof Mesos4xxException
                && String.valueOf(cause.getMessage()).contains("Framework cannot be found");
    }
}
