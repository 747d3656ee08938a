package io.mesowhisk.mesos.api.internal;

import io.mesowhisk.mesos.api.MasterDetector;
import io.mesowhisk.mesos.api.MesosClient;
import io.mesowhisk.mesos.api.MesosClientConfig;
import io.mesowhisk.mesos.api.Mesos5xxException;
import io.mesowhisk.mesos.api.MesosConnectionException;
import io.mesowhisk.mesos.api.MesosException;
import io.mesowhisk.mesos.api.MesosHttpException;
import io.mesowhisk.mesos.api.Subscription;
import io.mesowhisk.mesos.api.SubscriptionListener;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MesosClient} on the Jetty 12 HttpClient. Each SUBSCRIBE holds its own HTTP/1.1 connection for the stream
 * (a connection with a response in progress is never shared); calls use other pooled connections.
 */
public final class JettyMesosClient implements MesosClient {
    private static final Logger LOG = LoggerFactory.getLogger(JettyMesosClient.class);
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    /** Calls waiting for a connection to the master, beyond which a call fails at once (Jetty counts per master). */
    static final int MAX_QUEUED_CALLS = 1 << 20;

    private final MesosClientConfig config;
    private final MessageCodec codec;
    private final MasterDetector detector;
    private final Backoff backoff;
    private final HttpClient http;
    private final ScheduledExecutorService timer;
    /** {@code Basic ...}, or null; never logged or printed. */
    private final String authorization;
    private final Set<SubscriptionImpl> subscriptions = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger subscriptionIds = new AtomicInteger();
    private final int id = CLIENTS.incrementAndGet();
    /** The last master that accepted a request: tried first next time. */
    private volatile URI lastLeader;

    public JettyMesosClient(MesosClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.codec = MessageCodec.of(config.encoding());
        this.detector = config.masterDetector().orElseGet(() -> {
            List<URI> masters = config.masters();
            return () -> masters;
        });
        this.backoff = new Backoff(config.backoffMin(), config.backoffMax());
        this.authorization = config.principal().map(p -> "Basic " + Base64.getEncoder().encodeToString(
                (p + ":" + config.secret().orElseThrow()).getBytes(StandardCharsets.UTF_8))).orElse(null);

        ClientConnector connector = new ClientConnector();
        connector.setConnectTimeout(config.connectTimeout());
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        config.trustStore().ifPresent(path -> {
            ssl.setTrustStorePath(path.toString());
            ssl.setTrustStoreType(config.trustStoreType());
            config.trustStorePassword().ifPresent(ssl::setTrustStorePassword);
        });
        connector.setSslContextFactory(ssl);
        QueuedThreadPool pool = new QueuedThreadPool();
        pool.setName("mesos-client-" + id + "-http");
        pool.setDaemon(true);
        connector.setExecutor(pool);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setExecutor(pool);
        // a framework sends its calls in bursts (an ACKNOWLEDGE per update, a KILL per task: thousands at once when
        // many tasks change together); Jetty's default of 1,024 queued requests rejected the rest, to be retried
        // by Mesos or by us seconds later. Calls wait for one of the connections instead.
        client.setMaxRequestsQueuedPerDestination(MAX_QUEUED_CALLS);
        client.setFollowRedirects(false); // 307 is followed here, to learn the leader and bound the chain
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "mesowhisk-mesos-api"));
        // Mesos's API has no cookies: none kept, and no cookie lookup on every call
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        try {
            client.start();
        } catch (Exception e) {
            throw new MesosException("Cannot start the HTTP client (" + config + "): " + e.getMessage(), e);
        }
        // 401 must reach us as a typed error, not trigger Jetty's own authentication round trips
        client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        client.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
        this.http = client;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mesos-client-" + id + "-timer");
            t.setDaemon(true);
            return t;
        });
        LOG.debug("Mesos client {} started: {}", id, config);
    }

    @Override
    public MesosClientConfig config() {
        return config;
    }

    @Override
    public Subscription subscribe(FrameworkInfo frameworkInfo, SubscriptionListener listener) {
        Objects.requireNonNull(frameworkInfo, "frameworkInfo");
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("Mesos client is closed");
        }
        SubscriptionImpl s = new SubscriptionImpl(this, frameworkInfo, listener,
                "mesos-client-" + id + "-subscription-" + subscriptionIds.incrementAndGet());
        subscriptions.add(s);
        s.start();
        return s;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<CompletableFuture<?>> ends = new ArrayList<>();
        for (SubscriptionImpl s : subscriptions) {
            s.close();
            ends.add(s.terminated().toCompletableFuture());
        }
        if (!SubscriptionImpl.onSubscriptionThread()) {
            try {
                CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Mesos client {}: subscriptions did not end within 5 s of close: {}", id, e.toString());
            }
        }
        timer.shutdownNow();
        try {
            http.stop();
        } catch (Exception e) {
            LOG.warn("Mesos client {}: stopping the HTTP client failed: {}", id, e.toString());
        }
    }

    // ---- shared by subscriptions ----

    MesosClientConfig cfg() {
        return config;
    }

    MessageCodec codec() {
        return codec;
    }

    HttpClient http() {
        return http;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    Backoff backoff() {
        return backoff;
    }

    boolean isClosed() {
        return closed.get();
    }

    void removed(SubscriptionImpl s) {
        subscriptions.remove(s);
    }

    void leader(URI base) {
        lastLeader = base;
    }

    /** Masters to try for the next SUBSCRIBE: the last known leader, then the detector's, without repeats. */
    List<URI> candidates() {
        Set<URI> ordered = new LinkedHashSet<>();
        URI leader = lastLeader;
        if (leader != null) {
            ordered.add(leader);
        }
        List<URI> detected = detector.masters();
        if (detected == null || detected.isEmpty()) {
            if (leader == null) {
                throw new MesosConnectionException("The master detector " + detector.getClass().getName()
                        + " named no master");
            }
        } else {
            ordered.addAll(detected);
        }
        return List.copyOf(ordered);
    }

    /** A POST to the scheduler endpoint with our encoding and credentials. */
    Request newRequest(URI endpoint, byte[] body, String streamId) {
        String mediaType = codec.encoding().mediaType();
        return http.newRequest(endpoint).method(HttpMethod.POST).headers(h -> {
            h.put(HttpHeader.CONTENT_TYPE, mediaType);
            h.put(HttpHeader.ACCEPT, mediaType);
            if (authorization != null) {
                h.put(HttpHeader.AUTHORIZATION, authorization);
            }
            if (streamId != null) {
                h.put(HttpSupport.STREAM_ID, streamId);
            }
        }).body(new BytesRequestContent(mediaType, body));
    }

    /**
     * Sends a non-SUBSCRIBE call: 202/200 completes the future; 307 is followed (bounded); 503 is retried with
     * backoff while the request timeout allows; anything else fails it with a typed exception.
     *
     * <p>If the request timeout runs out while 503 answers are being retried (the next backoff does not fit, the
     * timer fires the retry too late, or the retry itself is still in flight at the deadline), the call fails with
     * the last 503 as a {@link Mesos5xxException}, its message noting the timeout: the master's answer says why
     * the call failed, a bare timeout would hide it. A timeout before any answer is a
     * {@link MesosConnectionException}.
     */
    CompletableFuture<Void> send(URI endpoint, String streamId, Call call) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        byte[] body;
        try {
            body = codec.encode(call);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return result;
        }
        long deadline = System.nanoTime() + config.requestTimeout().toNanos();
        sendCall(endpoint, streamId, body, call.getType(), 0, 0, null, deadline, result);
        return result;
    }

    /**
     * One attempt of a call.
     *
     * @param retries the number of 503 answers so far
     * @param last503 the last 503 answer, or null if there was none
     */
    private void sendCall(URI endpoint, String streamId, byte[] body, Call.Type type, int redirects, int retries,
            Answer last503, long deadline, CompletableFuture<Void> result) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            result.completeExceptionally(last503 != null ? timedOutAfter503(last503, retries)
                    : new MesosConnectionException(type + " call to " + endpoint
                            + " did not complete within the request timeout of " + config.requestTimeout()));
            return;
        }
        Request request = newRequest(endpoint, body, streamId).timeout(remaining, TimeUnit.NANOSECONDS);
        request.send(new BufferingResponseListener(HttpSupport.MAX_ERROR_BODY) {
            @Override
            public void onComplete(Result r) {
                int status = r.getResponse() == null ? 0 : r.getResponse().getStatus();
                if (r.isFailed() && (status == 0 || r.getResponseFailure() != null)) {
                    Throwable f = r.getFailure();
                    if (last503 != null && (f instanceof TimeoutException || System.nanoTime() - deadline >= 0)) {
                        // the request timeout ran out during a retry: the master's last answer is the news
                        MesosHttpException e = timedOutAfter503(last503, retries);
                        e.addSuppressed(f);
                        result.completeExceptionally(e);
                        return;
                    }
                    MesosConnectionException e = new MesosConnectionException(type + " call to " + endpoint
                            + " failed: " + f, f);
                    if (last503 != null) {
                        e.addSuppressed(last503.toException(null));
                    }
                    result.completeExceptionally(e);
                    return;
                }
                if (status == 202 || status == 200) {
                    result.complete(null);
                    return;
                }
                String text = getContentAsString(StandardCharsets.UTF_8);
                var headers = HttpSupport.headers(r.getResponse().getHeaders());
                if (status == 307) {
                    String location = r.getResponse().getHeaders().get(HttpHeader.LOCATION);
                    if (location == null) {
                        result.completeExceptionally(MesosHttpException.of(status, endpoint, headers,
                                "307 without a Location header. " + text));
                    } else if (redirects >= config.maxRedirects()) {
                        result.completeExceptionally(new MesosConnectionException(type + " call: gave up after "
                                + redirects + " redirects, the last from " + endpoint + " to " + location));
                    } else {
                        try {
                            URI target = HttpSupport.resolveRedirect(endpoint, location);
                            LOG.debug("{} call redirected from {} to {}", type, endpoint, target);
                            sendCall(target, streamId, body, type, redirects + 1, retries, last503, deadline,
                                    result);
                        } catch (IllegalArgumentException e) {
                            result.completeExceptionally(MesosHttpException.of(status, endpoint, headers,
                                    e.getMessage()));
                        }
                    }
                    return;
                }
                if (status == 503) {
                    Answer answer = new Answer(endpoint, headers, text);
                    long delay = backoff.delayNanos(retries);
                    if (closed.get()) {
                        result.completeExceptionally(answer.toException(null));
                        return;
                    }
                    if (System.nanoTime() + delay - deadline >= 0) {
                        result.completeExceptionally(timedOutAfter503(answer, retries + 1));
                        return;
                    }
                    LOG.debug("{} call: 503 from {} ({}), retrying in {} ms", type, endpoint, text.strip(),
                            delay / 1_000_000);
                    try {
                        timer.schedule(() -> sendCall(endpoint, streamId, body, type, redirects, retries + 1,
                                answer, deadline, result), delay, TimeUnit.NANOSECONDS);
                        return;
                    } catch (RejectedExecutionException e) {
                        // the client is closing: report the 503 as is
                        result.completeExceptionally(answer.toException(null));
                        return;
                    }
                }
                result.completeExceptionally(MesosHttpException.of(status, endpoint, headers, text));
            }
        });
    }

    private MesosHttpException timedOutAfter503(Answer last, int answers) {
        return last.toException("the request timeout of " + config.requestTimeout() + " ran out while retrying; "
                + answers + (answers == 1 ? " attempt was" : " attempts were") + " answered 503, this is the last");
    }

    /** A 503 answer, kept to be reported if the retries run out of time. */
    private record Answer(URI endpoint, Map<String, List<String>> headers, String body) {
        MesosHttpException toException(String note) {
            return note == null ? MesosHttpException.of(503, endpoint, headers, body)
                    : new Mesos5xxException(503, endpoint, headers, body, note);
        }
    }
}
