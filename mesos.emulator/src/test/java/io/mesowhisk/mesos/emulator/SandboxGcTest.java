package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agents' sandbox garbage collection ({@code --gc_delay}, M:src/slave/gc.cpp) as the emulator offers it. */
class SandboxGcTest {

    MesosEmulator emu;
    TestScheduler s;

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
        if (emu != null) {
            emu.close();
        }
    }

    /** Runs a command task to its end, every update acknowledged; returns its container (run) id. */
    private String runToEnd(String id) throws Exception {
        Protos.Offer o = s.await(Event.Type.OFFERS).getOffers().getOffers(0);
        s.launch(o, TestScheduler.commandTask(id, o, "echo hi").build());
        s.ack(s.awaitUpdate(id, TaskState.TASK_STARTING));
        Protos.TaskStatus running = s.awaitUpdate(id, TaskState.TASK_RUNNING);
        s.ack(running);
        s.ack(s.awaitUpdate(id, TaskState.TASK_FINISHED));
        return running.getContainerStatus().getContainerId().getValue();
    }

    private static void awaitGone(Path p) throws InterruptedException {
        long deadline = System.nanoTime() + TestScheduler.WAIT.toNanos();
        while (Files.exists(p)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(p + " still exists");
            }
            Thread.sleep(5); // polling a condition until its deadline
        }
    }

    @Test
    void aForgottenTasksSandboxIsDeletedAfterTheDelay() throws Exception {
        emu = TestScheduler.oneAgent().sandboxGcDelay(Duration.ZERO).start();
        s = new TestScheduler(emu.leaderUri(), true);
        s.subscribe(TestScheduler.info().build());
        runToEnd("gc1");
        // the terminal ACK makes the master forget the task; with no delay its whole executor directory goes
        awaitGone(s.runs(emu, "gc1").getParent());
        assertTrue(Files.isDirectory(s.runs(emu, "gc1").getParent().getParent()), "the executors directory stays");
    }

    @Test
    void aNewRunOfTheSameExecutorIdSurvivesTheOldRunsCollection() throws Exception {
        emu = TestScheduler.oneAgent().sandboxGcDelay(Duration.ofMillis(300)).start();
        s = new TestScheduler(emu.leaderUri(), true);
        s.subscribe(TestScheduler.info().build());
        String oldRun = runToEnd("again");
        // the id is free once the task is forgotten: its second run starts before the first run is collected
        Protos.Offer o = s.await(Event.Type.OFFERS).getOffers().getOffers(0);
        s.launch(o, TestScheduler.commandTask("again", o, "sleep 30").build());
        String newRun = s.awaitUpdate("again", TaskState.TASK_STARTING).getContainerStatus().getContainerId()
            .getValue();
        awaitGone(s.runs(emu, "again").resolve(oldRun));
        assertTrue(Files.isDirectory(s.runs(emu, "again").resolve(newRun)));
        assertEquals(Path.of(newRun), Files.readSymbolicLink(s.runs(emu, "again").resolve("latest")));
    }

    @Test
    void aNegativeDelayIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> MesosEmulator.builder().sandboxGcDelay(Duration.ofSeconds(-1)));
        assertEquals("sandboxGcDelay must be zero or positive: PT-1S", e.getMessage());
    }
}
