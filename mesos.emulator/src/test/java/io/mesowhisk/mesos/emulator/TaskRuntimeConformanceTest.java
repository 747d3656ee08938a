package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a running task sees and reports, checked against Mesos's code: the command executor (src/launcher/executor.cpp),
 * the docker executor (src/docker/executor.cpp, src/docker/docker.cpp) and the agent's {@code executorEnvironment}
 * and {@code _statusUpdate} (src/slave/slave.cpp).
 */
class TaskRuntimeConformanceTest {

    MesosEmulator emu;
    TestScheduler s;

    @BeforeEach
    void start() throws Exception {
        emu = TestScheduler.oneAgent().start();
        s = new TestScheduler(emu.leaderUri(), true);
    }

    @AfterEach
    void stop() {
        s.close();
        emu.close();
    }

    private Protos.Offer offer() throws InterruptedException {
        return s.await(Event.Type.OFFERS).getOffers().getOffers(0);
    }

    /** Acks STARTING and RUNNING of a task and returns RUNNING. */
    private TaskStatus started(String id) throws Exception {
        s.ack(s.awaitUpdate(id, TaskState.TASK_STARTING));
        TaskStatus running = s.awaitUpdate(id, TaskState.TASK_RUNNING);
        s.ack(running);
        return running;
    }

    private String stdout(String taskId) throws Exception {
        return Files.readString(s.runs(emu, taskId).resolve("latest").resolve("stdout"));
    }

    private static Protos.Environment.Variable env(String name, String value) {
        return Protos.Environment.Variable.newBuilder().setName(name).setValue(value).build();
    }

    /**
     * The agent gives the executors of a checkpointing framework its recovery timeout and the executor
     * reregistration timeout as the longest subscription back-off, at their defaults and written as stout writes a
     * Duration; the task's own CommandInfo environment comes later and wins. Without checkpointing neither is set.
     */
    @Test
    void checkpointingFrameworkTasksGetRecoveryTimeoutAndSubscriptionBackoff() throws Exception {
        s.subscribe(TestScheduler.info().setCheckpoint(true).build());
        Protos.Offer o = offer();
        String print = "echo \"${MESOS_CHECKPOINT}|${MESOS_RECOVERY_TIMEOUT-unset}|"
            + "${MESOS_SUBSCRIPTION_BACKOFF_MAX-unset}\"";
        Protos.TaskInfo.Builder overridden = TestScheduler.commandTask("own", o, print);
        overridden.getCommandBuilder().setEnvironment(Protos.Environment.newBuilder()
            .addVariables(env("MESOS_RECOVERY_TIMEOUT", "1mins")));
        s.launch(o, TestScheduler.commandTask("cp", o, print).build(), overridden.build());
        for (String id : new String[] {"cp", "own"}) {
            started(id);
            s.ack(s.awaitUpdate(id, TaskState.TASK_FINISHED));
        }
        assertEquals("1|15mins|2secs\n", stdout("cp"));
        assertEquals("1|1mins|2secs\n", stdout("own"));
        s.post(s.call(Call.Type.TEARDOWN).build()); // the agent's resources go back to be offered to the next
        s.close();

        s = new TestScheduler(emu.leaderUri(), true);
        s.subscribe(TestScheduler.info().setName("no-checkpoint").build());
        Protos.Offer p = offer();
        s.launch(p, TestScheduler.commandTask("plain", p, print).build());
        started("plain");
        s.ack(s.awaitUpdate("plain", TaskState.TASK_FINISHED));
        assertEquals("0|unset|unset\n", stdout("plain"));
    }
}
