package io.mesowhisk.whisk.internal;

import com.google.gson.JsonElement;
import io.mesowhisk.whisk.ActionResult;
import io.mesowhisk.whisk.ActionResult.Kind;
import io.mesowhisk.whisk.ContainerAddress;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Talks to one OpenWhisk action proxy (the container's port 8080, mapped to a host port): {@code POST /init} and
 * {@code POST /run}, with OpenWhisk's retry and result rules.
 *
 * <ul>
 *   <li>{@code /init} sends {@code {"value": initializer}}; a refused connection (the proxy not listening yet) is
 *       retried every {@value #RETRY_MILLIS} ms until the timeout; any answer or other failure is final. OK only on
 *       200: every other outcome is the developer's.</li>
 *   <li>{@code /run} sends {@code {"value": params, ...environment}} once. 200 with a JSON object without
 *       {@code error}, or with an array: OK; 200 with {@code error}: application error; another status: developer
 *       error; a body that is not a JSON object or array: unparsable; longer than the limit: truncated; the
 *       connection failing or closing before a full answer: connection lost; no full answer in time: timeout.</li>
 * </ul>
 *
 * <p>At most {@code maxConcurrent} requests are in flight at once; later ones wait their turn (OpenWhisk sizes its
 * connection pool the same way). Thread-safe; nothing blocks: results complete on the HTTP client's threads.
 */
final class ActionProxyClient {

    /** Pause between attempts of {@code /init} while the proxy refuses connections. */
    static final long RETRY_MILLIS = 50;
    /** The largest {@code /init} answer read (OpenWhisk reads init answers with its activation entity limit). */
    static final long INIT_RESPONSE_LIMIT = 1024 * 1024;

    private final HttpClient http;
    private final URI base;
    private final Permits permits = new Permits();

    ActionProxyClient(HttpClient http, ContainerAddress address) {
        this.http = Objects.requireNonNull(http, "http");
        this.base = URI.create("http://" + address);
    }

    /** Caps the requests in flight (OpenWhisk's max concurrency of the action); at least 1. */
    void maxConcurrent(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + n);
        }
        permits.limit(n);
    }

    /**
     * {@code POST /init}.
     *
     * @throws IllegalArgumentException (at once) when the initializer is not JSON or the timeout not positive
     */
    CompletionStage<ActionResult> init(String initializerJson, Duration timeout) {
        Json.require(initializerJson, "the initializer");
        positive(timeout);
        String body = "{\"value\":" + initializerJson + "}";
        Instant start = Instant.now();
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<ActionResult> result = new CompletableFuture<>();
        permits.acquire().thenRun(() -> attemptInit(body, start, deadline, result));
        return result.whenComplete((r, e) -> permits.release());
    }

    private void attemptInit(String body, Instant start, long deadline, CompletableFuture<ActionResult> result) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            result.complete(new ActionResult(start, Instant.now(), Optional.empty(), Optional.empty(), Kind.TIMEOUT));
            return;
        }
        post("/init", body, Duration.ofNanos(remaining), INIT_RESPONSE_LIMIT).whenComplete((response, failure) -> {
            Throwable cause = unwrap(failure);
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    CompletableFuture.delayedExecutor(Math.min(RETRY_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1),
                            TimeUnit.MILLISECONDS).execute(() -> attemptInit(body, start, deadline, result));
                    return;
                }
                result.complete(new ActionResult(start, Instant.now(), Optional.empty(), Optional.empty(),
                        Kind.TIMEOUT));
                return;
            }
            if (cause != null) {
                result.complete(failed(start, cause));
                return;
            }
            Body b = response.body();
            Kind kind = b.truncated() ? Kind.TRUNCATED : response.statusCode() == 200 ? Kind.OK : Kind.DEVELOPER_ERROR;
            result.complete(new ActionResult(start, Instant.now(), Optional.of(response.statusCode()),
                    Optional.of(b.text()), kind));
        });
    }

    /**
     * {@code POST /run}, never retried.
     *
     * @throws IllegalArgumentException (at once) when a JSON text is not JSON, an environment key is
     *         {@code value}, or a number is not positive
     */
    CompletionStage<ActionResult> run(String paramsJson, Map<String, String> environmentJson, Duration timeout,
            long maxResponseBytes, boolean truncation) {
        Json.require(paramsJson, "the action's parameters");
        positive(timeout);
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException("maxResponseBytes must be positive, got " + maxResponseBytes);
        }
        StringBuilder body = new StringBuilder("{\"value\":").append(paramsJson);
        environmentJson.forEach((key, value) -> {
            if (key.equals("value")) {
                throw new IllegalArgumentException("the environment must not set \"value\" (the parameters)");
            }
            Json.require(value, "environment field " + key);
            body.append(',').append(Json.quote(key)).append(':').append(value);
        });
        body.append('}');
        Instant start = Instant.now();
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<ActionResult> result = new CompletableFuture<>();
        permits.acquire().thenRun(() -> {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                result.complete(new ActionResult(start, Instant.now(), Optional.empty(), Optional.empty(),
                        Kind.TIMEOUT));
                return;
            }
            post("/run", body.toString(), Duration.ofNanos(remaining), maxResponseBytes)
                    .whenComplete((response, failure) -> result.complete(failure != null
                            ? failed(start, unwrap(failure)) : classifyRun(start, response, truncation)));
        });
        return result.whenComplete((r, e) -> permits.release());
    }

    private static ActionResult classifyRun(Instant start, HttpResponse<Body> response, boolean truncation) {
        Body b = response.body();
        Optional<Integer> status = Optional.of(response.statusCode());
        Instant end = Instant.now();
        if (b.truncated()) {
            return new ActionResult(start, end, status, Optional.of(truncation ? b.text() : ""), Kind.TRUNCATED);
        }
        String text = b.text();
        Optional<JsonElement> json = Json.parse(text);
        Kind kind;
        if (response.statusCode() != 200) {
            kind = Kind.DEVELOPER_ERROR;
        } else if (json.isPresent() && json.get().isJsonObject()) {
            kind = json.get().getAsJsonObject().has("error") ? Kind.APPLICATION_ERROR : Kind.OK;
        } else if (json.isPresent() && json.get().isJsonArray()) {
            kind = Kind.OK;
        } else {
            kind = Kind.UNPARSABLE;
        }
        return new ActionResult(start, end, status, Optional.of(text), kind);
    }

    private static ActionResult failed(Instant start, Throwable cause) {
        Kind kind = cause instanceof HttpTimeoutException || cause instanceof TimeoutException ? Kind.TIMEOUT
                : Kind.CONNECTION_LOST;
        return new ActionResult(start, Instant.now(), Optional.empty(), Optional.empty(), kind);
    }

    private CompletableFuture<HttpResponse<Body>> post(String path, String body, Duration timeout, long limit) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        CompletableFuture<HttpResponse<Body>> sent = http.sendAsync(request, info -> new LimitedBody(limit));
        // the request timeout covers the answer's head; this one covers its body too
        CompletableFuture<HttpResponse<Body>> bounded = sent.copy().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        bounded.whenComplete((r, e) -> {
            if (e != null) {
                sent.cancel(true);
            }
        });
        return bounded;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static void positive(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, got " + timeout);
        }
    }

    /** An answer's body: at most the limit's bytes, and whether there were more. */
    record Body(byte[] bytes, boolean truncated) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Collects a body up to a limit; on more, cancels the rest of the exchange and reports it truncated. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<Body> {
        private final long limit;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<Body> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        LimitedBody(long limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<Body> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                long room = limit - out.size();
                int n = item.remaining();
                if (n > room) {
                    byte[] part = new byte[(int) room];
                    item.get(part);
                    out.writeBytes(part);
                    result.complete(new Body(out.toByteArray(), true));
                    subscription.cancel();
                    return;
                }
                byte[] all = new byte[n];
                item.get(all);
                out.writeBytes(all);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(new Body(out.toByteArray(), false));
        }
    }

    /** A counting semaphore whose waiters are futures, so no thread waits. */
    private static final class Permits {
        private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
        private int limit = 1;
        private int inUse;

        void limit(int n) {
            synchronized (this) {
                limit = n;
            }
            drainOutside();
        }

        CompletableFuture<Void> acquire() {
            CompletableFuture<Void> f = new CompletableFuture<>();
            synchronized (this) {
                waiting.add(f);
            }
            drainOutside();
            return f;
        }

        void release() {
            synchronized (this) {
                inUse--;
            }
            drainOutside();
        }

        private void drainOutside() {
            // completing runs the waiter's continuation: never under the lock
            CompletableFuture<Void> next;
            while ((next = take()) != null) {
                next.complete(null);
            }
        }

        private synchronized CompletableFuture<Void> take() {
            if (inUse < limit && !waiting.isEmpty()) {
                inUse++;
                return waiting.poll();
            }
            return null;
        }
    }
}
