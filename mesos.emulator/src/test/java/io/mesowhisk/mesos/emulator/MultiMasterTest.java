package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** As Mesos behaves: non-leaders redirect with a scheme-relative Location, or 503 without a leader. */
class MultiMasterTest {

    private static HttpResponse<String> post(URI master) throws Exception {
        return TestScheduler.HTTP.send(HttpRequest.newBuilder(master.resolve("/api/v1/scheduler"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void nonLeaderRedirectsAndNoLeaderIs503() throws Exception {
        try (MesosEmulator emu = MesosEmulator.builder().masters(3).agents(1).start()) {
            URI leader = emu.masterUri(0);
            HttpResponse<String> r = post(emu.masterUri(2));
            assertEquals(307, r.statusCode());
            assertEquals("//127.0.0.1:" + leader.getPort() + "/api/v1/scheduler",
                r.headers().firstValue("Location").orElseThrow());
            try (TestScheduler s = new TestScheduler(leader, true)) {
                s.subscribe(TestScheduler.info().build());
                s.await(Event.Type.SUBSCRIBED);
                emu.switchLeader(1);
                s.awaitEnd(); // the old leader's streams close
            }
            assertEquals(emu.masterUri(1), emu.leaderUri());
            assertEquals("//127.0.0.1:" + emu.masterUri(1).getPort() + "/api/v1/scheduler",
                post(emu.masterUri(0)).headers().firstValue("Location").orElseThrow());
            emu.switchLeader(-1);
            HttpResponse<String> none = post(emu.masterUri(1));
            assertEquals(503, none.statusCode());
            assertEquals("No leader elected", none.body());
        }
    }
}
