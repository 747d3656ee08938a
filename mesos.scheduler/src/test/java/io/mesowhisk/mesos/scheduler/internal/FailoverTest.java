package io.mesowhisk.mesos.scheduler.internal;

import static io.mesowhisk.mesos.scheduler.internal.Fixture.await;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.awaitSubscribed;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.awaitTrue;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.docker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.emulator.MesosEmulator;
import io.mesowhisk.mesos.scheduler.FileFrameworkIdStore;
import io.mesowhisk.mesos.scheduler.FrameworkIdStore;
import io.mesowhisk.mesos.scheduler.LaunchedTask;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import io.mesowhisk.mesos.scheduler.TaskEnd;
import io.mesowhisk.mesos.scheduler.TaskPhase;
import io.mesowhisk.mesos.scheduler.TaskView;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stream loss, master failover, leader change, process restart with the persisted id, orphans, teardown. */
class FailoverTest {

    @TempDir
    Path dir;

    private static List<LaunchedTask> launchAll(MesosScheduler s, List<CompletionStage<LaunchedTask>> launches)
            throws Exception {
        List<LaunchedTask> out = new ArrayList<>();
        for (CompletionStage<LaunchedTask> l : launches) {
            out.add(await(l));
        }
        return out;
    }

    @Test
    void masterFailoverDuringABurstOfLaunches() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(2).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(), Fixture.settings().build())) {
            awaitSubscribed(s);
            String fw = s.status().frameworkId().orElseThrow();
            List<CompletionStage<LaunchedTask>> launches = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                launches.add(s.launch(docker("burst-" + i).containerPorts(List.of()).build()));
                if (i == 30) {
                    emu.restartMaster();
                }
            }
            List<LaunchedTask> running = launchAll(s, launches);
            assertEquals(fw, s.status().frameworkId().orElseThrow(), "same framework id after the failover");
            assertTrue(s.metrics().snapshot().counter(SchedulerMetrics.RECONNECTS) >= 1);
            Map<String, String> master = Fixture.masterTasks(emu, fw);
            for (LaunchedTask t : running) {
                assertEquals("TASK_RUNNING", master.get(t.taskId()), t.taskId());
                assertEquals(fw, t.frameworkId());
            }
            assertEquals(60, emu.launchedTasks(), "no task launched twice at Mesos");
            assertEquals(60, s.status().tasksByPhase().get(TaskPhase.RUNNING));
        }
    }

    @Test
    void streamCutWithPendingAndRunningTasks() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(), Fixture.settings().build())) {
            List<LaunchedTask> running = launchAll(s, List.of(s.launch(docker("r1").build()),
                    s.launch(docker("r2").build())));
            String fw = s.status().frameworkId().orElseThrow();
            List<CompletionStage<LaunchedTask>> later = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                later.add(s.launch(docker("p" + i).build()));
            }
            emu.cutStream(fw);
            List<LaunchedTask> afterCut = launchAll(s, later);
            assertEquals(5, afterCut.size());
            awaitSubscribed(s);
            assertEquals(fw, s.status().frameworkId().orElseThrow());
            for (LaunchedTask t : running) {
                assertFalse(t.ended().toCompletableFuture().isDone(), t.taskId() + " still running");
            }
            assertEquals(7, s.status().tasksByPhase().get(TaskPhase.RUNNING));
            assertEquals(7, emu.launchedTasks());
            // the running tasks are still ours: a kill after the reconnect works
            assertEquals(TaskState.TASK_KILLED, await(s.kill(running.get(0).taskId())).state());
        }
    }

    @Test
    void heartbeatLossAndLeaderChangeResubscribeWithTheSameId() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).masters(3).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(), Fixture.settings().build())) {
            LaunchedTask t = await(s.launch(docker("survivor").build()));
            String fw = t.frameworkId();
            emu.stopHeartbeats(fw, true);
            awaitTrue("heartbeat loss noticed and resubscribed",
                    () -> s.metrics().snapshot().counter(SchedulerMetrics.RECONNECTS) >= 1);
            awaitSubscribed(s);
            emu.switchLeader(2);
            awaitTrue("leader change followed",
                    () -> s.metrics().snapshot().counter(SchedulerMetrics.RECONNECTS) >= 2);
            awaitSubscribed(s);
            assertEquals(fw, s.status().frameworkId().orElseThrow());
            assertEquals(emu.masterUri(2).getPort(), s.status().leader().orElseThrow().getPort());
            assertFalse(t.ended().toCompletableFuture().isDone());
            LaunchedTask second = await(s.launch(docker("after-switch").build()));
            assertEquals(fw, second.frameworkId());
        }
    }

    @Test
    void restartWithThePersistedIdRecoversEveryRunningTask() throws Exception {
        Path idFile = dir.resolve("framework-id");
        try (MesosEmulator emu = Fixture.emulator(1).start()) {
            String fw;
            Set<String> ids;
            try (MesosScheduler first = Fixture.scheduler(emu, new FileFrameworkIdStore(idFile),
                    Fixture.settings().build())) {
                List<CompletionStage<LaunchedTask>> l = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    l.add(first.launch(docker("keep-" + i).build()));
                }
                List<LaunchedTask> running = launchAll(first, l);
                fw = running.get(0).frameworkId();
                ids = running.stream().map(LaunchedTask::taskId).collect(Collectors.toSet());
            }
            assertEquals(fw, new FileFrameworkIdStore(idFile).load().orElseThrow().getValue());
            try (MesosScheduler second = Fixture.scheduler(emu, new FileFrameworkIdStore(idFile),
                    Fixture.settings().adoptOrphans(true).build())) {
                awaitTrue("every task recovered", () -> second.tasks().stream()
                        .filter(v -> v.phase() == TaskPhase.RUNNING).map(TaskView::taskId)
                        .collect(Collectors.toSet()).equals(ids), () -> second.tasks().toString());
                assertEquals(fw, second.status().frameworkId().orElseThrow());
                // adopted tasks are ours: their ends can be followed, and they can be killed
                String one = ids.iterator().next();
                CompletionStage<TaskEnd> adoptedEnd = second.ended(one);
                assertFalse(adoptedEnd.toCompletableFuture().isDone());
                assertEquals(TaskState.TASK_KILLED, await(second.kill(one)).state());
                assertEquals(TaskState.TASK_KILLED, await(adoptedEnd).state());
                assertEquals(TaskState.TASK_KILLED, await(second.ended(one)).state(), "recently ended");
                assertInstanceOf(NoSuchElementException.class, assertThrows(ExecutionException.class,
                        () -> second.ended("no-such-task").toCompletableFuture().get(60, TimeUnit.SECONDS))
                        .getCause());
            }
            Map<String, String> master = Fixture.masterTasks(emu, fw);
            assertEquals(4, master.values().stream().filter("TASK_RUNNING"::equals).count(), master.toString());
            assertEquals(5, emu.launchedTasks());
        }
    }

    @Test
    void orphansOfAnEarlierIncarnationAreKilled() throws Exception {
        Path idFile = dir.resolve("framework-id");
        try (MesosEmulator emu = Fixture.emulator(1).start()) {
            String fw;
            Set<String> ids;
            try (MesosScheduler first = Fixture.scheduler(emu, new FileFrameworkIdStore(idFile),
                    Fixture.settings().build())) {
                List<LaunchedTask> running = launchAll(first, List.of(first.launch(docker("o1").build()),
                        first.launch(docker("o2").build())));
                fw = running.get(0).frameworkId();
                ids = running.stream().map(LaunchedTask::taskId).collect(Collectors.toSet());
            }
            try (MesosScheduler second = Fixture.scheduler(emu, new FileFrameworkIdStore(idFile),
                    Fixture.settings().build())) {
                awaitTrue("orphans killed", () -> {
                    Map<String, String> m = Fixture.masterTasks(emu, fw);
                    return ids.stream().allMatch(id -> "TASK_KILLED".equals(m.get(id)));
                }, () -> Fixture.masterTasks(emu, fw).toString());
                assertEquals(2, second.metrics().snapshot().counter(SchedulerMetrics.ORPHANS));
                assertTrue(second.tasks().stream().noneMatch(v -> ids.contains(v.taskId())));
            }
        }
    }

    @Test
    void stopWithTeardownEndsEveryTaskAndForgetsTheId() throws Exception {
        Path idFile = dir.resolve("framework-id");
        try (MesosEmulator emu = Fixture.emulator(1).start()) {
            MesosScheduler s = Fixture.scheduler(emu, new FileFrameworkIdStore(idFile),
                    Fixture.settings().teardownOnStop(true).holdOffers(Duration.ofMinutes(1)).build());
            LaunchedTask t = await(s.launch(docker("doomed").build()));
            awaitTrue("an offer held", () -> !s.heldOffers().isEmpty());
            await(s.stop());
            TaskEnd end = await(t.ended());
            assertEquals(TaskState.TASK_KILLED, end.state());
            assertTrue(new FileFrameworkIdStore(idFile).load().isEmpty(), "id forgotten after TEARDOWN");
            assertTrue(s.heldOffers().isEmpty());
            assertEquals(io.mesowhisk.mesos.scheduler.SchedulerStatus.State.STOPPED, s.status().state());
            assertEquals(io.mesowhisk.mesos.scheduler.LaunchException.Kind.STOPPED,
                    Fixture.awaitFailure(s.launch(docker("late").build())).kind());
        }
    }
}
