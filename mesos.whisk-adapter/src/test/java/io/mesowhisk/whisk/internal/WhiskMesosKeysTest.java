package io.mesowhisk.whisk.internal;

import static io.mesowhisk.whisk.internal.Emulated.NODEJS;
import static io.mesowhisk.whisk.internal.Emulated.await;
import static io.mesowhisk.whisk.internal.Emulated.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.mesowhisk.mesos.emulator.AgentSpec;
import io.mesowhisk.whisk.ContainerException;
import io.mesowhisk.whisk.WhiskContainer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** whisk.mesos keys seen at work on an emulated cluster, including live changes with running containers. */
class WhiskMesosKeysTest {

    private static JsonObject framework(Emulated e) {
        return JsonParser.parseString(e.emulator.stateJson()).getAsJsonObject().getAsJsonArray("frameworks").get(0)
                .getAsJsonObject();
    }

    private static String agentOf(WhiskContainer c, Emulated e) {
        return ((MesosWhiskContainer) c).task().agentId().equals(e.emulator.agentId(0)) ? "a" : "b";
    }

    /**
     * Agents of one emulator share the host: each gets its own port range, or two action proxies would try to bind
     * the same port.
     */
    static final String PORTS_A = "cpus:4;mem:8192;disk:20000;ports:[31000-31499]";
    static final String PORTS_B = "cpus:4;mem:8192;disk:20000;ports:[31500-31999]";

    private static Emulated twoZones(Object... keys) {
        return new Emulated(Emulated.cluster().agents(2).agent(0, AgentSpec.of(PORTS_A, "zone:a"))
                .agent(1, AgentSpec.of(PORTS_B, "zone:b")), keys);
    }

    @Test
    void frameworkKeysReachMesosAndALiveChangeResubscribesKeepingTheContainers() throws Exception {
        try (Emulated e = new Emulated(Emulated.cluster(), "framework-name", "fw-one", "role", "whisk",
                "user", "nobody", "timeouts.failover", "1 hour", "encoding", "json")) {
            Emulated.until("subscribed", () -> e.emulator.stateJson().contains("fw-one"));
            JsonObject f = framework(e);
            assertEquals("fw-one", f.get("name").getAsString());
            assertEquals("nobody", f.get("user").getAsString());
            assertEquals(3600.0, f.get("failover_timeout").getAsDouble());
            assertEquals("whisk", f.get("role").getAsString());
            String id = f.get("id").getAsString();
            WhiskContainer c = await(e.factory.createContainer(request(NODEJS).build()));

            e.reconfigure("framework-name", "fw-two", "role", "whisk", "user", "nobody", "timeouts.failover", "1 hour",
                    "encoding", "protobuf");
            Emulated.until("resubscribed under the new name", () -> e.emulator.stateJson().contains("fw-two"));
            assertEquals(id, framework(e).get("id").getAsString(), "the same framework");
            assertFalse(c.terminated().toCompletableFuture().isDone(), "the container keeps running");
            await(c.destroy());
        }
    }

    @Test
    void constraintsPlaceManagedImagesAndALiveChangeNeverTouchesRunningContainers() throws Exception {
        try (Emulated e = twoZones("constraints", "zone LIKE b", "blackbox-constraints", "zone LIKE a")) {
            WhiskContainer managed = await(e.factory.createContainer(request(NODEJS).build()));
            assertEquals("b", agentOf(managed, e));
            WhiskContainer blackbox = await(e.factory.createContainer(request(NODEJS).userProvided(true).build()));
            assertEquals("a", agentOf(blackbox, e));

            e.reconfigure("constraints", "zone LIKE a");
            WhiskContainer later = await(e.factory.createContainer(request(NODEJS).build()));
            assertEquals("a", agentOf(later, e));
            assertFalse(managed.terminated().toCompletableFuture().isDone(), "placed by the old constraint, kept");

            e.reconfigure("constraints", "zone:LIKE:c", "constraint-delimiter", ":");
            ContainerException none = assertThrows(ContainerException.class,
                    () -> await(e.factory.createContainer(request(NODEJS).build())));
            assertEquals(ContainerException.Kind.CLUSTER_RESOURCES, none.kind(), none.getMessage());
        }
    }

    @Test
    void anAgentWithoutTheAttributeFailsUnlike() throws Exception {
        // the old factory's rule: an agent without the attribute fails LIKE and UNLIKE alike
        try (Emulated e = new Emulated(Emulated.cluster().agents(2)
                .agent(0, AgentSpec.of(PORTS_A, ""))
                .agent(1, AgentSpec.of(PORTS_B, "zone:b")), "constraints", "zone UNLIKE a")) {
            for (int i = 0; i < 3; i++) {
                assertEquals("b", agentOf(await(e.factory.createContainer(request(NODEJS).build())), e));
            }
        }
    }

    @Test
    void taskLaunchTimeout() throws Exception {
        try (Emulated e = new Emulated(Emulated.cluster().dockerStartDelay(Duration.ofSeconds(30)),
                "timeouts.task-launch", "1 second")) {
            ContainerException x = assertThrows(ContainerException.class,
                    () -> await(e.factory.createContainer(request("test/simulated").build())));
            assertEquals(ContainerException.Kind.WHISK_STARTUP, x.kind());
            assertEquals(true, x.getMessage().contains("TIMED_OUT"), x.getMessage());
        }
    }

    @Test
    void principalAndSecretAuthenticate() throws Exception {
        try (Emulated e = new Emulated(Emulated.cluster().credential("ow", "s3cret"), "principal", "ow",
                "secret", "s3cret")) {
            WhiskContainer c = await(e.factory.createContainer(request(NODEJS).build()));
            assertEquals("ow", framework(e).get("principal").getAsString());
            await(c.destroy());
        }
        try (Emulated e = new Emulated(Emulated.cluster().credential("ow", "s3cret"), "principal", "ow",
                "secret", "wrong", "timeouts.task-launch", "2 seconds")) {
            ContainerException x = assertThrows(ContainerException.class,
                    () -> await(e.factory.createContainer(request(NODEJS).build())));
            assertEquals(ContainerException.Kind.WHISK_STARTUP, x.kind(), "never subscribed: " + x.getMessage());
            assertEquals(0, e.emulator.launchedTasks());
        }
    }

    @Test
    void taskDeleteBoundsDestroy() throws Exception {
        try (Emulated e = new Emulated(Emulated.cluster(), "timeouts.task-delete", "1 second")) {
            WhiskContainer c = await(e.factory.createContainer(request(NODEJS).build()));
            e.emulator.holdUpdates();
            java.util.concurrent.ExecutionException x = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> c.destroy().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(java.util.concurrent.TimeoutException.class, x.getCause().getClass());
            assertEquals(true, x.getCause().getMessage().contains("within 1 second (timeouts.task-delete)"),
                    x.getCause().getMessage());
            e.emulator.releaseUpdates(false);
            assertEquals("TASK_KILLED", await(c.terminated()).state(), "the kill went on");
        }
    }
}
