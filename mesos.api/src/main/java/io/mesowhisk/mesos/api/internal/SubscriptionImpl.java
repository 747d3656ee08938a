package io.mesowhisk.mesos.api.internal;

import com.google.protobuf.ByteString;
import io.mesowhisk.mesos.api.Disconnect;
import io.mesowhisk.mesos.api.Disconnect.Reason;
import io.mesowhisk.mesos.api.EncodedOffers;
import io.mesowhisk.mesos.api.Encoding;
import io.mesowhisk.mesos.api.Mesos4xxException;
import io.mesowhisk.mesos.api.MesosConnectionException;
import io.mesowhisk.mesos.api.MesosException;
import io.mesowhisk.mesos.api.MesosHttpException;
import io.mesowhisk.mesos.api.MesosProtocolException;
import io.mesowhisk.mesos.api.OffersListener;
import io.mesowhisk.mesos.api.Subscription;
import io.mesowhisk.mesos.api.SubscriptionListener;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.ExecutorID;
import io.mesowhisk.mesos.v1.Protos.Filters;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.Protos.KillPolicy;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.Request;
import io.mesowhisk.mesos.v1.Protos.TaskID;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription, written as a state machine whose state is confined to its own single event thread ("loop"):
 * Jetty callbacks and timers only post work to the loop, which applies it in one place ({@code on*} methods) and
 * calls the listener. Each HTTP request of a SUBSCRIBE attempt is a {@link Leg}; work from a leg that is no longer
 * the current one is ignored, so late callbacks of aborted requests cannot disturb the state.
 *
 * <pre>
 * CONNECTING --SUBSCRIBED event--> SUBSCRIBED --stream lost--> WAITING --backoff--> CONNECTING
 * CONNECTING --all masters failed (retryable)--> WAITING
 * any --close / 4xx / ERROR event / teardown / lost without reconnect--> TERMINATED
 * </pre>
 */
final class SubscriptionImpl implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionImpl.class);
    private static final ThreadLocal<Boolean> ON_LOOP = ThreadLocal.withInitial(() -> false);

    enum State { CONNECTING, SUBSCRIBED, WAITING, TERMINATED }

    /** What calls need; published by the loop when SUBSCRIBED, cleared when the stream ends. */
    private record Session(URI endpoint, String streamId, FrameworkID frameworkId) {
    }

    private final JettyMesosClient client;
    private final SubscriptionListener listener;
    /** OFFERS records are not decoded: the listener takes them encoded and the stream is binary protobuf. */
    private final boolean offersEncoded;
    private final String name;
    private final ThreadPoolExecutor loop;
    private final CompletableFuture<Disconnect> terminated = new CompletableFuture<>();

    // confined to the loop
    private State state = State.CONNECTING;
    private FrameworkInfo frameworkInfo;
    private List<URI> masters = List.of();
    private int masterIndex;
    private int redirects;
    private int failedAttempts;
    private Leg current;
    private ScheduledFuture<?> retry;

    // read by any thread
    private volatile Session session;
    private volatile FrameworkID frameworkId;
    private volatile boolean teardownSent;

    SubscriptionImpl(JettyMesosClient client, FrameworkInfo frameworkInfo, SubscriptionListener listener, String name) {
        this.client = client;
        this.frameworkInfo = frameworkInfo;
        this.listener = listener;
        this.offersEncoded = listener instanceof OffersListener && client.codec().encoding() == Encoding.PROTOBUF;
        this.name = name;
        if (frameworkInfo.hasId() && !frameworkInfo.getId().getValue().isEmpty()) {
            this.frameworkId = frameworkInfo.getId();
        }
        this.loop = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(() -> {
                ON_LOOP.set(true);
                r.run();
            }, name);
            t.setDaemon(true);
            return t;
        });
    }

    static boolean onSubscriptionThread() {
        return ON_LOOP.get();
    }

    void start() {
        post(this::connect);
    }

    private void post(Runnable work) {
        try {
            loop.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.error("{}: internal error, ending the subscription", name, e);
                    terminate(Reason.PROTOCOL_ERROR, "internal error: " + e, e);
                }
            });
        } catch (RejectedExecutionException e) {
            // terminated: nothing to do any more
        }
    }

    // ---------------------------------------------------------------- state machine (loop thread only)

    private void connect() {
        if (state == State.TERMINATED) {
            return;
        }
        state = State.CONNECTING;
        retry = null;
        try {
            masters = client.candidates();
        } catch (RuntimeException e) {
            attemptFailed(Reason.CONNECTION_FAILED, e instanceof MesosException ? (MesosException) e
                    : new MesosConnectionException("master detection failed: " + e, e));
            return;
        }
        masterIndex = 0;
        startLeg(HttpSupport.endpoint(masters.get(0)), 0);
    }

    private void startLeg(URI endpoint, int redirectCount) {
        redirects = redirectCount;
        Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(frameworkInfo));
        if (frameworkInfo.hasId()) {
            call.setFrameworkId(frameworkInfo.getId());
        }
        Leg leg = new Leg(endpoint);
        current = leg;
        LOG.debug("{}: SUBSCRIBE to {}", name, endpoint);
        leg.send(client.codec().encode(call.build()));
    }

    private void onLegResponse(Leg leg, int status, Map<String, List<String>> headers, String body) {
        if (leg != current) {
            return;
        }
        leg.cancelWatchdog();
        MesosHttpException error = MesosHttpException.of(status, leg.endpoint, headers, body);
        if (status == 307) {
            List<String> location = headers.get("location");
            if (location == null || location.isEmpty()) {
                nextMaster(error);
            } else if (redirects >= client.cfg().maxRedirects()) {
                nextMaster(new MesosConnectionException("SUBSCRIBE: gave up after " + redirects
                        + " redirects, the last from " + leg.endpoint + " to " + location.get(0)));
            } else {
                try {
                    URI target = HttpSupport.resolveRedirect(leg.endpoint, location.get(0));
                    LOG.info("{}: {} is not the leader, redirected to {}", name, leg.endpoint, target);
                    startLeg(target, redirects + 1);
                } catch (IllegalArgumentException e) {
                    nextMaster(MesosHttpException.of(status, leg.endpoint, headers, e.getMessage()));
                }
            }
        } else if (error instanceof Mesos4xxException) {
            // 401, 400, 415...: trying again cannot help
            terminate(Reason.HTTP_ERROR, "SUBSCRIBE rejected: " + error.getMessage(), error);
        } else {
            LOG.info("{}: SUBSCRIBE to {} failed: {}", name, leg.endpoint, error.getMessage());
            nextMaster(error);
        }
    }

    private void onLegFailed(Leg leg, Throwable failure) {
        if (leg != current) {
            return;
        }
        leg.cancelWatchdog();
        MesosException e = failure instanceof MesosException ? (MesosException) failure
                : new MesosConnectionException("Cannot reach the master at " + leg.endpoint + ": " + failure, failure);
        LOG.info("{}: SUBSCRIBE to {} failed: {}", name, leg.endpoint, e.getMessage());
        nextMaster(e);
    }

    private void nextMaster(MesosException failure) {
        masterIndex++;
        if (masterIndex < masters.size()) {
            startLeg(HttpSupport.endpoint(masters.get(masterIndex)), 0);
        } else {
            attemptFailed(failure instanceof MesosHttpException ? Reason.HTTP_ERROR
                    : failure instanceof MesosProtocolException ? Reason.PROTOCOL_ERROR : Reason.CONNECTION_FAILED,
                    failure);
        }
    }

    private void onEvent(Leg leg, Event event) {
        if (leg != current) {
            return;
        }
        if (state == State.CONNECTING) {
            if (event.getType() == Event.Type.SUBSCRIBED) {
                subscribed(leg, event.getSubscribed());
            } else if (event.getType() == Event.Type.ERROR) {
                notifyEvent(event);
                terminate(Reason.ERROR_EVENT, "Subscription refused by the master: " + event.getError().getMessage(),
                        null);
            } else {
                leg.abort(new MesosProtocolException("Expected SUBSCRIBED as the first event from " + leg.endpoint
                        + ", got " + event.getType()));
            }
            return;
        }
        if (state != State.SUBSCRIBED) {
            return;
        }
        notifyEvent(event);
        if (event.getType() == Event.Type.ERROR && state == State.SUBSCRIBED) {
            terminate(Reason.ERROR_EVENT, "The master sent ERROR: " + event.getError().getMessage(), null);
        }
    }

    /** An OFFERS event left encoded, for an {@link OffersListener}: the same rules as {@link #onEvent}. */
    private void onOffers(Leg leg, EncodedOffers offers) {
        if (leg != current) {
            return;
        }
        if (state == State.CONNECTING) {
            leg.abort(new MesosProtocolException("Expected SUBSCRIBED as the first event from " + leg.endpoint
                    + ", got OFFERS"));
            return;
        }
        if (state == State.SUBSCRIBED) {
            notifyOffers(offers);
        }
    }

    private void subscribed(Leg leg, Event.Subscribed subscribed) {
        FrameworkID id = subscribed.getFrameworkId();
        frameworkId = id;
        frameworkInfo = frameworkInfo.toBuilder().setId(id).build(); // resubscribe as the same framework
        double interval = subscribed.hasHeartbeatIntervalSeconds() ? subscribed.getHeartbeatIntervalSeconds() : 15.0;
        leg.subscribed(interval);
        session = new Session(leg.endpoint, leg.streamId, id);
        client.leader(HttpSupport.base(leg.endpoint));
        state = State.SUBSCRIBED;
        failedAttempts = 0;
        LOG.info("{}: subscribed to {} as framework {} (heartbeat {} s)", name, leg.endpoint, id.getValue(), interval);
        try {
            listener.subscribed(this, subscribed);
        } catch (RuntimeException e) {
            LOG.warn("{}: listener.subscribed threw", name, e);
        }
    }

    private void onStreamEnded(Leg leg, Throwable failure) {
        if (leg != current) {
            return;
        }
        leg.cancelWatchdog();
        session = null;
        boolean wasSubscribed = state == State.SUBSCRIBED;
        if (teardownSent && wasSubscribed) {
            terminate(Reason.TORN_DOWN, "The framework was torn down", null);
            return;
        }
        Reason reason;
        MesosException cause;
        if (failure instanceof HeartbeatTimeoutException h) {
            reason = Reason.HEARTBEAT_TIMEOUT;
            cause = h;
        } else if (failure instanceof MesosProtocolException p) {
            reason = Reason.PROTOCOL_ERROR;
            cause = p;
        } else if (failure == null) {
            reason = Reason.STREAM_ENDED;
            cause = new MesosConnectionException("The master at " + leg.endpoint + " ended the event stream");
        } else {
            reason = Reason.STREAM_ENDED;
            cause = new MesosConnectionException("The event stream from " + leg.endpoint + " broke: " + failure,
                    failure);
        }
        if (!wasSubscribed) {
            // the stream ended before SUBSCRIBED: treat like a failed master and try the next
            nextMaster(cause);
            return;
        }
        attemptFailed(reason, cause);
    }

    private void attemptFailed(Reason reason, MesosException cause) {
        current = null;
        session = null;
        if (!client.cfg().reconnect() || client.isClosed()) {
            terminate(reason, cause.getMessage(), cause);
            return;
        }
        long delay = client.backoff().delayNanos(failedAttempts++);
        state = State.WAITING;
        String message = cause.getMessage() + "; resubscribing in " + TimeUnit.NANOSECONDS.toMillis(delay) + " ms";
        LOG.warn("{}: {}", name, message);
        notifyDisconnected(new Disconnect(reason, message, cause, true));
        try {
            retry = client.timer().schedule(() -> post(this::connect), delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            terminate(Reason.CLOSED, "The Mesos client was closed", null);
        }
    }

    private void terminate(Reason reason, String message, Throwable cause) {
        if (state == State.TERMINATED) {
            return;
        }
        state = State.TERMINATED;
        session = null;
        if (retry != null) {
            retry.cancel(false);
        }
        Leg leg = current;
        current = null;
        if (leg != null) {
            leg.cancelWatchdog();
            leg.abort(new MesosException("Subscription ended: " + message));
        }
        Disconnect d = new Disconnect(reason, message, cause, false);
        if (reason == Reason.CLOSED || reason == Reason.TORN_DOWN) {
            LOG.info("{}: {}", name, message);
        } else {
            LOG.warn("{}: subscription ended: {}", name, message);
        }
        notifyDisconnected(d);
        client.removed(this);
        terminated.complete(d);
        loop.shutdown();
    }

    private void notifyEvent(Event event) {
        if (event.getType() == Event.Type.OFFERS && listener instanceof OffersListener) {
            notifyOffers(EncodedOffers.of(event.getOffers().getOffersList())); // decoded from JSON
            return;
        }
        try {
            listener.event(this, event);
        } catch (RuntimeException e) {
            LOG.warn("{}: listener.event threw on {}", name, event.getType(), e);
        }
    }

    private void notifyOffers(EncodedOffers offers) {
        try {
            ((OffersListener) listener).offers(this, offers);
        } catch (RuntimeException e) {
            LOG.warn("{}: listener.offers threw on {}", name, offers, e);
        }
    }

    private void notifyDisconnected(Disconnect d) {
        try {
            listener.disconnected(this, d);
        } catch (RuntimeException e) {
            LOG.warn("{}: listener.disconnected threw", name, e);
        }
    }

    // ---------------------------------------------------------------- one SUBSCRIBE request

    /**
     * One SUBSCRIBE HTTP request. Jetty calls its listener methods one at a time for this response; records are
     * decoded right there, as bytes arrive, and the decoded events are posted to the loop in order.
     */
    private final class Leg implements Response.Listener {
        final URI endpoint;
        final RecordIODecoder decoder = new RecordIODecoder(client.cfg().maxRecordBytes());
        final long startNanos = System.nanoTime();
        volatile org.eclipse.jetty.client.Request request;
        volatile boolean streaming;
        volatile String streamId;
        volatile long lastEventNanos = System.nanoTime();
        volatile double heartbeatSeconds = -1;
        private ScheduledFuture<?> watchdog;
        private long watchdogGeneration;
        private ByteArrayOutputStream errorBody;

        Leg(URI endpoint) {
            this.endpoint = endpoint;
        }

        void send(byte[] body) {
            org.eclipse.jetty.client.Request r = client.newRequest(endpoint, body, null)
                    .idleTimeout(0, TimeUnit.MILLISECONDS); // liveness is the watchdog's job
            request = r;
            scheduleWatchdog(client.cfg().requestTimeout().toNanos());
            r.send(this);
        }

        void abort(Throwable why) {
            org.eclipse.jetty.client.Request r = request;
            if (r != null) {
                r.abort(why);
            }
        }

        /** Called on the loop when SUBSCRIBED arrived: from now on the heartbeat decides. */
        void subscribed(double intervalSeconds) {
            heartbeatSeconds = intervalSeconds;
            scheduleWatchdog(budgetNanos() - (System.nanoTime() - lastEventNanos));
        }

        long budgetNanos() {
            double hb = heartbeatSeconds;
            if (hb < 0) {
                return client.cfg().requestTimeout().toNanos();
            }
            return (long) (hb * 1e9 * client.cfg().heartbeatMaxFailures()) + client.cfg().heartbeatGrace().toNanos();
        }

        /** Replaces any pending check by one in {@code delayNanos}; each check belongs to one generation. */
        private synchronized void scheduleWatchdog(long delayNanos) {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            long gen = ++watchdogGeneration;
            try {
                watchdog = client.timer().schedule(() -> checkLiveness(gen), Math.max(delayNanos, 1_000_000),
                        TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                watchdog = null; // client closing
            }
        }

        synchronized void cancelWatchdog() {
            watchdogGeneration++;
            if (watchdog != null) {
                watchdog.cancel(false);
                watchdog = null;
            }
        }

        /** Timer thread: declare the stream dead if nothing arrived within the budget, else check again later. */
        private void checkLiveness(long gen) {
            synchronized (this) {
                if (gen != watchdogGeneration) {
                    return; // cancelled or replaced
                }
            }
            long budget = budgetNanos();
            long idle = System.nanoTime() - lastEventNanos;
            if (idle < budget) {
                scheduleWatchdog(budget - idle);
                return;
            }
            double hb = heartbeatSeconds;
            MesosConnectionException dead;
            if (hb >= 0) {
                dead = new HeartbeatTimeoutException(String.format(
                        "No event from %s for %d ms (heartbeat interval %s s × %d failures + grace %d ms): stream declared dead",
                        endpoint, TimeUnit.NANOSECONDS.toMillis(idle), hb, client.cfg().heartbeatMaxFailures(),
                        client.cfg().heartbeatGrace().toMillis()));
            } else {
                dead = new MesosConnectionException("No SUBSCRIBED event from " + endpoint + " within the request timeout of "
                        + client.cfg().requestTimeout());
            }
            abort(dead);
        }

        @Override
        public void onHeaders(Response response) {
            if (response.getStatus() != 200) {
                return;
            }
            String contentType = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
            String expected = client.codec().encoding().mediaType();
            String id = response.getHeaders().get(HttpSupport.STREAM_ID);
            if (!HttpSupport.sameMediaType(contentType, expected)) {
                response.abort(new MesosProtocolException("SUBSCRIBE response from " + endpoint + " has Content-Type '"
                        + contentType + "', expected '" + expected + "'"));
            } else if (id == null || id.isBlank()) {
                response.abort(new MesosProtocolException("SUBSCRIBE response from " + endpoint + " has no "
                        + HttpSupport.STREAM_ID + " header"));
            } else {
                streamId = id.strip();
                streaming = true;
            }
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            if (!streaming) {
                if (response.getStatus() != 200) {
                    if (errorBody == null) {
                        errorBody = new ByteArrayOutputStream();
                    }
                    int room = HttpSupport.MAX_ERROR_BODY - errorBody.size();
                    int n = Math.min(room, content.remaining());
                    if (n > 0) {
                        byte[] b = new byte[n];
                        content.get(b);
                        errorBody.writeBytes(b);
                    }
                }
                content.position(content.limit());
                return;
            }
            try {
                decoder.decode(content, record -> {
                    lastEventNanos = System.nanoTime();
                    if (offersEncoded && EncodedOffers.isOffersEvent(record)) {
                        EncodedOffers offers = EncodedOffers.fromEvent(record);
                        post(() -> onOffers(this, offers));
                        return;
                    }
                    Event event = client.codec().decodeEvent(record);
                    post(() -> onEvent(this, event));
                });
            } catch (MesosProtocolException e) {
                response.abort(e);
            }
        }

        @Override
        public void onComplete(Result result) {
            Response response = result.getResponse();
            int status = response == null ? 0 : response.getStatus();
            if (streaming) {
                Throwable failure = result.getFailure();
                if (failure == null) {
                    try {
                        decoder.finish();
                    } catch (MesosProtocolException e) {
                        failure = e;
                    }
                } else if (!(failure instanceof MesosException) && !decoder.atBoundary()) {
                    failure = new MesosProtocolException("The event stream from " + endpoint
                            + " was cut inside a record (" + failure + ")", failure);
                }
                Throwable f = failure;
                post(() -> onStreamEnded(this, f));
            } else if (status == 0 || status == 200) {
                Throwable f = result.getFailure() != null ? result.getFailure()
                        : new MesosProtocolException("SUBSCRIBE response from " + endpoint + " ended without a stream");
                post(() -> onLegFailed(this, f));
            } else {
                String body = errorBody == null ? "" : errorBody.toString(StandardCharsets.UTF_8);
                var headers = HttpSupport.headers(response.getHeaders());
                post(() -> onLegResponse(this, status, headers, body));
            }
        }
    }

    // ---------------------------------------------------------------- API

    @Override
    public Optional<FrameworkID> frameworkId() {
        return Optional.ofNullable(frameworkId);
    }

    @Override
    public boolean isSubscribed() {
        return session != null;
    }

    @Override
    public CompletionStage<Disconnect> terminated() {
        return terminated.copy();
    }

    @Override
    public void close() {
        post(() -> terminate(Reason.CLOSED, "Subscription closed by the framework", null));
    }

    @Override
    public CompletionStage<Void> call(Call call) {
        Objects.requireNonNull(call, "call");
        if (call.getType() == Call.Type.SUBSCRIBE) {
            throw new IllegalArgumentException("SUBSCRIBE cannot be sent as a call: use MesosClient.subscribe");
        }
        Session s = session;
        if (s == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Cannot send " + call.getType() + ": "
                    + name + " is not subscribed (" + (terminated.isDone() ? "ended" : "connecting") + ")"));
        }
        Call complete = call.hasFrameworkId() ? call : call.toBuilder().setFrameworkId(s.frameworkId()).build();
        return client.send(s.endpoint(), s.streamId(), complete);
    }

    /** A call of ours: the framework id is set while it is built, not by copying the built call. */
    private CompletionStage<Void> call(Call.Builder call) {
        Session s = session;
        if (s != null && !call.hasFrameworkId()) {
            call.setFrameworkId(s.frameworkId());
        }
        return call(call.build());
    }

    @Override
    public CompletionStage<Void> accept(Collection<OfferID> offerIds, Collection<Offer.Operation> operations,
            Filters filters) {
        Call.Accept.Builder accept = Call.Accept.newBuilder().addAllOfferIds(offerIds).addAllOperations(operations);
        if (filters != null) {
            accept.setFilters(filters);
        }
        return call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(accept));
    }

    @Override
    public CompletionStage<Void> decline(Collection<OfferID> offerIds, Filters filters) {
        Call.Decline.Builder decline = Call.Decline.newBuilder().addAllOfferIds(offerIds);
        if (filters != null) {
            decline.setFilters(filters);
        }
        return call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(decline));
    }

    @Override
    public CompletionStage<Void> kill(TaskID taskId, AgentID agentId, KillPolicy killPolicy) {
        Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(Objects.requireNonNull(taskId, "taskId"));
        if (agentId != null) {
            kill.setAgentId(agentId);
        }
        if (killPolicy != null) {
            kill.setKillPolicy(killPolicy);
        }
        return call(Call.newBuilder().setType(Call.Type.KILL).setKill(kill));
    }

    @Override
    public CompletionStage<Void> acknowledge(AgentID agentId, TaskID taskId, ByteString uuid) {
        return call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                .setAgentId(Objects.requireNonNull(agentId, "agentId"))
                .setTaskId(Objects.requireNonNull(taskId, "taskId"))
                .setUuid(Objects.requireNonNull(uuid, "uuid"))));
    }

    @Override
    public CompletionStage<Void> acknowledge(TaskStatus status) {
        Objects.requireNonNull(status, "status");
        if (!status.hasUuid() || !status.hasAgentId()) {
            throw new IllegalArgumentException("Cannot acknowledge the update of task " + status.getTaskId().getValue()
                    + " (" + status.getState() + "): it has no " + (status.hasUuid() ? "agent_id" : "uuid")
                    + "; only updates with a uuid from an agent are acknowledged");
        }
        return acknowledge(status.getAgentId(), status.getTaskId(), status.getUuid());
    }

    @Override
    public CompletionStage<Void> reconcile(Collection<Call.Reconcile.Task> tasks) {
        return call(Call.newBuilder().setType(Call.Type.RECONCILE)
                .setReconcile(Call.Reconcile.newBuilder().addAllTasks(tasks)));
    }

    @Override
    public CompletionStage<Void> revive(Collection<String> roles) {
        return call(Call.newBuilder().setType(Call.Type.REVIVE).setRevive(Call.Revive.newBuilder().addAllRoles(roles)));
    }

    @Override
    public CompletionStage<Void> suppress(Collection<String> roles) {
        return call(Call.newBuilder().setType(Call.Type.SUPPRESS)
                .setSuppress(Call.Suppress.newBuilder().addAllRoles(roles)));
    }

    @Override
    public CompletionStage<Void> teardown() {
        teardownSent = true;
        return call(Call.newBuilder().setType(Call.Type.TEARDOWN)).whenComplete((ok, failure) -> {
            if (failure != null) {
                teardownSent = false;
            }
        });
    }

    @Override
    public CompletionStage<Void> shutdown(ExecutorID executorId, AgentID agentId) {
        return call(Call.newBuilder().setType(Call.Type.SHUTDOWN).setShutdown(Call.Shutdown.newBuilder()
                .setExecutorId(Objects.requireNonNull(executorId, "executorId"))
                .setAgentId(Objects.requireNonNull(agentId, "agentId"))));
    }

    @Override
    public CompletionStage<Void> message(AgentID agentId, ExecutorID executorId, ByteString data) {
        return call(Call.newBuilder().setType(Call.Type.MESSAGE).setMessage(Call.Message.newBuilder()
                .setAgentId(Objects.requireNonNull(agentId, "agentId"))
                .setExecutorId(Objects.requireNonNull(executorId, "executorId"))
                .setData(Objects.requireNonNull(data, "data"))));
    }

    @Override
    public CompletionStage<Void> request(Collection<Request> requests) {
        return call(Call.newBuilder().setType(Call.Type.REQUEST)
                .setRequest(Call.Request.newBuilder().addAllRequests(requests)));
    }

    @Override
    public String toString() {
        FrameworkID id = frameworkId;
        return "Subscription[" + name + ", framework " + (id == null ? "(none yet)" : id.getValue())
                + (session != null ? ", subscribed" : "") + "]";
    }
}
