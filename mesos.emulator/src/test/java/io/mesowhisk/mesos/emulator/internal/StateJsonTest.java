package io.mesowhisk.mesos.emulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.mesowhisk.mesos.emulator.internal.Model.Agent;
import io.mesowhisk.mesos.emulator.internal.Model.Framework;
import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The state views' own pieces, checked against Mesos's code: stout's number format
 * (M:3rdparty/stout/include/stout/jsonify.hpp), the statuses of a Task (M:src/master/master.cpp updateTask,
 * M:src/common/http.cpp json(…, TaskStatus)) and the command executor's name (M:src/slave/slave.cpp
 * Slave::getExecutorInfo).
 */
class StateJsonTest {

    private static String number(double d) {
        StringBuilder out = new StringBuilder();
        StateJson.number(d, out);
        return out.toString();
    }

    @Test
    void doublesAreWrittenAsStoutPrintsThem() {
        assertEquals("0.0", number(0));
        assertEquals("1.0", number(1));
        assertEquals("0.1", number(0.1));
        assertEquals("0.3", number(0.1 + 0.2)); // 15 significant digits
        assertEquals("8192.0", number(8192));
        assertEquals("1700000000.12346", number(1700000000.123456789));
        assertEquals("1700000000.5", number(1700000000.5));
        assertEquals("100000000000000.0", number(1e14));
        assertEquals("-2.5", number(-2.5));
    }

    private static Task task(Protos.TaskInfo info) {
        Framework f = new Framework("fw", Protos.FrameworkInfo.newBuilder().setUser("u").setName("n").build());
        Agent a = new Agent(0, "agent-0", "h", new ResourceBag(), List.of());
        ResourceBag r = new ResourceBag();
        r.addScalar("cpus", "*", 0.5);
        Task t = new Task(info, f, a, r, "c1", false);
        t.role = "web";
        return t;
    }

    private static TaskStatus status(TaskState state, double timestamp) {
        return TaskStatus.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue("t")).setState(state)
            .setTimestamp(timestamp).setUuid(ByteString.copyFromUtf8("u")).setData(ByteString.copyFromUtf8("big"))
            .setContainerStatus(Protos.ContainerStatus.newBuilder()
                .setContainerId(Protos.ContainerID.newBuilder().setValue("c1")).setExecutorPid(42)
                .addNetworkInfos(Protos.NetworkInfo.newBuilder().addIpAddresses(
                    Protos.NetworkInfo.IPAddress.newBuilder().setIpAddress("10.0.0.1"))))
            .build();
    }

    @Test
    void aTaskKeepsOneStatusPerStateInARowWithoutData() throws Exception {
        Task t = task(Protos.TaskInfo.newBuilder().setName("t").setTaskId(Protos.TaskID.newBuilder().setValue("t"))
            .setAgentId(Protos.AgentID.newBuilder().setValue("agent-0")).setCommand(Protos.CommandInfo.newBuilder().setValue("sleep 1").setUser("nobody")).build());
        TaskStatus running = status(TaskState.TASK_RUNNING, 1700000001.25);
        t.addStatus(status(TaskState.TASK_STARTING, 1700000000.5));
        t.addStatus(running);
        t.addStatus(running); // a retry
        t.addStatus(running.toBuilder().setTimestamp(1700000002.75).setHealthy(true).build());
        assertEquals(2, t.statuses.size());
        assertFalse(t.statuses.get(1).hasData());

        StateJson j = new StateJson();
        j.task(t, TaskState.TASK_RUNNING, t.statuses);
        String json = j.toString();
        assertEquals("{\"id\":\"t\",\"name\":\"t\",\"framework_id\":\"fw\",\"executor_id\":\"\","
            + "\"slave_id\":\"agent-0\",\"state\":\"TASK_RUNNING\","
            + "\"resources\":{\"cpus\":0.5,\"gpus\":0.0,\"mem\":0.0,\"disk\":0.0},\"role\":\"web\",\"statuses\":["
            + "{\"state\":\"TASK_STARTING\",\"timestamp\":1700000000.5,\"container_status\":{\"container_id\":"
            + "{\"value\":\"c1\"},\"network_infos\":[{\"ip_addresses\":[{\"protocol\":\"IPv4\","
            + "\"ip_address\":\"10.0.0.1\"}]}]}},"
            + "{\"state\":\"TASK_RUNNING\",\"timestamp\":1700000002.75,\"container_status\":{\"container_id\":"
            + "{\"value\":\"c1\"},\"network_infos\":[{\"ip_addresses\":[{\"protocol\":\"IPv4\","
            + "\"ip_address\":\"10.0.0.1\"}]}]},\"healthy\":true}],"
            + "\"user\":\"nobody\"}", json);
        Struct.Builder b = Struct.newBuilder();
        JsonFormat.parser().merge(json, b); // and it is JSON
    }

    @Test
    void theAgentsStatusesAreTheMastersFollowedByWhatIsStillPending() {
        TaskStatus starting = status(TaskState.TASK_STARTING, 1);
        TaskStatus running = status(TaskState.TASK_RUNNING, 2);
        TaskStatus healthy = running.toBuilder().setHealthy(true).build();
        TaskStatus finished = status(TaskState.TASK_FINISHED, 3);
        // the head (running) was forwarded and is also still pending
        assertEquals(List.of(starting, healthy, finished),
            StateJson.folded(List.of(starting, running, running, healthy, finished)));
    }

    private static String name(Protos.CommandInfo.Builder command) {
        return AgentStateView.executorName(Protos.TaskInfo.newBuilder().setName("x")
            .setTaskId(Protos.TaskID.newBuilder().setValue("x")).setAgentId(Protos.AgentID.newBuilder().setValue("a"))
            .setCommand(command).build());
    }

    @Test
    void theCommandExecutorIsNamedAsGetExecutorInfoNamesIt() {
        String p = "Command Executor (Task: x) (Command: ";
        assertEquals(p + "sh -c 'echo hello')", name(Protos.CommandInfo.newBuilder().setValue("echo hello")));
        assertEquals(p + "sh -c '123456789012345')", name(Protos.CommandInfo.newBuilder()
            .setValue("123456789012345")));
        assertEquals(p + "sh -c '123456789012...')", name(Protos.CommandInfo.newBuilder()
            .setValue("1234567890123456")));
        assertEquals(p + "NO COMMAND)", name(Protos.CommandInfo.newBuilder()));
        assertEquals(p + "NO EXECUTABLE)", name(Protos.CommandInfo.newBuilder().setShell(false)));
        assertEquals(p + "[/bin/true, ])", name(Protos.CommandInfo.newBuilder().setShell(false)
            .setValue("/bin/true")));
        assertEquals(p + "[/bin/sh, sh,...])", name(Protos.CommandInfo.newBuilder().setShell(false)
            .setValue("/bin/sh").addArguments("sh").addArguments("-c").addArguments("true")));
        // 12 bytes of UTF-8, not 12 characters: é is two bytes, and one that would be cut in half is left out
        assertEquals(p + "sh -c 'éééééé...')", name(Protos.CommandInfo.newBuilder().setValue("éééééééééé")));
        assertEquals(p + "sh -c 'aééééé...')", name(Protos.CommandInfo.newBuilder().setValue("aéééééééééé")));
    }

    @Test
    void summaryHasTheZerosAndOneValuePerName() {
        ResourceBag b = SpecParser.resources("ports(a):[5-6];mem:10;ports:[1-2,3-4];ports(b):[10-10];s:{y,x};"
            + "s(a):{z};foo:1.5;foo(a):0.25");
        assertEquals("{cpus=0.0, gpus=0.0, mem=10.0, disk=0.0, foo=1.75, ports=[1-6, 10-10], s={x, y, z}}",
            b.summary().toString());
    }

    @Test
    void printfGWritesDoublesAsCAndCppStreamsDo() {
        assertEquals("1e+17", StateJson.printfG(1e17, 6));
        assertEquals("1.23457e+08", StateJson.printfG(123456789, 6));
        assertEquals("0.5", StateJson.printfG(0.5, 6));
        assertEquals("-0.0001234", StateJson.printfG(-0.0001234, 6));
        assertEquals("1.5e-05", StateJson.printfG(0.000015, 6));
        assertEquals("100000", StateJson.printfG(100000, 6));
        assertEquals("1700000000.12346", StateJson.printfG(1700000000.123456789, 15));
    }
}
