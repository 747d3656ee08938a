package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.nio.file.Files;
import java.time.Duration;
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

    private String stdout(String taskId) throws Exception {
        return Files.readString(s.runs(emu, taskId).resolve("latest").resolve("stdout"));
    }

    private static Protos.Environment.Variable env(String name, String value) {
        return Protos.Environment.Variable.newBuilder().setName(name).setValue(value).build();
    }

    private void kill(String id, Protos.KillPolicy policy) throws Exception {
        Call.Kill.Builder k = Call.Kill.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue(id));
        if (policy != null) {
            k.setKillPolicy(policy);
        }
        s.post(s.call(Call.Type.KILL).setKill(k).build());
    }

    private static Protos.KillPolicy grace(Duration d) {
        return Protos.KillPolicy.newBuilder()
            .setGracePeriod(Protos.DurationInfo.newBuilder().setNanoseconds(d.toNanos())).build();
    }

    /**
     * The agent gives the executors of a checkpointing framework its recovery timeout and the executor
     * reregistration timeout as the longest subscription back-off, at their defaults and written as stout writes a
     * Duration; the task's own CommandInfo environment comes later and wins. Without checkpointing neither is set.
     */
    @Test
    void checkpointingFrameworkTasksGetRecoveryTimeoutAndSubscriptionBackoff() throws Exception {
        s.subscribe(TestScheduler.info().setCheckpoint(true).build());
        Protos.Offer o = s.firstOffer();
        String print = "echo \"${MESOS_CHECKPOINT}|${MESOS_RECOVERY_TIMEOUT-unset}|"
            + "${MESOS_SUBSCRIPTION_BACKOFF_MAX-unset}\"";
        Protos.TaskInfo.Builder overridden = TestScheduler.commandTask("own", o, print);
        overridden.getCommandBuilder().setEnvironment(Protos.Environment.newBuilder()
            .addVariables(env("MESOS_RECOVERY_TIMEOUT", "1mins")));
        s.launch(o, TestScheduler.commandTask("cp", o, print).build(), overridden.build());
        for (String id : new String[] {"cp", "own"}) {
            s.started(id);
            s.ack(s.awaitUpdate(id, TaskState.TASK_FINISHED));
        }
        assertEquals("1|15mins|2secs\n", stdout("cp"));
        assertEquals("1|1mins|2secs\n", stdout("own"));
        s.post(s.call(Call.Type.TEARDOWN).build()); // the agent's resources go back to be offered to the next
        s.close();

        s = new TestScheduler(emu.leaderUri(), true);
        s.subscribe(TestScheduler.info().setName("no-checkpoint").build());
        Protos.Offer p = s.firstOffer();
        s.launch(p, TestScheduler.commandTask("plain", p, print).build());
        s.started("plain");
        s.ack(s.awaitUpdate("plain", TaskState.TASK_FINISHED));
        assertEquals("0|unset|unset\n", stdout("plain"));
    }

    /**
     * The docker executor stops a container with {@code docker stop -t <grace in whole seconds>}, and its terminal
     * update carries the status {@code docker run} exits with: a simulated container ends on SIGTERM (143), or, when
     * the grace rounds down to 0 seconds, on the SIGKILL that follows at once (137). No reason, as before.
     */
    @Test
    void dockerKillReportsTheContainersExitStatus() throws Exception {
        s.subscribe(TestScheduler.info().build());
        Protos.Offer o = s.firstOffer();
        s.launch(o, TestScheduler.dockerTask("term", o, 0.1, 32).build(),
            TestScheduler.dockerTask("nograce", o, 0.1, 32).build());
        s.started("term");
        s.started("nograce");
        kill("term", null);
        TaskStatus term = s.awaitUpdate("term", TaskState.TASK_KILLED);
        assertEquals("Container exited with status 143", term.getMessage());
        assertFalse(term.hasReason());
        assertEquals(TaskStatus.Source.SOURCE_EXECUTOR, term.getSource());
        kill("nograce", grace(Duration.ofMillis(500)));
        TaskStatus nograce = s.awaitUpdate("nograce", TaskState.TASK_KILLED);
        assertEquals("Container exited with status 137", nograce.getMessage());
        assertFalse(nograce.hasReason());
    }

    private static Protos.DurationInfo duration(Duration d) {
        return Protos.DurationInfo.newBuilder().setNanoseconds(d.toNanos()).build();
    }

    private boolean sawKilling(String id) {
        return s.seen.stream().anyMatch(e -> e.getType() == Event.Type.UPDATE
            && e.getUpdate().getStatus().getTaskId().getValue().equals(id)
            && e.getUpdate().getStatus().getState() == TaskState.TASK_KILLING);
    }

    /**
     * When max_completion_time passes, the command executor kills the task with no grace, whatever its kill policy
     * (here 10 min, and the task ignores SIGTERM, so only the SIGKILL ends it), sends no TASK_KILLING even to a
     * TASK_KILLING_STATE framework, and reports TASK_FAILED with REASON_MAX_COMPLETION_TIME_REACHED and the exit
     * status as its message.
     */
    @Test
    void commandTaskPastMaxCompletionTimeIsKilledAtOnceAndFails() throws Exception {
        s.subscribe(TestScheduler.info().addCapabilities(TestScheduler.cap(
            Protos.FrameworkInfo.Capability.Type.TASK_KILLING_STATE)).build());
        Protos.Offer o = s.firstOffer();
        s.launch(o, TestScheduler.commandTask("slow", o, "trap '' TERM; while :; do sleep 1; done")
            .setKillPolicy(grace(Duration.ofMinutes(10)))
            .setMaxCompletionTime(duration(Duration.ofMillis(300))).build());
        s.started("slow");
        TaskStatus failed = s.awaitUpdate("slow", TaskState.TASK_FAILED);
        assertEquals(TaskStatus.Reason.REASON_MAX_COMPLETION_TIME_REACHED, failed.getReason());
        assertEquals("Command terminated with signal Killed", failed.getMessage());
        assertEquals(TaskStatus.Source.SOURCE_EXECUTOR, failed.getSource());
        assertFalse(failed.hasHealthy());
        assertFalse(sawKilling("slow"));
    }

    /**
     * A KILL before max_completion_time passes cancels the executor's timer: the task gets its grace and ends
     * KILLED in its own time (it exits 0 two seconds after SIGTERM, past its 1 s max_completion_time), without a
     * reason.
     */
    @Test
    void killBeforeMaxCompletionTimeCancelsTheTimer() throws Exception {
        s.subscribe(TestScheduler.info().build());
        Protos.Offer o = s.firstOffer();
        s.launch(o, TestScheduler.commandTask("k", o, "trap 'sleep 2; exit 0' TERM; while :; do sleep 1; done")
            .setMaxCompletionTime(duration(Duration.ofSeconds(1))).build());
        s.started("k");
        kill("k", grace(Duration.ofMinutes(1)));
        TaskStatus killed = s.awaitUpdate("k", TaskState.TASK_KILLED);
        assertEquals("Command exited with status 0", killed.getMessage());
        assertFalse(killed.hasReason());
    }

    /**
     * The docker executor does the same for a docker task: {@code docker stop -t 0}, no TASK_KILLING, and TASK_FAILED
     * with REASON_MAX_COMPLETION_TIME_REACHED; the container is killed at once (status 137).
     */
    @Test
    void dockerTaskPastMaxCompletionTimeFails() throws Exception {
        s.subscribe(TestScheduler.info().addCapabilities(TestScheduler.cap(
            Protos.FrameworkInfo.Capability.Type.TASK_KILLING_STATE)).build());
        Protos.Offer o = s.firstOffer();
        s.launch(o, TestScheduler.dockerTask("d", o, 0.1, 32).setKillPolicy(grace(Duration.ofMinutes(10)))
            .setMaxCompletionTime(duration(Duration.ofMillis(200))).build());
        s.started("d");
        TaskStatus failed = s.awaitUpdate("d", TaskState.TASK_FAILED);
        assertEquals(TaskStatus.Reason.REASON_MAX_COMPLETION_TIME_REACHED, failed.getReason());
        assertEquals("Container exited with status 137", failed.getMessage());
        assertEquals(TaskStatus.Source.SOURCE_EXECUTOR, failed.getSource());
        assertFalse(sawKilling("d"));
    }

    private static String ip(TaskStatus status) {
        assertEquals(1, status.getContainerStatus().getNetworkInfosCount(), status.toString());
        return status.getContainerStatus().getNetworkInfos(0).getIpAddresses(0).getIpAddress();
    }

    /** TASK_RUNNING's data, parsed: the one container of a {@code docker inspect} array. */
    private static Struct inspected(TaskStatus running) throws Exception {
        ListValue.Builder array = ListValue.newBuilder();
        JsonFormat.parser().merge(running.getData().toStringUtf8(), array);
        assertEquals(1, array.getValuesCount());
        return array.getValues(0).getStructValue();
    }

    private static Value at(Struct s, String... path) {
        Value v = Value.newBuilder().setStructValue(s).build();
        for (String key : path) {
            v = v.getStructValue().getFieldsOrThrow(key);
        }
        return v;
    }

    /**
     * A docker task's updates as the docker executor and the agent make them. STARTING, KILLING and the terminal
     * update carry no network info from the executor, so the agent adds its own IP. RUNNING comes after
     * {@code docker inspect}: its output as data, and for a BRIDGE or USER network the container's IP (synthetic
     * here) in a copy of the ContainerInfo's first network info; health updates repeat that network info without
     * the data. With HOST networking docker has no IP for the container, so RUNNING carries the agent's too.
     */
    @Test
    void dockerRunningCarriesInspectDataAndTheContainersAddress() throws Exception {
        s.subscribe(TestScheduler.info().addCapabilities(TestScheduler.cap(
            Protos.FrameworkInfo.Capability.Type.TASK_KILLING_STATE)).build());
        Protos.Offer o = s.firstOffer();
        Protos.TaskInfo.Builder bridge = TestScheduler.dockerTask("bridge", o, 0.1, 32)
            .setHealthCheck(Protos.HealthCheck.newBuilder().setType(Protos.HealthCheck.Type.COMMAND)
                .setDelaySeconds(0).setCommand(Protos.CommandInfo.newBuilder().setValue("true")));
        bridge.getContainerBuilder().getDockerBuilder().setNetwork(Protos.ContainerInfo.DockerInfo.Network.BRIDGE);
        Protos.TaskInfo.Builder user = TestScheduler.dockerTask("user", o, 0.1, 32);
        user.getContainerBuilder().getDockerBuilder().setNetwork(Protos.ContainerInfo.DockerInfo.Network.USER);
        Protos.Labels labels = Protos.Labels.newBuilder()
            .addLabels(Protos.Label.newBuilder().setKey("zone").setValue("a")).build();
        user.getContainerBuilder().addNetworkInfos(Protos.NetworkInfo.newBuilder().setName("whisk-net")
            .setLabels(labels)
            .addIpAddresses(Protos.NetworkInfo.IPAddress.newBuilder().setIpAddress("10.9.9.9")));
        s.launch(o, bridge.build(), user.build(), TestScheduler.dockerTask("host", o, 0.1, 32).build());
        String agentIp = emu.agentUri(0).getHost();

        for (String id : new String[] {"bridge", "user", "host"}) {
            TaskStatus starting = s.awaitUpdate(id, TaskState.TASK_STARTING);
            s.ack(starting);
            assertEquals(agentIp, ip(starting), id);
            assertFalse(starting.hasData(), id);
            TaskStatus running = s.awaitUpdate(id, TaskState.TASK_RUNNING);
            s.ack(running);
            assertEquals(starting.getContainerStatus().getContainerId(),
                running.getContainerStatus().getContainerId(), id);
            assertFalse(running.getContainerStatus().hasExecutorPid(), id);
            Struct container = inspected(running);
            assertEquals("/mesos-" + running.getContainerStatus().getContainerId().getValue(),
                at(container, "Name").getStringValue(), id);
            assertEquals(64, at(container, "Id").getStringValue().length(), id);
            assertTrue(at(container, "State", "Running").getBoolValue(), id);
            String mode = at(container, "HostConfig", "NetworkMode").getStringValue();
            String address = at(container, "NetworkSettings", "Networks", mode, "IPAddress").getStringValue();
            switch (id) {
                case "bridge" -> {
                    assertEquals("bridge", mode);
                    assertTrue(ip(running).startsWith("172.17."), ip(running));
                    assertEquals(ip(running), address);
                    assertEquals(ip(running), at(container, "NetworkSettings", "IPAddress").getStringValue());
                }
                case "user" -> {
                    assertEquals("whisk-net", mode);
                    assertTrue(ip(running).startsWith("172.18."), ip(running));
                    assertEquals(ip(running), address);
                    Protos.NetworkInfo network = running.getContainerStatus().getNetworkInfos(0);
                    assertEquals("whisk-net", network.getName());
                    assertEquals(labels, network.getLabels());
                    assertEquals(1, network.getIpAddressesCount()); // the ContainerInfo's address is replaced
                }
                default -> {
                    assertEquals("host", mode);
                    assertEquals("", address);
                    assertEquals(agentIp, ip(running));
                }
            }
        }

        TaskStatus running = s.seen.stream().filter(e -> e.getType() == Event.Type.UPDATE
                && e.getUpdate().getStatus().getTaskId().getValue().equals("bridge")
                && e.getUpdate().getStatus().getState() == TaskState.TASK_RUNNING)
            .findFirst().orElseThrow().getUpdate().getStatus();
        TaskStatus healthy = s.await(e -> e.getType() == Event.Type.UPDATE
            && e.getUpdate().getStatus().getTaskId().getValue().equals("bridge")
            && e.getUpdate().getStatus().hasHealthy()).getUpdate().getStatus();
        s.ack(healthy);
        assertEquals(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, healthy.getReason());
        assertEquals(running.getContainerStatus(), healthy.getContainerStatus());
        assertFalse(healthy.hasData());

        kill("bridge", null);
        TaskStatus killing = s.awaitUpdate("bridge", TaskState.TASK_KILLING);
        s.ack(killing);
        assertEquals(agentIp, ip(killing));
        TaskStatus killed = s.awaitUpdate("bridge", TaskState.TASK_KILLED);
        assertEquals(agentIp, ip(killed));
        assertFalse(killed.hasData());
    }
}
