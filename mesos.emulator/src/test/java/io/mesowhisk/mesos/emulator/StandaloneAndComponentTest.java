package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.emulator.internal.LocalMasterComponent;
import io.mesowhisk.mesos.emulator.internal.MainAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two other ways to run the emulator: the command line and the DS local-master component. */
class StandaloneAndComponentTest {

    @Test
    void commandLineErrorsNameTheArgument() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MainAccess.parse("--agents", "many"))
            .getMessage().contains("--agents expects an integer, got 'many'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MainAccess.parse("--bogus", "1"))
            .getMessage().contains("Unknown option '--bogus'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MainAccess.parse("--heartbeat", "soon"))
            .getMessage().contains("--heartbeat expects a duration"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MainAccess.parse("--gc-delay", "-5s"))
            .getMessage().contains("--gc-delay must not be negative, got '-5s'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MainAccess.parse("--resources", "cpus:x"))
            .getMessage().contains("'cpus:x'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MainAccess.parse("--port"))
            .getMessage().contains("Missing value for --port"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertNull(MainAccess.parse(new PrintStream(out), "--help"));
        assertTrue(out.toString().contains("--agents <n>"));
    }

    @Test
    void commandLineBuildsARunningCluster() throws Exception {
        try (MesosEmulator emu = MainAccess.parse("--port", "0", "--agents", "2", "--heartbeat", "500ms",
            "--agent", "1=cpus:8;mem:1024|rack:r2").start()) {
            assertEquals(2, emu.agentCount());
            String state = emu.stateJson();
            assertTrue(state.contains("\"rack\":\"r2\""), state);
            assertTrue(state.contains("\"cpus\":8.0"), state);
        }
    }

    @Test
    void localMasterComponentServesTheSchedulerApi() throws Exception {
        Map<String, Object> values = Map.of("agents", 2, "agent_specs", new String[] {"0=cpus:1;mem:256|zone:z"},
            "heartbeat_interval_ms", 100L);
        LocalMasterComponent.Config config = (LocalMasterComponent.Config) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {LocalMasterComponent.Config.class},
            (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName())
                : method.getDefaultValue());
        LocalMasterComponent c = new LocalMasterComponent(config);
        try {
            HttpResponse<String> r = TestScheduler.HTTP.send(HttpRequest.newBuilder(c.endpoint().resolve("/state"))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("\"zone\":\"z\""), r.body());
        } finally {
            MainAccess.deactivate(c);
        }
    }

    @Test
    void manyAgentsNeedAgentHttpOff() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> MesosEmulator.builder().agents(300).start());
        assertTrue(e.getMessage().contains("agentHttp(false)"), e.getMessage());
        try (MesosEmulator emu = MainAccess.parse("--port", "0", "--agents", "300", "--no-agent-http").start()) {
            assertEquals(300, emu.agentCount());
            assertThrows(IllegalStateException.class, () -> emu.agentUri(0));
        }
    }
}
