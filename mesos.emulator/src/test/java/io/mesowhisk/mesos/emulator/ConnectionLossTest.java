package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * As Mesos behaves: libprocess reads every connection, so the master notices a scheduler
 * that closes its SUBSCRIBE connection at once, not at the next write. Heartbeats are an hour apart here, so a
 * master that noticed only when writing would not notice within the test.
 */
class ConnectionLossTest {

    private static MesosEmulator.Builder slowHeartbeats() {
        return MesosEmulator.builder().agents(1).heartbeatInterval(Duration.ofHours(1))
            .allocationInterval(Duration.ofMillis(30));
    }

    /** Without agents there are no offers either: after SUBSCRIBED, nothing is written for an hour. */
    private static MesosEmulator.Builder silent() {
        return slowHeartbeats().agents(0);
    }

    /** A SUBSCRIBE over a plain socket, so the test decides exactly when the connection closes. */
    static Socket rawSubscribe(URI master, String name, double failoverTimeout) throws Exception {
        String body = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"" + name
            + "\",\"failover_timeout\":" + failoverTimeout + "}}}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Socket s = new Socket(master.getHost(), master.getPort());
        s.setSoTimeout((int) TestScheduler.WAIT.toMillis());
        OutputStream out = s.getOutputStream();
        out.write(("POST /api/v1/scheduler HTTP/1.1\r\nHost: " + master.getHost() + "\r\nContent-Type: "
            + "application/json\r\nAccept: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return s;
    }

    /** Reads the socket until the text read so far contains {@code needle}; returns that text. */
    static String readUntil(Socket s, String needle) throws Exception {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!seen.toString(StandardCharsets.UTF_8).contains(needle)) {
            int n = in.read(buf);
            if (n < 0) {
                throw new AssertionError("connection ended before '" + needle + "': " + seen);
            }
            seen.write(buf, 0, n);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

    static String frameworkId(String streamText) {
        Matcher m = Pattern.compile("\"framework_id\":\\{\"value\":\"([^\"]+)\"").matcher(streamText);
        assertTrue(m.find(), streamText);
        return m.group(1);
    }

    /** The master's /state, parsed by protobuf's own JSON reader. */
    static Struct state(MesosEmulator emu) throws Exception {
        Struct.Builder b = Struct.newBuilder();
        JsonFormat.parser().merge(emu.stateJson(), b);
        return b.build();
    }

    static Struct framework(Struct state, String list, Predicate<Struct> which) {
        for (Value v : state.getFieldsOrThrow(list).getListValue().getValuesList()) {
            if (which.test(v.getStructValue())) {
                return v.getStructValue();
            }
        }
        return null;
    }

    static Predicate<Struct> id(String id) {
        return f -> f.getFieldsOrThrow("id").getStringValue().equals(id);
    }

    /** Polls {@code condition} on /state until it holds, failing after the tests' usual deadline. */
    static Struct awaitState(MesosEmulator emu, Predicate<Struct> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TestScheduler.WAIT.toNanos();
        while (true) {
            Struct s = state(emu);
            if (condition.test(s)) {
                return s;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + TestScheduler.WAIT + ": " + what + "; state " + emu.stateJson());
            }
            Thread.sleep(20);
        }
    }

    @Test
    void closedStreamDisconnectsAtOnceAndItsOffersGoToOthers() throws Exception {
        try (MesosEmulator emu = slowHeartbeats().start()) {
            Socket a = rawSubscribe(emu.leaderUri(), "a", 3600);
            String id = frameworkId(readUntil(a, "\"OFFERS\"")); // a holds the agent's only offer
            try (TestScheduler b = new TestScheduler(emu.leaderUri(), false)) {
                b.subscribed(TestScheduler.info().setName("b").build());
                a.close();
                // a's offer goes back to the allocator and the next round offers the agent to b
                Protos.Offer offer = b.firstOffer();
                assertEquals(emu.agentId(0), offer.getAgentId().getValue());
                Struct f = framework(state(emu), "frameworks", id(id));
                assertFalse(f.getFieldsOrThrow("connected").getBoolValue(), "a is disconnected");
                assertFalse(f.getFieldsOrThrow("active").getBoolValue(), "a is inactive");
                assertEquals(0, f.getFieldsOrThrow("offers").getListValue().getValuesCount());
            }
        }
    }

    @Test
    void failoverTimeoutStartsWhenTheConnectionCloses() throws Exception {
        try (MesosEmulator emu = silent().start()) {
            Socket a = rawSubscribe(emu.leaderUri(), "a", 0.2);
            String id = frameworkId(readUntil(a, "\"SUBSCRIBED\""));
            a.close();
            awaitState(emu, s -> framework(s, "completed_frameworks", id(id)) != null,
                "framework removed when its failover timeout ran out");
        }
    }

    @Test
    void halfClosedConnectionIsAClosedOne() throws Exception {
        try (MesosEmulator emu = silent().start(); Socket a = rawSubscribe(emu.leaderUri(), "a", 3600)) {
            String id = frameworkId(readUntil(a, "\"SUBSCRIBED\""));
            a.shutdownOutput(); // libprocess closes a socket whose read side ends
            awaitState(emu, s -> !framework(s, "frameworks", id(id)).getFieldsOrThrow("connected").getBoolValue(),
                "framework disconnected");
        }
    }

    @Test
    void connectionClosedWhileSubscribeIsInFlightDisconnects() throws Exception {
        try (MesosEmulator emu = silent().start()) {
            Socket a = rawSubscribe(emu.leaderUri(), "in-flight", 3600);
            a.close(); // gone before the master answers
            Struct s = awaitState(emu, st -> {
                Struct f = framework(st, "frameworks", x -> x.getFieldsOrThrow("name").getStringValue()
                    .equals("in-flight"));
                return f != null && !f.getFieldsOrThrow("connected").getBoolValue();
            }, "framework subscribed and then disconnected");
            assertFalse(framework(s, "frameworks", x -> true).getFieldsOrThrow("active").getBoolValue());
        }
    }

    @Test
    void bytesPipelinedBehindSubscribeDoNotEndTheStream() throws Exception {
        try (MesosEmulator emu = MesosEmulator.builder().agents(1).heartbeatInterval(Duration.ofMillis(50))
                .start(); Socket a = rawSubscribe(emu.leaderUri(), "a", 3600)) {
            String id = frameworkId(readUntil(a, "\"SUBSCRIBED\""));
            a.getOutputStream().write("GET /state HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            a.getOutputStream().flush();
            readUntil(a, "HEARTBEAT"); // the stream goes on
            assertTrue(framework(state(emu), "frameworks", id(id)).getFieldsOrThrow("connected").getBoolValue());
        }
    }

    @Test
    void streamEndedByTheMasterLeavesTheConnectionUsable() throws Exception {
        // TEARDOWN ends the stream cleanly: the connection reading stops and Jetty serves the next request on it
        try (MesosEmulator emu = MesosEmulator.builder().agents(1).heartbeatInterval(Duration.ofMillis(50))
                .start(); Socket a = rawSubscribe(emu.leaderUri(), "a", 3600)) {
            String streamText = readUntil(a, "\"SUBSCRIBED\"");
            String id = frameworkId(streamText);
            Matcher m = Pattern.compile("Mesos-Stream-Id: (\\S+)").matcher(streamText);
            assertTrue(m.find(), streamText);
            TestScheduler other = new TestScheduler(emu.leaderUri(), true);
            other.frameworkId = id;
            other.streamId = m.group(1);
            assertEquals(202, other.post(other.call(Call.Type.TEARDOWN)
                .build()).statusCode());
            readUntil(a, "\r\n0\r\n\r\n"); // the chunked body's end
            a.getOutputStream().write(("GET /state HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            a.getOutputStream().flush();
            assertTrue(readUntil(a, "HTTP/1.1 200").contains("HTTP/1.1 200"));
        }
    }
}
