package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The master's and the agent's {@code GET /state} checked against the writers in Mesos's own code:
 * M:src/common/http.cpp ({@code json(ObjectWriter*, Resources)}, {@code json(…, Task)}, {@code json(…, TaskStatus)},
 * {@code json(…, Offer)}), M:src/master/readonly_handler.cpp ({@code FullFrameworkWriter}), M:src/slave/http.cpp
 * ({@code ExecutorWriter}, {@code FrameworkWriter}) and M:src/slave/slave.cpp ({@code Slave::getExecutorInfo}).
 * The JSON is read with protobuf's own parser into a {@link Struct}.
 */
class StateJsonConformanceTest {

    MesosEmulator emu;
    final List<TestScheduler> schedulers = new ArrayList<>();

    @AfterEach
    void stop() {
        schedulers.forEach(TestScheduler::close);
        if (emu != null) {
            emu.close();
        }
    }

    private TestScheduler subscribed(Protos.FrameworkInfo info) throws Exception {
        TestScheduler s = new TestScheduler(emu.leaderUri(), false);
        schedulers.add(s);
        return s.subscribed(info);
    }

    private static String get(URI uri) throws Exception {
        HttpResponse<String> r = TestScheduler.HTTP.send(HttpRequest.newBuilder(uri).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static Struct parse(String json) throws Exception {
        Struct.Builder b = Struct.newBuilder();
        JsonFormat.parser().merge(json, b);
        return b.build();
    }

    private Struct masterState() throws Exception {
        return parse(get(emu.leaderUri().resolve("/state")));
    }

    private Struct agentState() throws Exception {
        return parse(get(emu.agentUri(0).resolve("/state")));
    }

    private static Struct obj(Struct s, String key) {
        return s.getFieldsOrThrow(key).getStructValue();
    }

    private static List<Value> list(Struct s, String key) {
        return s.getFieldsOrThrow(key).getListValue().getValuesList();
    }

    private static Struct only(Struct s, String key) {
        List<Value> l = list(s, key);
        assertEquals(1, l.size(), key + ": " + l);
        return l.get(0).getStructValue();
    }

    private static String str(Struct s, String key) {
        return s.getFieldsOrThrow(key).getStringValue();
    }

    private static double num(Struct s, String key) {
        return s.getFieldsOrThrow(key).getNumberValue();
    }

    private static Set<String> keys(Struct s) {
        return new TreeSet<>(s.getFieldsMap().keySet());
    }

    private static Struct byId(List<Value> objects, String id) {
        return objects.stream().map(Value::getStructValue).filter(o -> str(o, "id").equals(id)).findFirst()
            .orElseThrow(() -> new AssertionError("no " + id + " in " + objects));
    }

    private static Protos.TaskInfo.Builder argvTask(String id, Protos.Offer o, String value, String... args) {
        Protos.CommandInfo.Builder c = Protos.CommandInfo.newBuilder().setShell(false).setValue(value);
        for (String a : args) {
            c.addArguments(a);
        }
        return TestScheduler.commandTask(id, o, value).setCommand(c);
    }

    /** M:src/common/http.cpp json(ObjectWriter*, Resources) and M:src/common/values.cpp operator<<. */
    @Test
    void resourceMapsHaveTheFourZerosAndMergeRangesAndSetsOfOneName() throws Exception {
        emu = TestScheduler.oneAgent().agent(0, AgentSpec.of(
            "cpus:2;mem:512;ports:[31000-31099];ports(web):[31100-31199,32000-32099];zones:{a,b}",
            "rack:r1;slots:[1-8];weight:2.5")).start();
        String text = get(emu.leaderUri().resolve("/state"));
        Struct slave = only(parse(text), "slaves");

        Struct total = obj(slave, "resources");
        assertEquals(Set.of("cpus", "gpus", "mem", "disk", "ports", "zones"), keys(total));
        assertEquals(2.0, num(total, "cpus"));
        assertEquals(0.0, num(total, "gpus"));
        assertEquals(512.0, num(total, "mem"));
        assertEquals(0.0, num(total, "disk"));
        // the unreserved and the reserved ranges are one ranges value, coalesced, ", " between ranges
        assertEquals("[31000-31199, 32000-32099]", str(total, "ports"));
        assertEquals("{a, b}", str(total, "zones"));

        // an idle agent: nothing used, nothing offered, yet cpus/gpus/mem/disk are there as 0
        assertTrue(text.contains("\"used_resources\":{\"cpus\":0.0,\"gpus\":0.0,\"mem\":0.0,\"disk\":0.0}"), text);
        assertTrue(text.contains("\"offered_resources\":{\"cpus\":0.0,\"gpus\":0.0,\"mem\":0.0,\"disk\":0.0}"), text);
        Struct unreserved = obj(slave, "unreserved_resources");
        assertEquals("[31000-31099]", str(unreserved, "ports"));
        assertEquals(2.0, num(unreserved, "cpus"));

        // attributes are stringified as given
        Struct attributes = obj(slave, "attributes");
        assertEquals("r1", str(attributes, "rack"));
        assertEquals("[1-8]", str(attributes, "slots"));
        assertEquals(2.5, num(attributes, "weight"));

        // the agent's own /state writes its total the same way
        assertEquals(total, obj(agentState(), "resources"));
    }

    /** M:src/common/http.cpp json(…, Offer) and json(…, Task); M:src/master/readonly_handler.cpp. */
    @Test
    void masterFrameworkOfferAndTaskObjectsAreMesoss() throws Exception {
        emu = TestScheduler.oneAgent().start();
        TestScheduler s = subscribed(TestScheduler.info().build());
        Protos.Offer o = s.await(Event.Type.OFFERS).getOffers().getOffers(0);

        Struct framework = only(masterState(), "frameworks");
        // a framework without MULTI_ROLE has "role", not "roles"; the emulator's suppressed_roles is not Mesos's
        assertEquals("*", str(framework, "role"));
        assertFalse(framework.containsFields("roles"), framework.toString());
        assertFalse(framework.containsFields("suppressed_roles"), framework.toString());
        assertEquals("test", str(framework, "user"));
        assertEquals(0.0, num(framework, "failover_timeout"));
        assertFalse(framework.getFieldsOrThrow("checkpoint").getBoolValue());
        assertEquals(List.of(), list(framework, "capabilities"));
        assertEquals(0.0, num(obj(framework, "used_resources"), "cpus"));
        assertEquals(4.0, num(obj(framework, "offered_resources"), "cpus"));
        assertEquals(4.0, num(obj(framework, "resources"), "cpus"));
        assertEquals(List.of(), list(framework, "executors"));

        // the stored offer always carries its allocation_info, also for a framework without MULTI_ROLE
        Struct offer = only(framework, "offers");
        assertEquals(Set.of("id", "framework_id", "allocation_info", "slave_id", "resources"), keys(offer));
        assertEquals(o.getId().getValue(), str(offer, "id"));
        assertEquals(s.frameworkId, str(offer, "framework_id"));
        assertEquals(emu.agentId(0), str(offer, "slave_id"));
        assertEquals("*", str(obj(offer, "allocation_info"), "role"));
        assertEquals("[31000-32000]", str(obj(offer, "resources"), "ports"));

        Protos.TaskInfo task = TestScheduler.dockerTask("web", o, 0.5, 128)
            .setLabels(Protos.Labels.newBuilder().addLabels(Protos.Label.newBuilder().setKey("app").setValue("w")))
            .setDiscovery(Protos.DiscoveryInfo.newBuilder().setVisibility(Protos.DiscoveryInfo.Visibility.FRAMEWORK)
                .setName("web"))
            .setHealthCheck(Protos.HealthCheck.newBuilder().setType(Protos.HealthCheck.Type.TCP)
                .setTcp(Protos.HealthCheck.TCPCheckInfo.newBuilder().setPort(8080)).setDelaySeconds(0))
            .build();
        s.launch(o, task);
        s.ack(s.awaitUpdate("web", TaskState.TASK_STARTING));
        s.ack(s.awaitUpdate("web", TaskState.TASK_RUNNING));
        s.ack(s.await(e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().hasHealthy())
            .getUpdate().getStatus());

        framework = only(masterState(), "frameworks");
        assertEquals(0.5, num(obj(framework, "used_resources"), "cpus"));
        Struct t = only(framework, "tasks");
        assertEquals(Set.of("id", "name", "framework_id", "executor_id", "slave_id", "state", "resources", "role",
            "statuses", "labels", "discovery", "container", "health_check"), keys(t));
        assertEquals("web", str(t, "id"));
        assertEquals(s.frameworkId, str(t, "framework_id"));
        assertEquals("", str(t, "executor_id"));
        assertEquals(emu.agentId(0), str(t, "slave_id"));
        assertEquals("TASK_RUNNING", str(t, "state"));
        assertEquals("*", str(t, "role"));
        Struct resources = obj(t, "resources");
        assertEquals(Set.of("cpus", "gpus", "mem", "disk"), keys(resources));
        assertEquals(0.5, num(resources, "cpus"));
        assertEquals(128.0, num(resources, "mem"));
        // labels are the Label objects themselves, not a Labels message
        Struct label = list(t, "labels").get(0).getStructValue();
        assertEquals("app", str(label, "key"));
        assertEquals("w", str(label, "value"));
        assertEquals("web", str(obj(t, "discovery"), "name"));
        assertEquals("DOCKER", str(obj(t, "container"), "type"));
        assertEquals("openwhisk/action-nodejs-v20", str(obj(obj(t, "container"), "docker"), "image"));
        assertEquals(8080.0, num(obj(obj(t, "health_check"), "tcp"), "port"));
    }

    /** A MULTI_ROLE framework: "roles", and the allocation role on its offers, tasks and executors. */
    @Test
    void multiRoleFrameworkHasRolesAndTheAllocationRoleEverywhere() throws Exception {
        emu = TestScheduler.oneAgent().start();
        TestScheduler s = subscribed(TestScheduler.info().addRoles("analytics")
            .addCapabilities(TestScheduler.cap(Protos.FrameworkInfo.Capability.Type.MULTI_ROLE)).build());
        Protos.Offer o = s.await(Event.Type.OFFERS).getOffers().getOffers(0);
        Struct framework = only(masterState(), "frameworks");
        assertEquals(List.of(Value.newBuilder().setStringValue("analytics").build()), list(framework, "roles"));
        assertFalse(framework.containsFields("role"), framework.toString());
        assertEquals(List.of(Value.newBuilder().setStringValue("MULTI_ROLE").build()),
            list(framework, "capabilities"));
        assertEquals("analytics", str(obj(only(framework, "offers"), "allocation_info"), "role"));

        s.launch(o, TestScheduler.commandTask("job", o, "exec sleep 60").build());
        s.ack(s.awaitUpdate("job", TaskState.TASK_STARTING));
        s.ack(s.awaitUpdate("job", TaskState.TASK_RUNNING));
        assertEquals("analytics", str(only(only(masterState(), "frameworks"), "tasks"), "role"));

        Struct agentFramework = only(agentState(), "frameworks");
        assertEquals(List.of(Value.newBuilder().setStringValue("analytics").build()),
            list(agentFramework, "roles"));
        assertFalse(agentFramework.containsFields("role"), agentFramework.toString());
        Struct executor = only(agentFramework, "executors");
        assertEquals("analytics", str(executor, "role"));
        assertEquals("analytics", str(only(executor, "tasks"), "role"));
    }

    /** M:src/slave/http.cpp ExecutorWriter/FrameworkWriter, with the ExecutorInfo of Slave::getExecutorInfo. */
    @Test
    void agentExecutorsAreNamedAndFilledAsGetExecutorInfoMakesThem() throws Exception {
        emu = TestScheduler.oneAgent().start();
        TestScheduler s = subscribed(TestScheduler.info().build());
        Protos.Offer o = s.await(Event.Type.OFFERS).getOffers().getOffers(0);
        s.launch(o,
            TestScheduler.commandTask("short", o, "exec sleep 60").build(),
            TestScheduler.commandTask("long", o, "exec sleep 60 # with a comment").build(),
            argvTask("argv", o, "/bin/sh", "sh", "-c", "exec sleep 60").build(),
            TestScheduler.dockerTask("docker", o, 0.1, 32).build(),
            TestScheduler.commandTask("done", o, "true").build());
        for (String id : List.of("short", "long", "argv", "docker", "done")) {
            s.ack(s.awaitUpdate(id, TaskState.TASK_STARTING));
            s.ack(s.awaitUpdate(id, TaskState.TASK_RUNNING));
        }
        TaskStatus finished = s.awaitUpdate("done", TaskState.TASK_FINISHED);

        Struct state = agentState();
        Struct framework = only(state, "frameworks");
        assertEquals(Set.of("id", "name", "user", "failover_timeout", "checkpoint", "hostname", "role", "executors",
            "completed_executors"), keys(framework));
        assertEquals(s.frameworkId, str(framework, "id"));
        assertEquals("emulator-test", str(framework, "name"));
        assertEquals("test", str(framework, "user"));
        assertEquals(0.0, num(framework, "failover_timeout"));
        assertFalse(framework.getFieldsOrThrow("checkpoint").getBoolValue());
        assertEquals("", str(framework, "hostname"));
        assertEquals("*", str(framework, "role"));

        List<Value> executors = list(framework, "executors");
        assertEquals("Command Executor (Task: short) (Command: sh -c 'exec sleep 60')",
            str(byId(executors, "short"), "name"));
        assertEquals("Command Executor (Task: long) (Command: sh -c 'exec sleep 6...')",
            str(byId(executors, "long"), "name"));
        assertEquals("Command Executor (Task: argv) (Command: [/bin/sh, sh,...])",
            str(byId(executors, "argv"), "name"));
        assertEquals("Command Executor (Task: docker) (Command: NO EXECUTABLE)",
            str(byId(executors, "docker"), "name"));

        Struct live = byId(executors, "short");
        // no "type": getExecutorInfo sets none for the command executor
        assertEquals(Set.of("id", "name", "source", "container", "directory", "resources", "role", "tasks",
            "queued_tasks", "completed_tasks"), keys(live));
        assertEquals("short", str(live, "source"));
        assertTrue(str(live, "directory").startsWith(s.runs(emu, "short") + "/"), str(live, "directory"));
        assertTrue(str(live, "directory").endsWith("/" + str(live, "container")), str(live, "directory"));
        assertEquals("*", str(live, "role"));
        // the executor's 0.1 cpus / 32 MB plus the live task's 0.1 cpus / 32 MB
        assertEquals(0.2, num(obj(live, "resources"), "cpus"));
        assertEquals(64.0, num(obj(live, "resources"), "mem"));
        assertEquals(0.0, num(obj(live, "resources"), "disk"));
        assertEquals(List.of(), list(live, "queued_tasks"));
        assertEquals(List.of(), list(live, "completed_tasks"));
        Struct task = only(live, "tasks");
        assertEquals("TASK_RUNNING", str(task, "state"));
        assertEquals("", str(task, "executor_id"));
        assertEquals(emu.agentId(0), str(task, "slave_id"));
        assertFalse(task.containsFields("agent_id"), task.toString());
        assertFalse(task.containsFields("healthy"), task.toString());

        // terminal but not yet acknowledged: the executor is still there, its task among its completed tasks,
        // its resources only the executor's own
        Struct done = byId(executors, "done");
        assertEquals(List.of(), list(done, "tasks"));
        assertEquals("TASK_FINISHED", str(only(done, "completed_tasks"), "state"));
        assertEquals(0.1, num(obj(done, "resources"), "cpus"));
        assertEquals(32.0, num(obj(done, "resources"), "mem"));

        s.ack(finished);
        framework = only(agentState(), "frameworks");
        assertFalse(list(framework, "executors").stream()
            .anyMatch(e -> str(e.getStructValue(), "id").equals("done")));
        Struct completed = only(framework, "completed_executors");
        assertEquals("done", str(completed, "id"));
        assertEquals("Command Executor (Task: done) (Command: sh -c 'true')", str(completed, "name"));
        assertEquals("TASK_FINISHED", str(only(completed, "completed_tasks"), "state"));
    }

    private static final Pattern PLAIN_NUMBER = Pattern.compile("-?[0-9]+\\.[0-9]+");

    /**
     * {@code statuses[]} in both views (M:src/master/master.cpp updateTask, M:src/slave/slave.cpp
     * Executor::updateTaskState): one entry per state in a row, the newest update of a state replacing the older,
     * each with state, timestamp, container_status and healthy when set.
     */
    @Test
    void statusesAreTheUpdatesTheMasterAndTheAgentReceived() throws Exception {
        emu = TestScheduler.oneAgent().start();
        TestScheduler s = subscribed(TestScheduler.info().build());
        Protos.Offer o = s.await(Event.Type.OFFERS).getOffers().getOffers(0);
        s.launch(o, TestScheduler.dockerTask("hc", o, 0.1, 32).setHealthCheck(Protos.HealthCheck.newBuilder()
            .setType(Protos.HealthCheck.Type.TCP).setTcp(Protos.HealthCheck.TCPCheckInfo.newBuilder().setPort(80))
            .setDelaySeconds(0)).build());
        s.ack(s.awaitUpdate("hc", TaskState.TASK_STARTING));
        TaskStatus running = s.awaitUpdate("hc", TaskState.TASK_RUNNING);
        s.ack(running);
        TaskStatus healthy = s.await(e -> e.getType() == Event.Type.UPDATE
            && e.getUpdate().getStatus().hasHealthy()).getUpdate().getStatus();
        s.ack(healthy);

        String text = get(emu.leaderUri().resolve("/state"));
        Struct task = only(only(parse(text), "frameworks"), "tasks");
        List<Value> statuses = list(task, "statuses");
        // STARTING, then RUNNING: the healthy RUNNING replaced the first RUNNING
        assertEquals(2, statuses.size(), statuses.toString());
        Struct starting = statuses.get(0).getStructValue();
        Struct last = statuses.get(1).getStructValue();
        assertEquals("TASK_STARTING", str(starting, "state"));
        assertEquals(Set.of("state", "timestamp", "container_status"), keys(starting));
        assertEquals("TASK_RUNNING", str(last, "state"));
        assertEquals(Set.of("state", "timestamp", "container_status", "healthy"), keys(last));
        assertTrue(last.getFieldsOrThrow("healthy").getBoolValue());
        assertEquals(healthy.getTimestamp(), num(last, "timestamp"), 1e-4);
        Struct container = obj(last, "container_status");
        // json(…, ContainerStatus) writes no executor_pid
        assertEquals(Set.of("container_id", "network_infos"), keys(container));
        assertEquals(healthy.getContainerStatus().getContainerId().getValue(),
            str(obj(container, "container_id"), "value"));
        Struct ip = list(list(container, "network_infos").get(0).getStructValue(), "ip_addresses").get(0)
            .getStructValue();
        assertEquals(healthy.getContainerStatus().getNetworkInfos(0).getIpAddresses(0).getIpAddress(),
            str(ip, "ip_address"));
        // stout's number format: a timestamp in plain notation, not 1.7E9
        var m = Pattern.compile("\"timestamp\":([^,}]+)").matcher(text);
        assertTrue(m.find(), text);
        assertTrue(PLAIN_NUMBER.matcher(m.group(1)).matches(), m.group(1));

        // the agent has had the same updates
        Struct agentTask = only(only(only(agentState(), "frameworks"), "executors"), "tasks");
        assertEquals(statuses, list(agentTask, "statuses"));
    }

    @Test
    void tasksOfAnUnreachableAgentMoveOutOfTasks() throws Exception {
        emu = TestScheduler.oneAgent().start();
        TestScheduler aware = subscribed(TestScheduler.info().setName("aware").addCapabilities(TestScheduler.cap(
            Protos.FrameworkInfo.Capability.Type.PARTITION_AWARE)).build());
        Protos.Offer o = aware.firstOffer();
        aware.launch(o, TestScheduler.dockerTask("t1", o, 0.1, 32).build());
        aware.started("t1");
        emu.partitionAgent(0);
        aware.awaitUpdate("t1", Protos.TaskState.TASK_UNREACHABLE);
        Struct framework = byId(list(masterState(), "frameworks"), aware.frameworkId);
        assertEquals(0, list(framework, "tasks").size());
        Struct task = only(framework, "unreachable_tasks");
        assertEquals("TASK_UNREACHABLE", str(task, "state"));
        List<Value> statuses = list(task, "statuses");
        assertEquals("TASK_UNREACHABLE", str(statuses.get(statuses.size() - 1).getStructValue(), "state"));
        emu.healAgent(0);
        aware.awaitUpdate("t1", Protos.TaskState.TASK_RUNNING);
        framework = byId(list(masterState(), "frameworks"), aware.frameworkId);
        assertEquals(0, list(framework, "unreachable_tasks").size());
        assertEquals("TASK_RUNNING", str(only(framework, "tasks"), "state"));
    }
}
