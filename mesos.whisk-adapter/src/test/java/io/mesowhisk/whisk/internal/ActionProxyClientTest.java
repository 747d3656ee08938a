package io.mesowhisk.whisk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mesowhisk.whisk.ActionResult;
import io.mesowhisk.whisk.ActionResult.Kind;
import io.mesowhisk.whisk.ContainerAddress;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The action proxy protocol against a real HTTP server on a free port, answering as an action proxy would for each
 * case of OpenWhisk's rules.
 */
class ActionProxyClientTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A proxy answering every request with this status and body, recording the request bodies. */
    private ActionProxyClient proxy(int status, String answer) throws IOException {
        return proxy(exchange -> respond(exchange, status, answer));
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private ActionProxyClient proxy(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            bodies.add(exchange.getRequestURI().getPath() + " " + new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            handler.handle(exchange);
        });
        server.start();
        return new ActionProxyClient(http, new ContainerAddress("127.0.0.1", server.getAddress().getPort()));
    }

    private static void respond(HttpExchange exchange, int status, String answer) throws IOException {
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static ActionResult await(CompletionStage<ActionResult> stage) throws Exception {
        return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void initSendsTheInitializerAsValueAndIsOkOnlyOn200() throws Exception {
        ActionProxyClient ok = proxy(200, "{\"OK\":true}");
        ActionResult r = await(ok.init("{\"name\":\"hello\",\"main\":\"main\",\"code\":\"x\"}", LONG));
        assertEquals(Kind.OK, r.kind());
        assertEquals(Optional.of(200), r.status());
        assertEquals(List.of("/init {\"value\":{\"name\":\"hello\",\"main\":\"main\",\"code\":\"x\"}}"), bodies);
        stop();
        ActionProxyClient refused = proxy(403, "{\"error\":\"Cannot initialize the action more than once.\"}");
        ActionResult second = await(refused.init("{}", LONG));
        assertEquals(Kind.DEVELOPER_ERROR, second.kind());
        assertEquals(Optional.of("{\"error\":\"Cannot initialize the action more than once.\"}"), second.body());
    }

    @Test
    void initIsRetriedWhileTheProxyRefusesConnections() throws Exception {
        int port = freePort();
        ActionProxyClient client = new ActionProxyClient(http, new ContainerAddress("127.0.0.1", port));
        CompletionStage<ActionResult> init = client.init("{}", LONG);
        // the proxy comes up a little later on that port
        CompletableFuture.runAsync(() -> {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
                server.createContext("/", exchange -> respond(exchange, 200, "{\"OK\":true}"));
                server.start();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
        assertEquals(Kind.OK, await(init).kind());
    }

    @Test
    void initNobodyAnswersIsATimeout() throws Exception {
        ActionProxyClient client = new ActionProxyClient(http, new ContainerAddress("127.0.0.1", freePort()));
        ActionResult r = await(client.init("{}", Duration.ofMillis(400)));
        assertEquals(Kind.TIMEOUT, r.kind());
        assertTrue(r.duration().compareTo(Duration.ofMillis(400)) >= 0, r.toString());
    }

    @Test
    void runIsClassifiedByOpenWhisksRules() throws Exception {
        AtomicInteger status = new AtomicInteger();
        String[] answer = new String[1];
        ActionProxyClient client = proxy(exchange -> respond(exchange, status.get(), answer[0]));
        Object[][] cases = {
                {200, "{\"greeting\":\"hi\"}", Kind.OK},
                {200, "[1,2]", Kind.OK},
                {200, "{\"error\":\"no\"}", Kind.APPLICATION_ERROR},
                {502, "{\"error\":\"An error has occurred: boom\"}", Kind.DEVELOPER_ERROR},
                {500, "not json", Kind.DEVELOPER_ERROR},
                {200, "not json", Kind.UNPARSABLE},
                {200, "\"a string\"", Kind.UNPARSABLE},
                {200, "{\"a\":1} trailing", Kind.UNPARSABLE},
        };
        for (Object[] c : cases) {
            status.set((Integer) c[0]);
            answer[0] = (String) c[1];
            ActionResult r = await(client.run("{\"x\":1}", Map.of(), LONG, 1024, true));
            assertEquals(c[2], r.kind(), c[0] + " " + c[1]);
            assertEquals(Optional.of(c[1]), r.body());
            assertEquals(Optional.of(c[0]), r.status());
        }
    }

    @Test
    void runSendsTheParametersAsValueAndTheEnvironmentBesideIt() throws Exception {
        ActionProxyClient client = proxy(200, "{}");
        await(client.run("{\"name\":\"Ada\"}", new java.util.TreeMap<>(Map.of("activation_id", "\"a1\"",
                "deadline", "\"1700000000000\"")), LONG, 1024, true));
        assertEquals(List.of("/run {\"value\":{\"name\":\"Ada\"},\"activation_id\":\"a1\",\"deadline\":\"1700000000000\"}"),
                bodies);
        assertThrows(IllegalArgumentException.class, () -> client.run("{nope", Map.of(), LONG, 1024, true));
        assertThrows(IllegalArgumentException.class, () -> client.run("{}", Map.of("value", "1"), LONG, 1024, true));
        assertThrows(IllegalArgumentException.class, () -> client.run("{}", Map.of(), Duration.ZERO, 1024, true));
    }

    @Test
    void anAnswerLongerThanTheLimitIsTruncated() throws Exception {
        String big = "{\"data\":\"" + "x".repeat(100_000) + "\"}";
        ActionProxyClient client = proxy(200, big);
        ActionResult kept = await(client.run("{}", Map.of(), LONG, 1000, true));
        assertEquals(Kind.TRUNCATED, kept.kind());
        assertEquals(big.substring(0, 1000), kept.body().orElseThrow());
        ActionResult dropped = await(client.run("{}", Map.of(), LONG, 1000, false));
        assertEquals(Kind.TRUNCATED, dropped.kind());
        assertEquals(Optional.of(""), dropped.body());
        assertEquals(Kind.OK, await(client.run("{}", Map.of(), LONG, big.length(), true)).kind(), "exactly the limit");
    }

    @Test
    void aProxyThatDiesMidRequestIsAConnectionLossAndRunIsNeverRetried() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket dying = new ServerSocket(0)) {
            CompletableFuture.runAsync(() -> {
                while (!dying.isClosed()) {
                    try (Socket s = dying.accept()) {
                        connections.incrementAndGet();
                        InputStream in = s.getInputStream();
                        in.read(new byte[1024]);
                        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"par".getBytes());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            ActionProxyClient client = new ActionProxyClient(http, new ContainerAddress("127.0.0.1", dying.getLocalPort()));
            ActionResult r = await(client.run("{}", Map.of(), LONG, 1024, true));
            assertEquals(Kind.CONNECTION_LOST, r.kind());
            assertEquals(1, connections.get(), "run is sent once");
        }
        ActionProxyClient nobody = new ActionProxyClient(http, new ContainerAddress("127.0.0.1", freePort()));
        assertEquals(Kind.CONNECTION_LOST, await(nobody.run("{}", Map.of(), LONG, 1024, true)).kind(),
                "a refused /run is not retried");
    }

    @Test
    void noAnswerWithinTheTimeoutIsATimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ActionProxyClient client = proxy(exchange -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, "{}");
        });
        try {
            ActionResult r = await(client.run("{}", Map.of(), Duration.ofMillis(300), 1024, true));
            assertEquals(Kind.TIMEOUT, r.kind());
        } finally {
            release.countDown();
        }
    }

    @Test
    void maxConcurrentCapsTheRequestsInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ActionProxyClient client = proxy(exchange -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            respond(exchange, 200, "{}");
        });
        client.maxConcurrent(2);
        List<CompletableFuture<ActionResult>> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runs.add(client.run("{}", Map.of(), LONG, 1024, true).toCompletableFuture());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (bodies.size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(2, bodies.size(), "two requests reach the proxy");
        release.countDown();
        for (CompletableFuture<ActionResult> run : runs) {
            assertEquals(Kind.OK, await(run).kind());
        }
        assertEquals(5, bodies.size());
        assertEquals(2, most.get(), "never more than two at once");
    }
}
