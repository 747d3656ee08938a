package io.mesowhisk.mesos.scheduler.internal;

import static io.mesowhisk.mesos.scheduler.internal.Fixture.await;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.awaitFailure;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.awaitTrue;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.docker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.emulator.MesosEmulator;
import io.mesowhisk.mesos.scheduler.FrameworkIdStore;
import io.mesowhisk.mesos.scheduler.LaunchException;
import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.mesos.scheduler.LaunchedTask;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.TaskEnd;
import io.mesowhisk.mesos.scheduler.TaskPhase;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Updates before the ACCEPT's answer, reordered and duplicated updates, and one acknowledgement per update. */
class AcknowledgementTest {

    private static MesosScheduler scheduler(RecordingClient client) {
        return MesosScheduler.builder().mesosClient(client).framework(Fixture.framework(Duration.ofDays(1)))
                .settings(Fixture.settings().build()).idStore(FrameworkIdStore.inMemory()).build();
    }

    @Test
    void updatesBeforeTheAcceptAnswerAndAKillInThatWindow() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start()) {
            RecordingClient client = new RecordingClient(Fixture.client(emu));
            try (MesosScheduler s = scheduler(client)) {
                client.acceptAnswerDelay = Duration.ofSeconds(2);
                LaunchedTask t = await(s.launch(docker("early").build()));
                assertEquals(TaskState.TASK_RUNNING, t.lastStatus().getState());

                // a kill while the ACCEPT is unanswered waits for the answer, so it cannot overtake the launch
                LaunchRequest r = docker("killed-early").build();
                CompletionStage<LaunchedTask> launch = s.launch(r);
                awaitTrue("launching", () -> s.tasks().stream().anyMatch(v -> v.taskId().equals(r.taskId())
                        && v.phase() != TaskPhase.PENDING));
                TaskEnd end = await(s.kill(r.taskId()));
                assertEquals(TaskState.TASK_KILLED, end.state());
                assertEquals(LaunchException.Kind.KILLED, awaitFailure(launch).kind());
                awaitTrue("master agrees", () -> "TASK_KILLED".equals(
                        Fixture.masterTasks(emu, t.frameworkId()).get(r.taskId())));
            }
            client.assertAcknowledgedOncePerDelivery();
        }
    }

    @Test
    void reorderedUpdatesNeverMoveATaskBackwards() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start()) {
            RecordingClient client = new RecordingClient(Fixture.client(emu));
            try (MesosScheduler s = scheduler(client)) {
                Fixture.awaitSubscribed(s);
                emu.holdUpdates();
                CompletionStage<LaunchedTask> a = s.launch(docker("a").build());
                CompletionStage<LaunchedTask> b = s.launch(docker("b").build());
                awaitTrue("both launching", () -> s.status().tasksByPhase().get(TaskPhase.LAUNCHING) == 2);
                emu.releaseUpdates(true);
                LaunchedTask ta = await(a);
                LaunchedTask tb = await(b);
                assertEquals(TaskState.TASK_RUNNING, ta.lastStatus().getState());
                assertEquals(TaskState.TASK_RUNNING, tb.lastStatus().getState());
                awaitTrue("all acknowledged", () -> client.acksByUuid.size() >= 4);
                assertEquals(2, s.status().tasksByPhase().get(TaskPhase.RUNNING));
            }
            client.assertAcknowledgedOncePerDelivery();
        }
    }
}
