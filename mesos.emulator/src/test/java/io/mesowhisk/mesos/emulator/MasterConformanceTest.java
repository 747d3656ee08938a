package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Master behaviour checked against Mesos's own code (M:src/master/master.cpp, M:src/master/validation.cpp,
 * M:src/common/validation.cpp, M:src/slave/task_status_update_manager.cpp): resends after resubscription,
 * the authenticated principal, task and framework validation order and messages, agent reregistration and removal.
 */
class MasterConformanceTest {

    private static final Protos.FrameworkInfo.Capability PARTITION_AWARE =
        TestScheduler.cap(Protos.FrameworkInfo.Capability.Type.PARTITION_AWARE);

    MesosEmulator emu;
    final List<TestScheduler> schedulers = new ArrayList<>();

    /** Updates are retried only after an hour here, so whatever arrives sooner was sent at once. */
    private MesosEmulator.Builder emulator() {
        return MesosEmulator.builder().agents(1).heartbeatInterval(Duration.ofSeconds(5))
            .allocationInterval(Duration.ofMillis(30)).statusUpdateRetryInterval(Duration.ofHours(1));
    }

    private TestScheduler scheduler() {
        TestScheduler s = new TestScheduler(emu.leaderUri(), false);
        schedulers.add(s);
        return s;
    }

    @AfterEach
    void stop() {
        schedulers.forEach(TestScheduler::close);
        if (emu != null) {
            emu.close();
        }
    }

    private static Protos.Offer offerOn(TestScheduler s, String agentId) throws InterruptedException {
        Event e = s.await(x -> x.getType() == Event.Type.OFFERS
            && x.getOffers().getOffersList().stream().anyMatch(o -> o.getAgentId().getValue().equals(agentId)));
        return e.getOffers().getOffersList().stream().filter(o -> o.getAgentId().getValue().equals(agentId))
            .findFirst().orElseThrow();
    }

    private Protos.Offer offer(TestScheduler s) throws InterruptedException {
        return offerOn(s, emu.agentId(0));
    }

    private static TaskStatus taskError(TestScheduler s, Protos.Offer o, Protos.TaskInfo t) throws Exception {
        assertEquals(202, s.launch(o, t).statusCode());
        TaskStatus error = s.awaitUpdate(t.getTaskId().getValue(), TaskState.TASK_ERROR);
        assertEquals(TaskStatus.Reason.REASON_TASK_INVALID, error.getReason());
        return error;
    }

    @Test
    void pendingUpdateIsResentAtOnceWhenTheFrameworkResubscribes() throws Exception {
        emu = emulator().start();
        TestScheduler first = scheduler();
        first.subscribe(TestScheduler.info().setFailoverTimeout(60).build());
        Protos.Offer o = offer(first);
        first.launch(o, TestScheduler.dockerTask("t1", o, 0.5, 64).build());
        TaskStatus starting = first.awaitUpdate("t1", TaskState.TASK_STARTING);
        first.close();
        // M:src/slave/slave.cpp updateFramework → TaskStatusUpdateManager::resume: the head is forwarded again
        TestScheduler second = scheduler();
        second.subscribe(TestScheduler.info().setFailoverTimeout(60)
            .setId(Protos.FrameworkID.newBuilder().setValue(first.frameworkId)).build());
        TaskStatus again = second.awaitUpdate("t1", TaskState.TASK_STARTING);
        assertEquals(starting.getUuid(), again.getUuid());
        second.ack(again);
        second.awaitUpdate("t1", TaskState.TASK_RUNNING);
    }

    @Test
    void authenticatedPrincipalMustMatchTheFrameworksPrincipal() throws Exception {
        emu = emulator().credential("alice", "a").credential("bob", "b").start();
        TestScheduler s = scheduler();
        s.authorization = TestScheduler.basic("alice", "a");
        assertEquals(400, s.subscribe(TestScheduler.info().setPrincipal("bob").build()));
        assertEquals("Failed to validate scheduler::Call: Authenticated principal 'alice' does not match principal"
            + " 'bob' set in `FrameworkInfo`", TestScheduler.readAll(s.subscribeResponse.body()));

        assertEquals(200, s.subscribe(TestScheduler.info().setPrincipal("alice").build()));
        s.await(Event.Type.SUBSCRIBED);
        s.authorization = TestScheduler.basic("bob", "b");
        HttpResponse<String> asBob = s.post(s.call(Call.Type.REVIVE).build());
        assertEquals(400, asBob.statusCode());
        assertEquals("Authenticated principal 'bob' does not match principal 'alice' set in `FrameworkInfo`",
            asBob.body());
        s.authorization = TestScheduler.basic("alice", "a");
        assertEquals(202, s.post(s.call(Call.Type.REVIVE).build()).statusCode());
    }

    @Test
    void anAuthenticatedHttpFrameworkWithoutPrincipalKeepsNone() throws Exception {
        // the HTTP subscribe path does not fill in the principal (only the driver path does)
        emu = emulator().credential("alice", "a").start();
        TestScheduler s = scheduler();
        s.authorization = TestScheduler.basic("alice", "a");
        assertEquals(200, s.subscribe(TestScheduler.info().build()));
        s.await(Event.Type.SUBSCRIBED);
        HttpResponse<String> r = s.post(s.call(Call.Type.REVIVE).build());
        assertEquals(400, r.statusCode());
        assertEquals("Authenticated principal 'alice' does not match principal '' set in `FrameworkInfo`", r.body());
    }

    @Test
    void healthCheckWithoutTypeTakesTheTypeItsFieldsImply() throws Exception {
        emu = emulator().start();
        TestScheduler s = scheduler();
        s.subscribe(TestScheduler.info().build());
        Protos.Offer o = offer(s);
        Protos.TaskInfo t = TestScheduler.commandTask("hc", o, "sleep 30")
            .setHealthCheck(Protos.HealthCheck.newBuilder()
                .setCommand(Protos.CommandInfo.newBuilder().setValue("true")).setDelaySeconds(0)
                .setIntervalSeconds(0.05).setGracePeriodSeconds(0)).build();
        assertEquals(202, s.launch(o, t).statusCode());
        s.ack(s.awaitUpdate("hc", TaskState.TASK_STARTING));
        s.ack(s.awaitUpdate("hc", TaskState.TASK_RUNNING));
        TaskStatus healthy = s.await(e -> e.getType() == Event.Type.UPDATE
            && e.getUpdate().getStatus().getHealthy()).getUpdate().getStatus();
        assertEquals(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, healthy.getReason());
    }

    @Test
    void healthCheckErrorsCarryMesossMessages() throws Exception {
        emu = emulator().start();
        TestScheduler s = scheduler();
        s.subscribe(TestScheduler.info().build());
        Protos.Offer o = offer(s);
        TaskStatus unknown = taskError(s, o, TestScheduler.dockerTask("u", o, 0.1, 32)
            .setHealthCheck(Protos.HealthCheck.newBuilder().setType(Protos.HealthCheck.Type.UNKNOWN)).build());
        assertEquals("Task uses invalid health check: 'UNKNOWN' is not a valid health check type",
            unknown.getMessage());
        o = offer(s);
        TaskStatus noCommand = taskError(s, o, TestScheduler.dockerTask("c", o, 0.1, 32)
            .setHealthCheck(Protos.HealthCheck.newBuilder().setType(Protos.HealthCheck.Type.COMMAND)).build());
        assertEquals("Task uses invalid health check: Expecting 'command' to be set for COMMAND health check",
            noCommand.getMessage());
        o = offer(s);
        TaskStatus negative = taskError(s, o, TestScheduler.dockerTask("n", o, 0.1, 32)
            .setHealthCheck(Protos.HealthCheck.newBuilder().setType(Protos.HealthCheck.Type.TCP)
                .setTcp(Protos.HealthCheck.TCPCheckInfo.newBuilder().setPort(80)).setIntervalSeconds(-1)).build());
        assertEquals("Task uses invalid health check: Expecting 'interval_seconds' to be non-negative",
            negative.getMessage());
    }

    @Test
    void taskValidationRunsInMesossOrder() throws Exception {
        emu = emulator().start();
        TestScheduler s = scheduler();
        s.subscribe(TestScheduler.info().build());
        Protos.Offer o = offer(s);
        // no resources is found before the missing CommandInfo/ExecutorInfo
        TaskStatus noResources = taskError(s, o, Protos.TaskInfo.newBuilder().setName("r")
            .setTaskId(Protos.TaskID.newBuilder().setValue("r")).setAgentId(o.getAgentId()).build());
        assertEquals("Task uses no resources", noResources.getMessage());
        o = offer(s);
        TaskStatus agent = taskError(s, o, TestScheduler.dockerTask("a", o, 0.1, 32)
            .setAgentId(Protos.AgentID.newBuilder().setValue("elsewhere")).build());
        assertEquals("Task uses invalid agent elsewhere while agent " + emu.agentId(0) + " is expected",
            agent.getMessage());
        o = offer(s);
        TaskStatus docker = taskError(s, o, TestScheduler.dockerTask("d", o, 0.1, 32)
            .setContainer(Protos.ContainerInfo.newBuilder().setType(Protos.ContainerInfo.Type.DOCKER)).build());
        assertEquals("Task's `ContainerInfo` is invalid: DockerInfo 'docker' is not set for DOCKER typed"
            + " ContainerInfo", docker.getMessage());
    }

    @Test
    void offerChecksRunOverTheWholeListOneAfterTheOther() throws Exception {
        emu = emulator().agents(2).start();
        TestScheduler s = scheduler();
        s.subscribe(TestScheduler.info().build());
        // one allocation round offers both agents in one event
        List<Protos.Offer> both = s.await(e -> e.getType() == Event.Type.OFFERS
            && e.getOffers().getOffersCount() == 2).getOffers().getOffersList();
        Protos.Offer a = both.get(0);
        Protos.Offer b = both.get(1);
        // offers of two agents plus a stale id: the "no longer valid" pass comes before the agent pass
        Protos.TaskInfo t = TestScheduler.dockerTask("x", a, 0.1, 32).build();
        s.post(s.call(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(a.getId())
            .addOfferIds(b.getId()).addOfferIds(Protos.OfferID.newBuilder().setValue("stale"))
            .addOperations(Protos.Offer.Operation.newBuilder().setType(Protos.Offer.Operation.Type.LAUNCH)
                .setLaunch(Protos.Offer.Operation.Launch.newBuilder().addTaskInfos(t)))).build());
        TaskStatus lost = s.awaitUpdate("x", TaskState.TASK_LOST);
        assertEquals("Task launched with invalid offers: Offer stale is no longer valid", lost.getMessage());
    }

    @Test
    void frameworkInfoErrorsCarryMesossMessages() throws Exception {
        emu = emulator().start();
        Protos.FrameworkInfo.Capability multiRole = TestScheduler.cap(Protos.FrameworkInfo.Capability.Type.MULTI_ROLE);
        assertEquals("'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable",
            refusal(TestScheduler.info().addCapabilities(multiRole).setRole("a").build()));
        assertEquals("'FrameworkInfo.roles' contains duplicate items: { a, b }",
            refusal(TestScheduler.info().addCapabilities(multiRole).addRoles("b").addRoles("a").addRoles("b")
                .addRoles("a").build()));
        assertEquals("The framework failover_timeout (1e+17) is invalid",
            refusal(TestScheduler.info().setFailoverTimeout(1e17).build()));
        // a negative failover timeout fits Mesos's Duration and is accepted
        TestScheduler negative = scheduler();
        negative.subscribe(TestScheduler.info().setFailoverTimeout(-1).build());
        negative.await(Event.Type.SUBSCRIBED);
    }

    private String refusal(Protos.FrameworkInfo info) throws Exception {
        return scheduler().refusal(info);
    }

    @Test
    void updateFrameworkNamesWhatCannotChange() throws Exception {
        emu = emulator().start();
        TestScheduler s = scheduler();
        s.subscribe(TestScheduler.info().build());
        s.await(Event.Type.SUBSCRIBED);
        Protos.FrameworkInfo changed = TestScheduler.info().setUser("root")
            .setId(Protos.FrameworkID.newBuilder().setValue(s.frameworkId)).build();
        HttpResponse<String> r = s.post(s.call(Call.Type.UPDATE_FRAMEWORK).setUpdateFramework(
            Call.UpdateFramework.newBuilder().setFrameworkInfo(changed)).build());
        assertEquals(400, r.statusCode());
        assertEquals("FrameworkInfo update is not valid: Updating 'FrameworkInfo.user' is unsupported; attempted to"
            + " update from 'test' to 'root'", r.body());
        Protos.FrameworkInfo same = TestScheduler.info().setId(changed.getId()).build();
        r = s.post(s.call(Call.Type.UPDATE_FRAMEWORK).setUpdateFramework(Call.UpdateFramework.newBuilder()
            .setFrameworkInfo(same).addSuppressedRoles("other")).build());
        assertEquals(400, r.statusCode());
        assertEquals("'UpdateFramework' call is not valid: Suppressed roles { other } are not contained in the set"
            + " of roles", r.body());
    }

    @Test
    void reregisteringAgentReportsItsLatestStateThenResendsWhatIsUnacknowledged() throws Exception {
        emu = emulator().start();
        TestScheduler s = scheduler();
        s.subscribe(TestScheduler.info().addCapabilities(PARTITION_AWARE).build());
        Protos.Offer o = offer(s);
        s.launch(o, TestScheduler.dockerTask("t1", o, 0.5, 64).build());
        s.ack(s.awaitUpdate("t1", TaskState.TASK_STARTING));
        TaskStatus running = s.awaitUpdate("t1", TaskState.TASK_RUNNING);
        // RUNNING stays unacknowledged, so the agent holds KILLED behind it
        assertEquals(202, s.post(s.call(Call.Type.KILL).setKill(Call.Kill.newBuilder()
            .setTaskId(running.getTaskId())).build()).statusCode());
        emu.partitionAgent(0);
        TaskStatus unreachable = s.awaitUpdate("t1", TaskState.TASK_UNREACHABLE);
        assertEquals(TaskStatus.Reason.REASON_AGENT_REMOVED, unreachable.getReason());
        emu.healAgent(0);
        TaskStatus reregistered = s.awaitUpdate("t1", TaskState.TASK_KILLED);
        assertEquals(TaskStatus.Source.SOURCE_MASTER, reregistered.getSource());
        assertEquals(TaskStatus.Reason.REASON_AGENT_REREGISTERED, reregistered.getReason());
        assertEquals("Unreachable agent re-reregistered", reregistered.getMessage());
        assertFalse(reregistered.hasUuid());
        assertTrue(reregistered.getContainerStatus().hasContainerId());
        assertFalse(reregistered.hasExecutorId(), "a command task's executor id is not in the master's Task");
        TaskStatus resent = s.awaitUpdate("t1", TaskState.TASK_RUNNING);
        assertEquals(running.getUuid(), resent.getUuid());
    }

    @Test
    void removedAgentsTasksAreLostWithAgentRemovedThenItsOffersRescinded() throws Exception {
        emu = emulator().start();
        TestScheduler s = scheduler();
        s.subscribe(TestScheduler.info().build());
        Protos.Offer o = offer(s);
        s.launch(o, TestScheduler.dockerTask("t1", o, 0.5, 64).build());
        s.ack(s.awaitUpdate("t1", TaskState.TASK_STARTING));
        s.ack(s.awaitUpdate("t1", TaskState.TASK_RUNNING));
        Protos.Offer rest = offer(s);
        s.clearBacklog();
        emu.loseAgent(0);
        Event failure = s.await(Event.Type.FAILURE);
        assertEquals(emu.agentId(0), failure.getFailure().getAgentId().getValue());
        List<Event> before = new ArrayList<>(s.seen);
        int lost = -1;
        int rescind = -1;
        for (int i = 0; i < before.size(); i++) {
            Event e = before.get(i);
            if (e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getState() == TaskState.TASK_LOST) {
                lost = i;
                assertEquals(TaskStatus.Reason.REASON_AGENT_REMOVED, e.getUpdate().getStatus().getReason());
            }
            if (e.getType() == Event.Type.RESCIND && e.getRescind().getOfferId().equals(rest.getId())) {
                rescind = i;
            }
        }
        assertTrue(lost >= 0 && rescind > lost, "TASK_LOST, then RESCIND, then FAILURE: " + s.summary());
    }

    @Test
    void reconciliationOfACommandTaskCarriesNoExecutorId() throws Exception {
        emu = emulator().start();
        TestScheduler s = scheduler();
        s.subscribe(TestScheduler.info().build());
        Protos.Offer o = offer(s);
        s.launch(o, TestScheduler.commandTask("c1", o, "sleep 30").build());
        s.ack(s.awaitUpdate("c1", TaskState.TASK_STARTING));
        s.ack(s.awaitUpdate("c1", TaskState.TASK_RUNNING));
        s.post(s.call(Call.Type.RECONCILE).setReconcile(Call.Reconcile.getDefaultInstance()).build());
        TaskStatus r = s.await(e -> e.getType() == Event.Type.UPDATE
            && e.getUpdate().getStatus().getReason() == TaskStatus.Reason.REASON_RECONCILIATION)
            .getUpdate().getStatus();
        assertEquals(TaskState.TASK_RUNNING, r.getState());
        assertFalse(r.hasExecutorId());
    }

    @Test
    void allocationRoleIsTheRoleOfTheOfferTheTaskCameFrom() throws Exception {
        emu = emulator().agents(1).defaultAgent(AgentSpec.of("cpus:1;mem:256;cpus(b):1;mem(b):256", "")).start();
        TestScheduler s = scheduler();
        s.subscribe(TestScheduler.info().addCapabilities(TestScheduler.cap(
            Protos.FrameworkInfo.Capability.Type.MULTI_ROLE)).addRoles("a").addRoles("b").build());
        Event offers = s.await(e -> e.getType() == Event.Type.OFFERS && e.getOffers().getOffersList().stream()
            .anyMatch(o -> o.getAllocationInfo().getRole().equals("b")));
        Protos.Offer b = offers.getOffers().getOffersList().stream()
            .filter(o -> o.getAllocationInfo().getRole().equals("b")).findFirst().orElseThrow();
        // a tenth of the offer's role-b cpus, as the offer carries them (allocation_info and reservation included)
        Protos.Resource cpus = b.getResourcesList().stream().filter(r -> r.getName().equals("cpus")).findFirst()
            .orElseThrow().toBuilder().setScalar(Protos.Value.Scalar.newBuilder().setValue(0.1)).build();
        s.launch(b, TestScheduler.commandTask("env", b, "echo \"role=$MESOS_ALLOCATION_ROLE\"").clearResources()
            .addResources(cpus).build());
        s.ack(s.awaitUpdate("env", TaskState.TASK_STARTING));
        s.ack(s.awaitUpdate("env", TaskState.TASK_RUNNING));
        s.ack(s.awaitUpdate("env", TaskState.TASK_FINISHED));
        java.nio.file.Path stdout = s.runs(emu, "env").resolve("latest").resolve("stdout");
        assertEquals("role=b\n", java.nio.file.Files.readString(stdout));
    }

    @Test
    void repeatedKillOnlyBringsTheEscalationForwardCountedFromTheFirst() throws Exception {
        emu = emulator().start();
        TestScheduler s = scheduler();
        s.subscribe(TestScheduler.info().addCapabilities(TestScheduler.cap(
            Protos.FrameworkInfo.Capability.Type.TASK_KILLING_STATE)).build());
        Protos.Offer o = offer(s);
        // ignores SIGTERM, so only the escalation to SIGKILL ends it
        s.launch(o, TestScheduler.commandTask("stubborn", o, "trap '' TERM; sleep 600").build());
        s.ack(s.awaitUpdate("stubborn", TaskState.TASK_STARTING));
        s.ack(s.awaitUpdate("stubborn", TaskState.TASK_RUNNING));
        Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue("stubborn"));
        Protos.KillPolicy tenMinutes = Protos.KillPolicy.newBuilder()
            .setGracePeriod(Protos.DurationInfo.newBuilder().setNanoseconds(Duration.ofMinutes(10).toNanos())).build();
        s.post(s.call(Call.Type.KILL).setKill(kill.clone().setKillPolicy(tenMinutes)).build());
        s.ack(s.awaitUpdate("stubborn", TaskState.TASK_KILLING));
        // a retried KILL without a policy sends no second TASK_KILLING; one with grace 0, counted from the first
        // KILL, escalates at once (that the retry sent no second SIGTERM cannot be seen without timing)
        s.post(s.call(Call.Type.KILL).setKill(kill.clone()).build());
        s.post(s.call(Call.Type.KILL).setKill(kill.clone().setKillPolicy(Protos.KillPolicy.newBuilder()
            .setGracePeriod(Protos.DurationInfo.newBuilder().setNanoseconds(0)))).build());
        TaskStatus killed = s.awaitUpdate("stubborn", TaskState.TASK_KILLED);
        assertEquals("Command terminated with signal Killed", killed.getMessage());
        assertEquals(1, s.seen.stream().filter(e -> e.getType() == Event.Type.UPDATE
            && e.getUpdate().getStatus().getState() == TaskState.TASK_KILLING).count(), s.summary());
    }

    @Test
    void pidsAndIpsAreNumericWhenTheHostIsAName() throws Exception {
        emu = emulator().host("localhost").start();
        TestScheduler s = scheduler();
        s.subscribe(TestScheduler.info().build());
        Protos.MasterInfo info = s.await(Event.Type.SUBSCRIBED).getSubscribed().getMasterInfo();
        int port = emu.leaderUri().getPort();
        assertEquals("localhost", info.getHostname());
        assertEquals("master@127.0.0.1:" + port, info.getPid());
        assertEquals("127.0.0.1", info.getAddress().getIp());
        assertEquals("localhost", info.getAddress().getHostname());
        Protos.Offer o = offer(s);
        assertEquals("127.0.0.1", o.getUrl().getAddress().getIp());
    }

    @Test
    void aUserNetworkNeedsOneNamedNetworkInfo() throws Exception {
        emu = emulator().start();
        TestScheduler s = scheduler();
        s.subscribe(TestScheduler.info().build());
        Protos.Offer o = offer(s);
        Protos.TaskInfo.Builder t = TestScheduler.dockerTask("user", o, 0.1, 32);
        t.getContainerBuilder().getDockerBuilder().setNetwork(Protos.ContainerInfo.DockerInfo.Network.USER);
        s.launch(o, t.build());
        s.ack(s.awaitUpdate("user", TaskState.TASK_STARTING));
        TaskStatus failed = s.awaitUpdate("user", TaskState.TASK_FAILED);
        assertEquals("Failed to create docker run options: No network info found in container info",
            failed.getMessage());
        assertEquals(TaskStatus.Source.SOURCE_EXECUTOR, failed.getSource());
    }
}
