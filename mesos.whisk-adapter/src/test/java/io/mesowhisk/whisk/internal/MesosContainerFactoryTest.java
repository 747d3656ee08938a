package io.mesowhisk.whisk.internal;

import static io.mesowhisk.whisk.internal.Emulated.NODEJS;
import static io.mesowhisk.whisk.internal.Emulated.await;
import static io.mesowhisk.whisk.internal.Emulated.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.whisk.ActionResult;
import io.mesowhisk.whisk.ContainerEnd;
import io.mesowhisk.whisk.ContainerException;
import io.mesowhisk.whisk.LogResult;
import io.mesowhisk.whisk.WhiskContainer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The factory end to end against the emulator: real action proxy processes for OpenWhisk's Node.js image, logs
 * read back from the sandbox through the agent's /files/read.
 */
class MesosContainerFactoryTest {

    private static final String HELLO = "{\"name\":\"hello\",\"main\":\"main\",\"code\":\"function main(p) { "
            + "console.log('hello ' + p.name); console.error('to stderr ' + p.name); "
            + "return {greeting: 'Hello ' + p.name}; }\"}";

    @Test
    void createInitRunLogsDestroy() throws Exception {
        try (Emulated e = new Emulated(Emulated.cluster(), "mesos-link-log-message", "false")) {
            WhiskContainer c = await(e.factory.createContainer(request(NODEJS).build()));
            assertTrue(c.id().matches("whisk-invoker0-\\d+-1"), c.id());
            assertTrue(c.address().port() >= 31000 && c.address().port() <= 32000, c.address().toString());

            ActionResult init = await(c.initialize(HELLO, Duration.ofSeconds(30), 1));
            assertEquals(ActionResult.Kind.OK, init.kind(), init.toString());

            ActionResult run = await(c.run("{\"name\":\"Ada\"}", Map.of("activation_id", "\"a1\""),
                    Duration.ofSeconds(30), 1, 1024 * 1024, true));
            assertEquals(ActionResult.Kind.OK, run.kind(), run.toString());
            assertEquals(Optional.of("{\"greeting\":\"Hello Ada\"}"), run.body());

            LogResult logs = await(c.logs(1024 * 1024, true));
            assertTrue(logs.sentinelSeen(), logs.toString());
            assertFalse(logs.truncated());
            assertEquals(2, logs.lines().size(), logs.toString());
            assertTrue(logs.lines().contains(logs.lines().stream().filter(l -> l.startsWith(
                    "{\"log\":\"hello Ada\\n\",\"stream\":\"stdout\",\"time\":\"")).findFirst().orElseThrow()));
            assertTrue(logs.lines().stream().anyMatch(l -> l.startsWith(
                    "{\"log\":\"to stderr Ada\\n\",\"stream\":\"stderr\"")), logs.toString());

            // the next activation's logs start where these stopped
            await(c.run("{\"name\":\"Grace\"}", Map.of(), Duration.ofSeconds(30), 1, 1024 * 1024, true));
            LogResult second = await(c.logs(1024 * 1024, true));
            assertEquals(2, second.lines().size(), second.toString());
            assertTrue(second.lines().get(0).contains("Grace") && second.lines().get(1).contains("Grace"));

            // a second init is refused by the proxy: the developer's error
            assertEquals(ActionResult.Kind.DEVELOPER_ERROR, await(c.initialize(HELLO, Duration.ofSeconds(30), 1)).kind());

            await(c.destroy());
            // forgotten before destroy() answers: a caller listing the containers next never sees it
            assertEquals(List.of(), e.factory.containers());
            assertTrue(e.factory.container(c.id()).isEmpty());
            ContainerEnd end = await(c.terminated());
            assertEquals("TASK_KILLED", end.state());
            assertTrue(end.destroyed());
        }
    }

    @Test
    void logsAreCutAtTheLimitAndTheNextActivationStillStartsAtItsOwnOutput() throws Exception {
        try (Emulated e = new Emulated(Emulated.cluster(), "mesos-link-log-message", "false")) {
            WhiskContainer c = await(e.factory.createContainer(request(NODEJS).build()));
            await(c.initialize("{\"name\":\"chatty\",\"main\":\"main\",\"code\":\"function main(p) { "
                    + "for (let i = 0; i < p.n; i++) console.log('line ' + i); return {}; }\"}",
                    Duration.ofSeconds(30), 1));
            await(c.run("{\"n\":100}", Map.of(), Duration.ofSeconds(30), 1, 1024, true));
            LogResult cut = await(c.logs(50, true));
            assertTrue(cut.truncated());
            assertTrue(cut.sentinelSeen(), "read on to the end of the activation");
            assertEquals(List.of("line 0", "line 1", "line 2", "line 3", "line 4"), cut.lines().subList(0, 5).stream()
                    .map(l -> l.substring(8, l.indexOf("\\n"))).toList());
            assertTrue(cut.lines().get(cut.lines().size() - 1).contains(
                    "Logs were truncated because the total bytes size exceeds the limit of 50 bytes."));

            await(c.run("{\"n\":1}", Map.of(), Duration.ofSeconds(30), 1, 1024, true));
            LogResult next = await(c.logs(1024, true));
            assertEquals(1, next.lines().size(), next.toString());
            assertTrue(next.lines().get(0).contains("line 0"));
        }
    }

    @Test
    void theLinkMessageWhenLogsAreNotCollected() throws Exception {
        try (Emulated e = new Emulated(Emulated.cluster(), "master-public-url", "https://mesos.example.org")) {
            WhiskContainer c = await(e.factory.createContainer(request(NODEJS).build()));
            LogResult logs = await(c.logs(1024, true));
            assertEquals(1, logs.lines().size());
            assertTrue(logs.lines().get(0).contains("\"log\":\"Logs are not collected from Mesos containers "
                    + "currently. You can browse the logs for Mesos Task ID " + c.id()
                    + " using the mesos UI at https://mesos.example.org\\n\""), logs.lines().get(0));
            e.reconfigure("mesos-link-log-message", "false");
            assertFalse(await(c.logs(1024, false)).lines().stream().anyMatch(l -> l.contains("not collected")),
                    "applies live");
        }
    }

    @Test
    void aContainerThatDiesIsReportedAtOnce() throws Exception {
        try (Emulated e = new Emulated(Emulated.cluster())) {
            WhiskContainer c = await(e.factory.createContainer(request(NODEJS).build()));
            e.emulator.loseAgent(0);
            ContainerEnd end = await(c.terminated());
            assertFalse(end.destroyed());
            assertEquals("TASK_GONE_BY_OPERATOR", end.state(), end.toString());
            assertEquals(Optional.of("REASON_AGENT_REMOVED_BY_OPERATOR"), end.reason());
            assertEquals(List.of(), e.factory.containers(), "forgotten before its end is told");
        }
    }

    @Test
    void noCapacityIsAClusterResourceError() throws Exception {
        try (Emulated e = new Emulated(Emulated.cluster())) {
            ContainerException x = assertThrows(ContainerException.class,
                    () -> await(e.factory.createContainer(request(NODEJS).memoryMb(100_000).build())));
            assertEquals(ContainerException.Kind.CLUSTER_RESOURCES, x.kind(), x.getMessage());
            assertTrue(x.getMessage().contains("100000"), x.getMessage());
        }
    }

    @Test
    void dockerRunFailuresAreRetriedWithNewTaskIdsThenReported() throws Exception {
        try (Emulated e = new Emulated(Emulated.cluster().runtime("test/broken*", "sh -c 'exit 125'"),
                "docker-failure-retries", "2")) {
            ContainerException x = assertThrows(ContainerException.class,
                    () -> await(e.factory.createContainer(request("test/broken:1").build())));
            assertEquals(ContainerException.Kind.WHISK_STARTUP, x.kind(), x.getMessage());
            assertTrue(x.getMessage().contains("after 3 attempt(s)") && x.getMessage().contains("-3 "), x.getMessage());
            assertEquals(3, e.emulator.launchedTasks());

            ContainerException blackbox = assertThrows(ContainerException.class, () -> await(
                    e.factory.createContainer(request("test/broken:2").userProvided(true).build())));
            assertEquals(ContainerException.Kind.BLACKBOX_STARTUP, blackbox.kind());
        }
    }

    @Test
    void aPullFailureIsRetriedOnceWithANewTaskId() throws Exception {
        try (Emulated e = new Emulated(Emulated.cluster())) {
            e.emulator.failNextLaunch(io.mesowhisk.mesos.emulator.LaunchFailure.dockerPullFailure(NODEJS));
            WhiskContainer c = await(e.factory.createContainer(request(NODEJS).build()));
            assertTrue(c.id().endsWith("-2"), c.id());
        }
    }

    @Test
    void cleanupWithoutTeardownKillsEveryContainerAndWaits() throws Exception {
        try (Emulated e = new Emulated(Emulated.cluster(), "teardown-on-exit", "false")) {
            WhiskContainer a = await(e.factory.createContainer(request(NODEJS).build()));
            WhiskContainer b = await(e.factory.createContainer(request(NODEJS).build()));
            e.factory.cleanup();
            assertTrue(a.terminated().toCompletableFuture().isDone() && b.terminated().toCompletableFuture().isDone());
            assertEquals("TASK_KILLED", await(a.terminated()).state());
            assertEquals(List.of(), e.factory.containers());
            ContainerException x = assertThrows(ContainerException.class,
                    () -> await(e.factory.createContainer(request(NODEJS).build())));
            assertEquals(ContainerException.Kind.STOPPED, x.kind());
        }
    }

    @Test
    void cleanupWithTeardownRemovesTheFramework() throws Exception {
        try (Emulated e = new Emulated(Emulated.cluster(), "teardown-on-exit", "true")) {
            WhiskContainer a = await(e.factory.createContainer(request(NODEJS).build()));
            e.factory.cleanup();
            assertTrue(a.terminated().toCompletableFuture().isDone());
            Emulated.until("no framework left at the master", () -> com.google.gson.JsonParser
                    .parseString(e.emulator.stateJson()).getAsJsonObject().getAsJsonArray("frameworks").isEmpty());
        }
    }
}
