package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** As Mesos behaves: request-processing order, negotiation, RecordIO, subscription semantics. */
class SchedulerEndpointTest {

    static MesosEmulator emu;

    @BeforeAll
    static void start() {
        emu = MesosEmulator.builder().agents(1).heartbeatInterval(Duration.ofMillis(100))
            .allocationInterval(Duration.ofMillis(50)).start();
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    private static HttpResponse<String> raw(String method, String contentType, String accept, String body,
                                            String streamId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(emu.leaderUri().resolve("/api/v1/scheduler"))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (streamId != null) {
            b.header("Mesos-Stream-Id", streamId);
        }
        return TestScheduler.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String SUBSCRIBE = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":"
        + "{\"user\":\"u\",\"name\":\"n\"}}}";

    @Test
    void methodOtherThanPostIs405WithAllow() throws Exception {
        HttpResponse<String> r = raw("GET", null, null, null, null);
        assertEquals(405, r.statusCode());
        assertEquals("POST", r.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void missingContentTypeIs400() throws Exception {
        HttpResponse<String> r = raw("POST", null, null, SUBSCRIBE, null);
        assertEquals(400, r.statusCode());
        assertEquals("Expecting 'Content-Type' to be present", r.body());
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void contentTypeIsComparedByteExact() throws Exception {
        HttpResponse<String> r = raw("POST", "application/json; charset=utf-8", null, SUBSCRIBE, null);
        assertEquals(415, r.statusCode());
        assertEquals("Expecting 'Content-Type' of application/json or application/x-protobuf", r.body());
    }

    @Test
    void unparseableBodiesAre400() throws Exception {
        HttpResponse<String> r = raw("POST", "application/json", null, "{not json", null);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().startsWith("Failed to parse body into JSON: "), r.body());
        r = raw("POST", "application/json", null, "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{}}}",
            null);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().startsWith("Failed to convert JSON into Call protobuf: "), r.body());
        r = raw("POST", "application/x-protobuf", null, "\u00ff\u00ff\u00ff", null);
        assertEquals(400, r.statusCode());
        assertEquals("Failed to parse body into Call protobuf", r.body());
    }

    @Test
    void unknownEnumNameIsDroppedSoTypeIsMissing() throws Exception {
        HttpResponse<String> r = raw("POST", "application/json", null, "{\"type\":\"FOO\"}", null);
        assertEquals(400, r.statusCode());
        assertEquals("Failed to validate scheduler::Call: Expecting 'type' to be present", r.body());
    }

    @Test
    void nonSubscribeCallsNeedFrameworkIdAndTheirMessage() throws Exception {
        HttpResponse<String> r = raw("POST", "application/json", null, "{\"type\":\"ACCEPT\"}", null);
        assertEquals("Failed to validate scheduler::Call: Expecting 'framework_id' to be present", r.body());
        r = raw("POST", "application/json", null, "{\"type\":\"ACCEPT\",\"framework_id\":{\"value\":\"x\"}}", null);
        assertEquals("Failed to validate scheduler::Call: Expecting 'accept' to be present", r.body());
        r = raw("POST", "application/json", null, "{\"type\":\"ACKNOWLEDGE\",\"framework_id\":{\"value\":\"x\"},"
            + "\"acknowledge\":{\"agent_id\":{\"value\":\"a\"},\"task_id\":{\"value\":\"t\"},\"uuid\":\"AAEC\"}}", null);
        assertEquals("Failed to validate scheduler::Call: Not a valid UUID", r.body());
    }

    @Test
    void acceptMustAllowJsonOrProtobuf() throws Exception {
        HttpResponse<String> r = raw("POST", "application/json", "text/html", SUBSCRIBE, null);
        assertEquals(406, r.statusCode());
        assertEquals("Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'", r.body());
        r = raw("POST", "application/json", "application/json;q=0, text/html", SUBSCRIBE, null);
        assertEquals(406, r.statusCode());
    }

    @Test
    void subscribeWithStreamIdIs400() throws Exception {
        HttpResponse<String> r = raw("POST", "application/json", null, SUBSCRIBE, "abc");
        assertEquals(400, r.statusCode());
        assertEquals("Subscribe calls should not include the 'Mesos-Stream-Id' header", r.body());
    }

    @Test
    void subscribedThenHeartbeatAtOnceThenEveryInterval() throws Exception {
        try (TestScheduler s = new TestScheduler(emu.leaderUri(), true)) {
            assertEquals(200, s.subscribe(TestScheduler.info().build()));
            assertEquals("application/json", s.subscribeResponse.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(36, s.streamId.length());
            Event first = s.await(e -> true);
            assertEquals(Event.Type.SUBSCRIBED, first.getType());
            assertEquals(0.1, first.getSubscribed().getHeartbeatIntervalSeconds(), 1e-9);
            String masterId = first.getSubscribed().getMasterInfo().getId();
            assertTrue(first.getSubscribed().getFrameworkId().getValue().matches(masterId + "-\\d{4}"));
            assertEquals(Event.Type.HEARTBEAT, s.await(e -> true).getType());
            s.await(Event.Type.HEARTBEAT);
            s.await(Event.Type.HEARTBEAT);
        }
    }

    @Test
    void jsonWinsWhenBothAcceptableAndProtobufWhenOnlyItIs() throws Exception {
        HttpResponse<java.io.InputStream> r = TestScheduler.HTTP.send(HttpRequest.newBuilder(
                emu.leaderUri().resolve("/api/v1/scheduler"))
            .header("Content-Type", "application/json")
            .header("Accept", "application/x-protobuf, application/json;q=0.1")
            .POST(HttpRequest.BodyPublishers.ofString(SUBSCRIBE)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        r.body().close();
        try (TestScheduler s = new TestScheduler(emu.leaderUri(), false)) {
            s.subscribe(TestScheduler.info().build());
            assertEquals("application/x-protobuf",
                s.subscribeResponse.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(Event.Type.SUBSCRIBED, s.await(e -> true).getType());
        }
    }

    @Test
    void streamIdChecksForNonSubscribeCalls() throws Exception {
        try (TestScheduler s = new TestScheduler(emu.leaderUri(), true)) {
            s.subscribe(TestScheduler.info().build());
            s.await(Event.Type.SUBSCRIBED);
            String id = s.streamId;
            s.streamId = null;
            HttpResponse<String> r = s.post(s.call(Call.Type.REVIVE).build());
            assertEquals(400, r.statusCode());
            assertEquals("All non-subscribe calls should include the 'Mesos-Stream-Id' header", r.body());
            s.streamId = "00000000-0000-0000-0000-000000000000";
            r = s.post(s.call(Call.Type.REVIVE).build());
            assertEquals(400, r.statusCode());
            assertEquals("The stream ID '00000000-0000-0000-0000-000000000000' included in this request didn't match"
                + " the stream ID currently associated with framework ID " + s.frameworkId, r.body());
            s.streamId = id;
            r = s.post(s.call(Call.Type.REVIVE).build());
            assertEquals(202, r.statusCode());
            assertEquals("", r.body());
        }
    }

    @Test
    void unknownFrameworkIs400() throws Exception {
        HttpResponse<String> r = raw("POST", "application/json", null,
            "{\"type\":\"REVIVE\",\"framework_id\":{\"value\":\"nope\"}}", "x");
        assertEquals(400, r.statusCode());
        assertEquals("Framework cannot be found", r.body());
    }

    @Test
    void invalidRoleGetsErrorEventOn200Stream() throws Exception {
        try (TestScheduler s = new TestScheduler(emu.leaderUri(), true)) {
            assertEquals(200, s.subscribe(TestScheduler.info().setRole("/bad").build()));
            Event e = s.await(x -> true);
            assertEquals(Event.Type.ERROR, e.getType());
            assertTrue(e.getError().getMessage().startsWith("'FrameworkInfo.role' is not a valid role"));
            s.awaitEnd();
        }
    }

    @Test
    void failoverSendsErrorOnOldStreamAndCloses() throws Exception {
        try (TestScheduler a = new TestScheduler(emu.leaderUri(), true);
             TestScheduler b = new TestScheduler(emu.leaderUri(), false)) {
            a.subscribe(TestScheduler.info().setFailoverTimeout(60).build());
            a.await(Event.Type.SUBSCRIBED);
            b.subscribe(TestScheduler.info().setFailoverTimeout(60)
                .setId(Protos.FrameworkID.newBuilder().setValue(a.frameworkId)).build());
            assertEquals(a.frameworkId, b.await(Event.Type.SUBSCRIBED).getSubscribed().getFrameworkId().getValue());
            assertEquals("Framework failed over", a.await(Event.Type.ERROR).getError().getMessage());
            a.awaitEnd();
            assertFalse(a.streamId.equals(b.streamId));
            // the old stream id is no longer valid
            HttpResponse<String> r = a.post(a.call(Call.Type.REVIVE).build());
            assertEquals(400, r.statusCode());
        }
    }

    @Test
    void teardownClosesStreamAndRemovesFramework() throws Exception {
        try (TestScheduler s = new TestScheduler(emu.leaderUri(), true)) {
            s.subscribe(TestScheduler.info().build());
            s.await(Event.Type.SUBSCRIBED);
            assertEquals(202, s.post(s.call(Call.Type.TEARDOWN).build()).statusCode());
            s.awaitEnd();
            assertTrue(s.seen.stream().noneMatch(e -> e.getType() == Event.Type.ERROR));
            HttpResponse<String> r = s.post(s.call(Call.Type.REVIVE).build());
            assertEquals("Framework cannot be found", r.body());
            try (TestScheduler again = new TestScheduler(emu.leaderUri(), true)) {
                again.subscribe(TestScheduler.info()
                    .setId(Protos.FrameworkID.newBuilder().setValue(s.frameworkId)).build());
                assertEquals("Framework has been removed", again.await(Event.Type.ERROR).getError().getMessage());
            }
        }
    }

    @Test
    void failoverTimeoutRemovesDisconnectedFramework() throws Exception {
        String id;
        try (TestScheduler s = new TestScheduler(emu.leaderUri(), true)) {
            s.subscribe(TestScheduler.info().setFailoverTimeout(0.2).build());
            s.await(Event.Type.SUBSCRIBED);
            id = s.frameworkId;
            emu.cutStream(id); // the connection breaks: the framework is disconnected
            s.awaitEnd();
        }
        long deadline = System.nanoTime() + TestScheduler.WAIT.toNanos();
        while (!emu.stateJson().contains("\"completed_frameworks\":[{\"id\":\"" + id + "\"")
            && !emu.stateJson().matches(".*\"completed_frameworks\":\\[.*\"id\":\"" + id + "\".*")) {
            assertTrue(System.nanoTime() < deadline, "framework not removed after failover_timeout");
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L); // poll with a deadline
        }
    }

    @Test
    void cutStreamEndsMidRecord() throws Exception {
        try (TestScheduler s = new TestScheduler(emu.leaderUri(), true)) {
            s.subscribe(TestScheduler.info().setFailoverTimeout(60).build());
            s.await(Event.Type.SUBSCRIBED);
            emu.stopHeartbeats(s.frameworkId, true);
            emu.cutStream(s.frameworkId);
            s.awaitEnd();
            assertTrue(s.streamError != null, "a cut stream must not end cleanly");
        }
    }
}
