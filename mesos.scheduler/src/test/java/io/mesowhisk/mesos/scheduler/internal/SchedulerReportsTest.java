package io.mesowhisk.mesos.scheduler.internal;

import static io.mesowhisk.mesos.scheduler.internal.Fixture.await;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.awaitTrue;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.docker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.emulator.MesosEmulator;
import io.mesowhisk.mesos.scheduler.FrameworkIdStore;
import io.mesowhisk.mesos.scheduler.LaunchedTask;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the {@code mesos:} commands print, from a scheduler running a task and holding offers. */
class SchedulerReportsTest {

    @Test
    void statusTasksOffersAgentsAndMetricsPrintAsAnOperatorReadsThem() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(),
                        Fixture.settings().holdOffers(Duration.ofMinutes(1)).build())) {
            LaunchedTask t = await(s.launch(docker("shown").build()));
            awaitTrue("an offer held", () -> !s.heldOffers().isEmpty());

            String status = new SchedulerReports.StatusReport(List.of(s.status())).toString();
            assertTrue(status.matches("(?s)state\\s+SUBSCRIBED\n.*"), status);
            assertTrue(status.contains("framework id     " + t.frameworkId() + "\n"), status);
            assertTrue(status.contains("tasks            RUNNING 1\n"), status);
            assertTrue(status.matches("(?s).*last event\\s+\\d+\\.\\d s ago\n.*"), status);

            String tasks = new SchedulerReports.TaskTable(s.tasks()).toString();
            assertTrue(tasks.startsWith("task "), tasks);
            assertTrue(tasks.lines().anyMatch(l -> l.startsWith(t.taskId()) && l.contains(" RUNNING ")
                    && l.contains("TASK_RUNNING") && l.contains(t.hostPorts().toString())), tasks);

            String offers = new SchedulerReports.OfferTable(s.heldOffers()).toString();
            assertEquals(1 + s.heldOffers().size(), offers.lines().count(), offers);

            String agents = new SchedulerReports.AgentTable(s.agents()).toString();
            assertTrue(agents.lines().anyMatch(l -> l.startsWith(t.hostname())), agents);

            String metrics = new SchedulerReports.MetricsReport(List.of(s.metrics().snapshot())).toString();
            assertTrue(metrics.lines().anyMatch(l -> l.matches("launches\\.running\\s+1")), metrics);
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("launch.latency") && l.contains("count 1,")),
                    metrics);

            assertEquals("no tasks", new SchedulerReports.TaskTable(List.of()).toString());
            assertEquals("no scheduler", new SchedulerReports.StatusReport(List.of()).toString());
        }
    }
}
