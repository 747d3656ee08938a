package io.mesowhisk.mesos.scheduler.internal;

import static io.mesowhisk.mesos.scheduler.internal.Fixture.await;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.awaitFailure;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.awaitSubscribed;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.awaitTrue;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.docker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.api.Encoding;
import io.mesowhisk.mesos.api.MesosClientConfig;
import io.mesowhisk.mesos.emulator.LaunchFailure;
import io.mesowhisk.mesos.emulator.MesosEmulator;
import io.mesowhisk.mesos.scheduler.FrameworkIdStore;
import io.mesowhisk.mesos.scheduler.LaunchException;
import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.mesos.scheduler.LaunchedTask;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import io.mesowhisk.mesos.scheduler.TaskEnd;
import io.mesowhisk.mesos.scheduler.TaskPhase;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Launch, run, kill and fail single tasks against the emulator. */
class LifecycleTest {

    @Test
    void launchRunsAndKillEndsIt() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(), Fixture.settings().build())) {
            LaunchedTask t = await(s.launch(docker("hello").build()));
            assertEquals(emu.agentId(0), t.agentId());
            assertEquals(1, t.hostPorts().size());
            assertTrue(t.hostPorts().get(0) >= 31000 && t.hostPorts().get(0) <= 32000, t.hostPorts().toString());
            assertEquals(TaskState.TASK_RUNNING, t.lastStatus().getState());
            assertEquals(s.status().frameworkId().orElseThrow(), t.frameworkId());
            assertFalse(t.ended().toCompletableFuture().isDone());
            assertEquals(1, s.status().tasksByPhase().get(TaskPhase.RUNNING));

            TaskEnd end = await(s.kill(t.taskId()));
            assertEquals(TaskState.TASK_KILLED, end.state());
            assertTrue(end.killedByUs());
            assertEquals(end, await(t.ended()));
            assertEquals(0, s.status().tasksByPhase().get(TaskPhase.RUNNING));
            awaitTrue("master sees the task killed", () -> "TASK_KILLED".equals(
                    Fixture.masterTasks(emu, t.frameworkId()).get(t.taskId())));
            SchedulerMetrics.Snapshot m = s.metrics().snapshot();
            assertEquals(1, m.counter(SchedulerMetrics.LAUNCHES_RUNNING));
            assertEquals(1, m.latencies().get(SchedulerMetrics.LAUNCH_LATENCY).count());
        }
    }

    /** With JSON the client decodes OFFERS events and writes the offers back to protobuf: the same intake serves. */
    @Test
    void overTheJsonEncodingOffersAreHeldAndLaunchedOn() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(2).start();
                MesosScheduler s = MesosScheduler.builder()
                        .client(MesosClientConfig.builder().masters(emu.masterUris()).encoding(Encoding.JSON)
                                .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).build())
                        .framework(Fixture.framework(Duration.ofDays(1)))
                        .settings(Fixture.settings().holdOffers(Duration.ofMinutes(5)).build())
                        .idStore(FrameworkIdStore.inMemory()).build()) {
            awaitTrue("offers held", () -> s.heldOffers().size() == 2);
            LaunchedTask first = await(s.launch(docker("json-1").build()));
            LaunchedTask second = await(s.launch(docker("json-2").cpus(3.9).build()));
            assertTrue(emu.agentId(0).equals(first.agentId()) || emu.agentId(1).equals(first.agentId()));
            assertEquals(1, second.hostPorts().size());
            assertEquals(TaskState.TASK_KILLED, await(s.kill(first.taskId())).state());
        }
    }

    @Test
    void aStopWithoutTeardownTellsOwnersTheirTasksWereLeftRunning() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start()) {
            MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(), Fixture.settings().build());
            LaunchedTask t = await(s.launch(docker("left").build()));
            await(s.stop());
            TaskEnd end = await(t.ended());
            assertEquals(TaskState.TASK_UNKNOWN, end.state());
            assertFalse(end.killedByUs());
            assertTrue(end.message().contains("left running for a failover of framework " + t.frameworkId()),
                    end.message());
            assertEquals("TASK_RUNNING", Fixture.masterTasks(emu, t.frameworkId()).get(t.taskId()),
                    "the task itself runs on");
        }
    }

    @Test
    void aHealthCheckedLaunchCompletesOnlyWhenHealthy() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(), Fixture.settings().build())) {
            LaunchRequest r = docker("checked").healthCheck(LaunchRequest.HealthCheck.tcp(0).withTiming(
                    java.time.Duration.ofMillis(300), java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1),
                    3, java.time.Duration.ofSeconds(5))).build();
            LaunchedTask t = await(s.launch(r));
            assertEquals(TaskState.TASK_RUNNING, t.lastStatus().getState());
            assertTrue(t.lastStatus().hasHealthy() && t.lastStatus().getHealthy(), t.lastStatus().toString());
        }
    }

    @Test
    void dockerRunAndPullFailuresAreToldApart() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(), Fixture.settings().build())) {
            awaitSubscribed(s);
            emu.failNextLaunch(LaunchFailure.dockerRunFailure());
            LaunchException run = awaitFailure(s.launch(docker("run-fails").build()));
            assertEquals(LaunchException.Kind.DOCKER_RUN_FAILED, run.kind());
            assertEquals("Container exited with status 125", run.mesosMessage());
            assertEquals(TaskState.TASK_FAILED, run.state().orElseThrow());
            int port = s.tasks().stream().filter(v -> v.taskId().equals(run.taskId())).findFirst().orElseThrow()
                    .hostPorts().get(0);
            assertTrue(s.agents().get(0).blacklistedPorts().contains(port), s.agents().toString());

            emu.failNextLaunch(LaunchFailure.dockerPullFailure("no/such-image"));
            LaunchException pull = awaitFailure(s.launch(docker("pull-fails").build()));
            assertEquals(LaunchException.Kind.DOCKER_PULL_FAILED, pull.kind(), pull.getMessage());

            // the next launch never gets the blacklisted port
            LaunchedTask ok = await(s.launch(docker("after").build()));
            assertFalse(ok.hostPorts().contains(port));
        }
    }

    @Test
    void killPendingLaunchingAndUnknown() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(), Fixture.settings().build())) {
            awaitSubscribed(s);
            // pending: asks more than the agent has, so it stays pending
            LaunchRequest huge = docker("huge").cpus(64).build();
            CompletionStage<LaunchedTask> hugeLaunch = s.launch(huge);
            awaitTrue("pending", () -> s.status().tasksByPhase().get(TaskPhase.PENDING) == 1);
            TaskEnd pendingEnd = await(s.kill(huge.taskId()));
            assertEquals(TaskState.TASK_KILLED, pendingEnd.state());
            assertEquals(LaunchException.Kind.KILLED, awaitFailure(hugeLaunch).kind());

            // launching: killed right after launch() returned, before it can be running
            emu.holdUpdates();
            LaunchRequest quick = docker("quick").build();
            CompletionStage<LaunchedTask> quickLaunch = s.launch(quick);
            awaitTrue("launching", () -> s.tasks().stream().anyMatch(v -> v.taskId().equals(quick.taskId())
                    && v.phase() == TaskPhase.LAUNCHING));
            CompletionStage<TaskEnd> killed = s.kill(quick.taskId());
            emu.releaseUpdates(false);
            assertEquals(LaunchException.Kind.KILLED, awaitFailure(quickLaunch).kind());
            TaskEnd quickEnd = await(killed);
            assertTrue(quickEnd.state() == TaskState.TASK_KILLED, quickEnd.toString());

            // unknown id: Mesos answers the kill as a reconciliation
            TaskEnd unknown = await(s.kill("no-such-task"));
            assertTrue(unknown.state() == TaskState.TASK_UNKNOWN || unknown.state() == TaskState.TASK_LOST
                    || unknown.state() == TaskState.TASK_GONE, unknown.toString());
        }
    }

    @Test
    void noCapacityNamesTheAskAndTheLargestOffer() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(),
                        Fixture.settings().maxUnplacedCycles(3).build())) {
            LaunchException e = awaitFailure(s.launch(docker("too-big").memMb(100_000).build()));
            assertEquals(LaunchException.Kind.NO_CAPACITY, e.kind());
            assertTrue(e.getMessage().contains("mem 100000.0 MB"), e.getMessage());
            assertTrue(e.getMessage().contains("largest offers seen: "), e.getMessage());
            assertTrue(e.getMessage().contains("mem 8192.0 MB"), e.getMessage());
        }
    }
}
