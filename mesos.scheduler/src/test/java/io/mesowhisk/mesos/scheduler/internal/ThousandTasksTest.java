package io.mesowhisk.mesos.scheduler.internal;

import static io.mesowhisk.mesos.scheduler.internal.Fixture.await;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.emulator.MesosEmulator;
import io.mesowhisk.mesos.scheduler.FrameworkIdStore;
import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.mesos.scheduler.LaunchedTask;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.TaskEnd;
import io.mesowhisk.mesos.scheduler.TaskPhase;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** 1,000 tasks launched and killed: none lost, none launched twice, the master's /state agreeing with ours. */
class ThousandTasksTest {

    @Test
    void thousandTasksLaunchedAndKilled() throws Exception {
        int n = 1000;
        try (MesosEmulator emu = Fixture.emulator(4).statusUpdateRetryInterval(Duration.ofSeconds(10)).start()) {
            RecordingClient client = new RecordingClient(Fixture.client(emu));
            try (MesosScheduler s = MesosScheduler.builder().mesosClient(client)
                    .framework(Fixture.framework(Duration.ofDays(1)))
                    .settings(Fixture.settings().launchTimeout(Duration.ofMinutes(5)).build())
                    .idStore(FrameworkIdStore.inMemory()).build()) {
                List<CompletionStage<LaunchedTask>> launches = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    launches.add(s.launch(LaunchRequest.builder("t" + i).docker("busybox").cpus(0.01).memMb(16)
                            .build()));
                }
                List<LaunchedTask> running = new ArrayList<>(n);
                for (CompletionStage<LaunchedTask> l : launches) {
                    running.add(await(l));
                }
                String fw = running.get(0).frameworkId();
                assertEquals(n, s.status().tasksByPhase().get(TaskPhase.RUNNING));
                Set<String> ids = new HashSet<>();
                running.forEach(t -> ids.add(t.taskId()));
                assertEquals(n, ids.size(), "unique task ids");

                List<CompletionStage<TaskEnd>> kills = new ArrayList<>(n);
                for (LaunchedTask t : running) {
                    kills.add(s.kill(t.taskId()));
                }
                for (int i = 0; i < n; i++) {
                    TaskEnd end = await(kills.get(i));
                    assertEquals(TaskState.TASK_KILLED, end.state(), end.toString());
                    assertEquals(end, await(running.get(i).ended()));
                }
                for (TaskPhase p : TaskPhase.values()) {
                    assertEquals(0, s.status().tasksByPhase().get(p), p + " " + s.status());
                }
                assertEquals(n, emu.launchedTasks(), "none launched twice");
                client.launchesByTask.forEach((id, count) -> assertEquals(1, count.get(), id));
                awaitTrue("master /state: every task killed", () -> {
                    Map<String, String> m = Fixture.masterTasks(emu, fw);
                    return m.size() == n && m.values().stream().allMatch("TASK_KILLED"::equals)
                            && m.keySet().equals(ids);
                }, () -> Fixture.masterTasks(emu, fw).size() + " tasks at the master");
                client.assertAcknowledgedOncePerDelivery();
                long redelivered = client.deliveriesByUuid.values().stream().filter(c -> c.get() > 1).count();
                long twice = client.acksByUuid.values().stream().filter(c -> c.get() > 1).count();
                assertTrue(twice <= redelivered, twice + " acknowledged twice, " + redelivered + " re-delivered");
            }
        }
    }
}
