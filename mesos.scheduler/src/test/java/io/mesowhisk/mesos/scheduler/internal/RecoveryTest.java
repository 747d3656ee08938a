package io.mesowhisk.mesos.scheduler.internal;

import static io.mesowhisk.mesos.scheduler.internal.Fixture.await;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.awaitFailure;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.awaitSubscribed;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.awaitTrue;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.docker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.mesowhisk.mesos.api.Disconnect;
import io.mesowhisk.mesos.api.MesosClient;
import io.mesowhisk.mesos.api.Subscription;
import io.mesowhisk.mesos.api.SubscriptionListener;
import io.mesowhisk.mesos.emulator.MesosEmulator;
import io.mesowhisk.mesos.scheduler.FrameworkIdStore;
import io.mesowhisk.mesos.scheduler.FrameworkSettings;
import io.mesowhisk.mesos.scheduler.LaunchException;
import io.mesowhisk.mesos.scheduler.LaunchedTask;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import io.mesowhisk.mesos.scheduler.SchedulerStatus;
import io.mesowhisk.mesos.scheduler.TaskEnd;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Lost agents, ERROR events, reconfiguration and launch timeouts. */
class RecoveryTest {

    @Test
    void unreachableAgentEndsTheTaskForItsOwnerAndAReturningTaskIsKilled() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(), Fixture.settings().build())) {
            LaunchedTask t = await(s.launch(docker("partitioned").build()));
            emu.partitionAgent(0);
            TaskEnd end = await(t.ended());
            assertEquals(TaskState.TASK_UNREACHABLE, end.state());
            assertFalse(end.killedByUs());
            emu.healAgent(0);
            awaitTrue("the returning task is killed", () -> "TASK_KILLED".equals(
                    Fixture.masterTasks(emu, t.frameworkId()).get(t.taskId())),
                    () -> Fixture.masterTasks(emu, t.frameworkId()).toString());
        }
    }

    @Test
    void errorEventFromAFailoverIsFollowedByAResubscription() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(), Fixture.settings().build())) {
            LaunchedTask t = await(s.launch(docker("kept").build()));
            CompletableFuture<String> intruderError = new CompletableFuture<>();
            // another scheduler takes the framework over: ours gets ERROR "Framework failed over"
            try (MesosClient other = MesosClient.create(Fixture.client(emu))) {
                Subscription intruder = other.subscribe(Fixture.framework(Duration.ofDays(1)).toFrameworkInfo(
                        Optional.of(FrameworkID.newBuilder().setValue(t.frameworkId()).build())),
                        new SubscriptionListener() {
                            @Override
                            public void subscribed(Subscription sub, Event.Subscribed subscribed) {
                            }

                            @Override
                            public void event(Subscription sub, Event event) {
                                if (event.getType() == Event.Type.ERROR) {
                                    intruderError.complete(event.getError().getMessage());
                                }
                            }

                            @Override
                            public void disconnected(Subscription sub, Disconnect d) {
                            }
                        });
                assertTrue(await(intruderError).contains("failed over"), "ours took it back");
                intruder.close();
            }
            awaitSubscribed(s);
            assertEquals(t.frameworkId(), s.status().frameworkId().orElseThrow());
            assertTrue(s.metrics().snapshot().counter(SchedulerMetrics.RECONNECTS) >= 1);
            assertFalse(t.ended().toCompletableFuture().isDone());
            assertEquals(TaskState.TASK_KILLED, await(s.kill(t.taskId())).state());
        }
    }

    @Test
    void reconfigureResubscribesWithTheSameIdAndKeepsTasks() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).masters(2).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(), Fixture.settings().build())) {
            LaunchedTask t = await(s.launch(docker("kept").build()));
            FrameworkSettings renamed = new FrameworkSettings("renamed", "test", "*", Duration.ofDays(1),
                    Optional.empty(), Optional.empty());
            await(s.reconfigure(Fixture.client(emu), renamed, Fixture.settings().offerRefuse(Duration.ofSeconds(1))
                    .build()));
            awaitTrue("resubscribed", () -> s.metrics().snapshot().counter(SchedulerMetrics.RECONNECTS) >= 1);
            awaitSubscribed(s);
            assertEquals(t.frameworkId(), s.status().frameworkId().orElseThrow());
            awaitTrue("master shows the new name", () -> emu.stateJson().contains("\"renamed\""));
            assertFalse(t.ended().toCompletableFuture().isDone());
            Map<String, String> master = Fixture.masterTasks(emu, t.frameworkId());
            assertEquals("TASK_RUNNING", master.get(t.taskId()));
            assertEquals(TaskState.TASK_KILLED, await(s.kill(t.taskId())).state());
        }
    }

    /**
     * A product reconfigured while its first SUBSCRIBE is still unanswered (its configuration file arrived just after
     * it started): a second SUBSCRIBE racing the first would register a second framework, or let the old settings
     * win at the master and then close the winner, which with a failover timeout of 0 makes Mesos remove the
     * framework and kill its tasks. The new settings wait for the answer and then fail the stream over, so one
     * framework is registered, with the new failover timeout.
     */
    @Test
    void aReconfigurationDuringTheFirstSubscribeWaitsForItsAnswerAndKeepsOneFramework() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start()) {
            emu.switchLeader(-1); // the SUBSCRIBE is retried against 503s until a leader is back
            try (MesosScheduler s = MesosScheduler.builder().client(Fixture.client(emu))
                    .framework(Fixture.framework(Duration.ZERO)).settings(Fixture.settings().build())
                    .idStore(FrameworkIdStore.inMemory()).build()) {
                await(s.reconfigure(Fixture.client(emu), Fixture.framework(Duration.ofHours(1)),
                        Fixture.settings().build()));
                emu.switchLeader(0);
                awaitTrue("the master has the new failover timeout", () -> {
                    var f = frameworks(emu, "frameworks");
                    return f.size() == 1 && f.get(0).get("failover_timeout").getAsDouble() == 3600.0;
                }, () -> emu.stateJson());
                awaitSubscribed(s);
                assertEquals(frameworks(emu, "frameworks").get(0).get("id").getAsString(),
                        s.status().frameworkId().orElseThrow());
                assertEquals(List.of(), frameworks(emu, "completed_frameworks"), "no framework removed");
                LaunchedTask t = await(s.launch(docker("after-reconfiguration").build()));
                assertEquals(s.status().frameworkId().orElseThrow(), t.frameworkId());
            }
        }
    }

    /**
     * A live change the master refuses ("Changing framework's principal is not allowed"): the subscription it was to
     * replace goes on with the previous settings, its tasks still followed, rather than the scheduler retrying the
     * refused settings forever with nobody listening to the stream Mesos still uses.
     */
    @Test
    void aReconfigurationTheMasterRefusesLeavesThePreviousSubscriptionInForce() throws Exception {
        FrameworkSettings first = new FrameworkSettings("scheduler-test", "test", "*", Duration.ofDays(1),
                Optional.of("first-principal"), Optional.empty());
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = MesosScheduler.builder().client(Fixture.client(emu)).framework(first)
                        .settings(Fixture.settings().build()).idStore(FrameworkIdStore.inMemory()).build()) {
            LaunchedTask t = await(s.launch(docker("kept").build()));
            FrameworkSettings other = new FrameworkSettings("scheduler-test", "test", "*", Duration.ofDays(1),
                    Optional.of("another-principal"), Optional.empty());
            await(s.reconfigure(Fixture.client(emu), other, Fixture.settings().build()));
            awaitTrue("the refusal is seen and the previous subscription is current again", () ->
                    s.status().state() == SchedulerStatus.State.SUBSCRIBED
                            && s.metrics().snapshot().counter(SchedulerMetrics.RECONNECTS) == 0
                            && !emu.stateJson().contains("another-principal"));
            assertEquals(t.frameworkId(), s.status().frameworkId().orElseThrow());
            String problem = s.status().problem().orElseThrow();
            assertTrue(problem.contains("Changing framework's principal is not allowed."), problem);
            assertEquals(TaskState.TASK_KILLED, await(s.kill(t.taskId())).state(),
                    "the previous subscription's updates are still followed");
            LaunchedTask after = await(s.launch(docker("after-the-refusal").build()));
            assertEquals(t.frameworkId(), after.frameworkId());
            assertEquals("first-principal", frameworks(emu, "frameworks").get(0).get("principal").getAsString());
        }
    }

    /**
     * A restart with a principal the framework id was not registered with (authentication turned on): Mesos refuses
     * every SUBSCRIBE. The scheduler keeps the id (restoring the principal resumes the framework, tasks and all) and
     * says what is wrong and what would mend it, in {@code status()} as in its log.
     */
    @Test
    void aFrameworkIdRegisteredWithAnotherPrincipalIsReportedWithItsRemedy() throws Exception {
        FrameworkIdStore store = FrameworkIdStore.inMemory();
        try (MesosEmulator emu = Fixture.emulator(1).start()) {
            String id;
            try (MesosScheduler first = Fixture.scheduler(emu, store, Fixture.settings().build())) {
                awaitSubscribed(first);
                id = first.status().frameworkId().orElseThrow();
            } // closed without TEARDOWN: the framework waits for a failover
            FrameworkSettings authenticated = new FrameworkSettings("scheduler-test", "test", "*",
                    Duration.ofDays(1), Optional.of("a-principal"), Optional.empty());
            try (MesosScheduler second = MesosScheduler.builder().client(Fixture.client(emu)).framework(authenticated)
                    .settings(Fixture.settings().build()).idStore(store).build()) {
                awaitTrue("the refusal is reported with its remedy", () -> second.status().problem()
                        .filter(p -> p.contains("change its principal") && p.contains("tear framework " + id))
                        .isPresent(), () -> second.status().toString());
                assertEquals(Optional.of(id), second.status().frameworkId(), "the framework id is kept");
                assertFalse(second.status().state() == SchedulerStatus.State.SUBSCRIBED);
            }
        }
    }

    private static List<JsonObject> frameworks(MesosEmulator emu, String field) {
        JsonArray a = JsonParser.parseString(emu.stateJson()).getAsJsonObject().getAsJsonArray(field);
        List<JsonObject> out = new ArrayList<>();
        a.forEach(e -> out.add(e.getAsJsonObject()));
        return out;
    }

    @Test
    void launchTimeoutFailsTheLaunchAndDropsThePendingTask() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(),
                        Fixture.settings().maxUnplacedCycles(0).build())) {
            LaunchException e = awaitFailure(s.launch(docker("never").cpus(100)
                    .launchTimeout(Duration.ofMillis(500)).build()));
            assertEquals(LaunchException.Kind.TIMED_OUT, e.kind());
            assertTrue(e.getMessage().contains("within 500 ms (phase PENDING"), e.getMessage());
            awaitTrue("forgotten", () -> s.status().tasksByPhase().values().stream().allMatch(n -> n == 0));
        }
    }
}
