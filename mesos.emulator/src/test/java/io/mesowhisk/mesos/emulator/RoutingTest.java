package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Paths are routed as libprocess routes them: the first segment may name the process (else the master's or the
 * agent's own process takes the request), then the longest route that is a whole-segment prefix of the rest.
 */
class RoutingTest {

    static MesosEmulator emu;

    @BeforeAll
    static void start() {
        emu = MesosEmulator.builder().agents(1).heartbeatInterval(Duration.ofMillis(200)).start();
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return TestScheduler.HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String SUBSCRIBE = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":"
        + "{\"user\":\"u\",\"name\":\"routed\"}}}";

    /** A SUBSCRIBE posted to {@code path}: its status and, for a stream, the first record. */
    private static String subscribeAt(String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(emu.leaderUri().resolve(path))
            .header("Content-Type", "application/json").header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(SUBSCRIBE)).build();
        HttpResponse<java.io.InputStream> response = TestScheduler.HTTP.send(r,
            HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                return response.statusCode() + "";
            }
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                sb.append((char) c);
            }
            return "200 " + new String(in.readNBytes(Integer.parseInt(sb.toString())),
                java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void subscribeUnderTheSchedulerEndpointIsServedByIt() throws Exception {
        // mesos-actor 0.0.17, OpenWhisk's Mesos client, subscribes at /api/v1/scheduler/subscribe
        String answer = subscribeAt("/api/v1/scheduler/subscribe");
        assertTrue(answer.startsWith("200 ") && answer.contains("\"SUBSCRIBED\""), answer);
    }

    @Test
    void theProcessIdMayPrefixAnyEndpoint() throws Exception {
        String answer = subscribeAt("/master/api/v1/scheduler");
        assertTrue(answer.startsWith("200 ") && answer.contains("\"SUBSCRIBED\""), answer);
        assertEquals(200, get(emu.leaderUri().resolve("/master/state.json")).statusCode());
        assertEquals(200, get(emu.leaderUri().resolve("/state/frameworks")).statusCode());
    }

    @Test
    void onlyWholeSegmentsArePrefixes() throws Exception {
        assertEquals("404", subscribeAt("/api/v1/schedulers"));
        assertEquals("404", subscribeAt("/api/v1"));
        assertEquals(404, get(emu.leaderUri().resolve("/statex")).statusCode());
        assertEquals(404, get(emu.leaderUri().resolve("/files/read")).statusCode(), "no files process on a master");
    }

    @Test
    void agentEndpointsRouteTheSameWay() throws Exception {
        URI agent = emu.agentUri(0);
        assertEquals(200, get(agent.resolve("/slave(1)/state.json")).statusCode());
        assertEquals(200, get(agent.resolve("/state/anything")).statusCode());
        assertEquals(200, get(agent.resolve("/files/debug.json/x")).statusCode());
        HttpResponse<String> read = get(agent.resolve("/files/read/more"));
        assertEquals(400, read.statusCode(), "the read endpoint, which wants a path");
        assertEquals(404, get(agent.resolve("/api/v1/scheduler")).statusCode());
    }
}
