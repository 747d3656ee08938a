package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** As Mesos behaves: offers, ACCEPT validation, status updates with uuid/ack/retry, kill, reconcile, agent loss. */
class OffersAndTasksTest {

    MesosEmulator emu;
    TestScheduler s;

    @BeforeEach
    void start() throws Exception {
        emu = MesosEmulator.builder().agents(2)
            .agent(0, AgentSpec.of("cpus:2;mem:1024;disk:100;ports:[31000-31009];cpus(web):1", "rack:r1;level:3;"
                + "slots:[1-4];zone:us east 1"))
            .heartbeatInterval(Duration.ofMillis(200)).allocationInterval(Duration.ofMillis(30))
            .statusUpdateRetryInterval(Duration.ofMillis(300)).start();
        s = new TestScheduler(emu.leaderUri(), true);
    }

    @AfterEach
    void stop() {
        s.close();
        emu.close();
    }

    private Protos.Offer offerOn(int agent) throws InterruptedException {
        String id = emu.agentId(agent);
        Event e = s.await(x -> x.getType() == Event.Type.OFFERS
            && x.getOffers().getOffersList().stream().anyMatch(o -> o.getAgentId().getValue().equals(id)));
        return e.getOffers().getOffersList().stream().filter(o -> o.getAgentId().getValue().equals(id))
            .findFirst().orElseThrow();
    }

    @Test
    void offersLookLikeMesosOffers() throws Exception {
        s.subscribe(TestScheduler.info().setRole("web").build());
        Protos.Offer o = offerOn(0);
        String masterId = emu.masterId();
        assertTrue(o.getId().getValue().matches(masterId + "-O\\d+"), o.getId().getValue());
        assertTrue(o.getAgentId().getValue().matches(masterId + "-S\\d+"));
        assertEquals("http", o.getUrl().getScheme());
        assertEquals(emu.agentUri(0).getPort(), o.getUrl().getAddress().getPort());
        assertEquals("/slave(1)", o.getUrl().getPath());
        assertEquals(4, o.getAttributesCount());
        assertEquals(Protos.Value.Type.TEXT, o.getAttributes(0).getType());
        assertEquals(Protos.Value.Type.SCALAR, o.getAttributes(1).getType());
        assertEquals(Protos.Value.Type.RANGES, o.getAttributes(2).getType());
        // values::parse drops every space
        assertEquals("useast1", o.getAttributes(3).getText().getValue());
        // the role-reserved cpus come with role "web", unreserved ones with "*"
        assertTrue(o.getResourcesList().stream().anyMatch(r -> r.getName().equals("cpus") && r.getRole().equals("web")
            && r.getScalar().getValue() == 1.0));
        assertTrue(o.getResourcesList().stream().anyMatch(r -> r.getName().equals("ports") && r.getRole().equals("*")
            && r.getRanges().getRange(0).getBegin() == 31000 && r.getRanges().getRange(0).getEnd() == 31009));
        assertFalse(o.hasAllocationInfo(), "no allocation_info without MULTI_ROLE");
    }

    @Test
    void dockerTaskRunsWithReliableUpdatesAndIsKilled() throws Exception {
        s.subscribe(TestScheduler.info().addCapabilities(TestScheduler.cap(
            Protos.FrameworkInfo.Capability.Type.TASK_KILLING_STATE)).build());
        Protos.Offer o = offerOn(0);
        assertEquals(202, s.launch(o, TestScheduler.dockerTask("t1", o, 0.5, 128).build()).statusCode());
        TaskStatus starting = s.awaitUpdate("t1", TaskState.TASK_STARTING);
        assertEquals(16, starting.getUuid().size());
        assertEquals(TaskStatus.Source.SOURCE_EXECUTOR, starting.getSource());
        // one update in flight per task: RUNNING waits for the ACK of STARTING (STARTING is resent meanwhile)
        TaskStatus again = s.awaitUpdate("t1", TaskState.TASK_STARTING);
        assertEquals(starting.getUuid(), again.getUuid());
        assertTrue(s.seen.stream().noneMatch(e -> e.getType() == Event.Type.UPDATE
            && e.getUpdate().getStatus().getState() == TaskState.TASK_RUNNING));
        s.ack(starting);
        TaskStatus running = s.awaitUpdate("t1", TaskState.TASK_RUNNING);
        assertTrue(running.getContainerStatus().hasContainerId());
        // every update has its own random (version 4, IETF variant) uuid, as stout's UUID::random makes
        java.nio.ByteBuffer bytes = running.getUuid().asReadOnlyByteBuffer();
        java.util.UUID uuid = new java.util.UUID(bytes.getLong(), bytes.getLong());
        assertEquals(4, uuid.version());
        assertEquals(2, uuid.variant());
        assertFalse(running.getUuid().equals(starting.getUuid()));
        s.ack(running);
        s.post(s.call(Call.Type.KILL).setKill(Call.Kill.newBuilder().setTaskId(running.getTaskId())).build());
        TaskStatus killing = s.awaitUpdate("t1", TaskState.TASK_KILLING);
        s.ack(killing);
        TaskStatus killed = s.awaitUpdate("t1", TaskState.TASK_KILLED);
        s.ack(killed);
        // after the terminal ACK the master forgets the task: reconciliation says LOST (not partition-aware)
        s.post(s.call(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()
            .addTasks(Call.Reconcile.Task.newBuilder().setTaskId(killed.getTaskId()))).build());
        TaskStatus r = s.awaitUpdate("t1", TaskState.TASK_LOST);
        assertEquals(TaskStatus.Reason.REASON_RECONCILIATION, r.getReason());
        assertEquals(TaskStatus.Source.SOURCE_MASTER, r.getSource());
        assertFalse(r.hasUuid());
    }

    @Test
    void invalidOffersGiveLostOrDroppedAndOveruseGivesError() throws Exception {
        s.subscribe(TestScheduler.info().addCapabilities(TestScheduler.cap(
            Protos.FrameworkInfo.Capability.Type.PARTITION_AWARE)).build());
        Protos.Offer o = offerOn(0);
        Protos.Offer bogus = o.toBuilder().setId(Protos.OfferID.newBuilder().setValue("nope")).build();
        s.launch(bogus, TestScheduler.dockerTask("bad", o, 0.1, 32).build());
        TaskStatus dropped = s.awaitUpdate("bad", TaskState.TASK_DROPPED);
        assertEquals(TaskStatus.Reason.REASON_INVALID_OFFERS, dropped.getReason());
        assertEquals("Task launched with invalid offers: Offer nope is no longer valid", dropped.getMessage());
        assertFalse(dropped.hasUuid());
        s.launch(o, TestScheduler.dockerTask("big", o, 100, 32).build(),
            TestScheduler.dockerTask("ok", o, 0.1, 32).build(),
            TestScheduler.dockerTask("ok", o, 0.1, 32).build(),
            TestScheduler.commandTask("nodocker", o, "true").setContainer(Protos.ContainerInfo.newBuilder()
                .setType(Protos.ContainerInfo.Type.DOCKER)).build());
        TaskStatus big = s.awaitUpdate("big", TaskState.TASK_ERROR);
        assertEquals(TaskStatus.Reason.REASON_TASK_INVALID, big.getReason());
        assertTrue(big.getMessage().startsWith("Total resources"), big.getMessage());
        TaskStatus dup = s.awaitUpdate("ok", TaskState.TASK_ERROR);
        assertEquals("Task has duplicate ID: ok", dup.getMessage());
        TaskStatus noDocker = s.awaitUpdate("nodocker", TaskState.TASK_ERROR);
        assertEquals(TaskStatus.Reason.REASON_TASK_INVALID, noDocker.getReason());
        s.awaitUpdate("ok", TaskState.TASK_STARTING);
    }

    @Test
    void declineFiltersSuppressAndRevive() throws Exception {
        s.subscribe(TestScheduler.info().build());
        Protos.Offer o = offerOn(1);
        s.post(s.call(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder().addOfferIds(o.getId())
            .setFilters(Protos.Filters.newBuilder().setRefuseSeconds(3600))).build());
        s.post(s.call(Call.Type.SUPPRESS).build());
        s.clearBacklog();
        s.post(s.call(Call.Type.REVIVE).build());
        // REVIVE clears the decline filter and allocates at once: agent 1 is offered again
        Protos.Offer again = offerOn(1);
        assertFalse(again.getId().equals(o.getId()));
    }

    @Test
    void unackedUpdatesReachAFailedOverFramework() throws Exception {
        s.subscribe(TestScheduler.info().setFailoverTimeout(60).build());
        Protos.Offer o = offerOn(0);
        s.launch(o, TestScheduler.dockerTask("t", o, 0.1, 32).build());
        s.awaitUpdate("t", TaskState.TASK_STARTING);
        try (TestScheduler b = new TestScheduler(emu.leaderUri(), false)) {
            b.subscribe(TestScheduler.info().setFailoverTimeout(60)
                .setId(Protos.FrameworkID.newBuilder().setValue(s.frameworkId)).build());
            TaskStatus resent = b.awaitUpdate("t", TaskState.TASK_STARTING);
            b.ack(resent);
            b.ack(b.awaitUpdate("t", TaskState.TASK_RUNNING));
        }
    }

    @Test
    void partitionedAgentGivesUnreachableAndFailure() throws Exception {
        s.subscribe(TestScheduler.info().addCapabilities(TestScheduler.cap(
            Protos.FrameworkInfo.Capability.Type.PARTITION_AWARE)).build());
        Protos.Offer o = offerOn(0);
        s.launch(o, TestScheduler.dockerTask("p", o, 0.1, 32).build());
        s.ack(s.awaitUpdate("p", TaskState.TASK_STARTING));
        s.ack(s.awaitUpdate("p", TaskState.TASK_RUNNING));
        emu.partitionAgent(0);
        TaskStatus u = s.awaitUpdate("p", TaskState.TASK_UNREACHABLE);
        assertEquals(TaskStatus.Reason.REASON_AGENT_REMOVED, u.getReason());
        assertTrue(u.hasUnreachableTime());
        Event failure = s.await(Event.Type.FAILURE);
        assertEquals(emu.agentId(0), failure.getFailure().getAgentId().getValue());
        emu.healAgent(0);
        TaskStatus back = s.awaitUpdate("p", TaskState.TASK_RUNNING);
        assertEquals(TaskStatus.Reason.REASON_AGENT_REREGISTERED, back.getReason());
    }

    @Test
    void killOfUnknownTaskAndImplicitReconcile() throws Exception {
        s.subscribe(TestScheduler.info().build());
        Protos.Offer o = offerOn(0);
        s.post(s.call(Call.Type.KILL).setKill(Call.Kill.newBuilder()
            .setTaskId(Protos.TaskID.newBuilder().setValue("ghost"))).build());
        assertEquals(TaskStatus.Reason.REASON_RECONCILIATION, s.awaitUpdate("ghost", TaskState.TASK_LOST).getReason());
        s.launch(o, TestScheduler.dockerTask("r", o, 0.1, 32).build());
        s.awaitUpdate("r", TaskState.TASK_STARTING); // not acked: the master's last forwarded state is STARTING
        s.post(s.call(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()).build());
        TaskStatus r = s.await(e -> e.getType() == Event.Type.UPDATE
            && e.getUpdate().getStatus().getReason() == TaskStatus.Reason.REASON_RECONCILIATION
            && e.getUpdate().getStatus().getTaskId().getValue().equals("r")).getUpdate().getStatus();
        assertEquals(TaskState.TASK_STARTING, r.getState());
    }

    @Test
    void failNextLaunchLikeADockerRunFailure() throws Exception {
        s.subscribe(TestScheduler.info().build());
        Protos.Offer o = offerOn(0);
        emu.failNextLaunch(LaunchFailure.dockerRunFailure());
        s.launch(o, TestScheduler.dockerTask("f", o, 0.1, 32).build());
        s.ack(s.awaitUpdate("f", TaskState.TASK_STARTING));
        TaskStatus failed = s.awaitUpdate("f", TaskState.TASK_FAILED);
        assertEquals("Container exited with status 125", failed.getMessage());
    }

    @Test
    void restartedMasterKeepsTasks() throws Exception {
        s.subscribe(TestScheduler.info().setFailoverTimeout(60).build());
        Protos.Offer o = offerOn(0);
        s.launch(o, TestScheduler.dockerTask("keep", o, 0.1, 32).build());
        s.ack(s.awaitUpdate("keep", TaskState.TASK_STARTING));
        s.ack(s.awaitUpdate("keep", TaskState.TASK_RUNNING));
        String oldMaster = emu.masterId();
        emu.restartMaster();
        s.awaitEnd();
        assertFalse(oldMaster.equals(emu.masterId()));
        try (TestScheduler b = new TestScheduler(emu.leaderUri(), true)) {
            b.subscribe(TestScheduler.info().setFailoverTimeout(60)
                .setId(Protos.FrameworkID.newBuilder().setValue(s.frameworkId)).build());
            b.await(Event.Type.SUBSCRIBED);
            b.post(b.call(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder()).build());
            assertEquals(TaskState.TASK_RUNNING, b.await(e -> e.getType() == Event.Type.UPDATE
                && e.getUpdate().getStatus().getTaskId().getValue().equals("keep")).getUpdate().getStatus().getState());
        }
    }

    @Test
    void heldUpdatesAreReleasedInReverseOrder() throws Exception {
        s.subscribe(TestScheduler.info().build());
        Protos.Offer o = offerOn(0);
        emu.holdUpdates();
        s.launch(o, TestScheduler.dockerTask("a", o, 0.1, 32).build(), TestScheduler.dockerTask("b", o, 0.1, 32).build());
        // both tasks have started (the master learned RUNNING) while their updates are held back
        long deadline = System.nanoTime() + TestScheduler.WAIT.toNanos();
        while (emu.stateJson().split("\"state\":\"TASK_RUNNING\"", -1).length < 3) {
            assertTrue(System.nanoTime() < deadline, "tasks did not start: " + emu.stateJson());
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L); // poll with a deadline
        }
        assertTrue(s.seen.stream().noneMatch(e -> e.getType() == Event.Type.UPDATE));
        emu.releaseUpdates(true);
        Event first = s.await(e -> e.getType() == Event.Type.UPDATE);
        assertEquals("b", first.getUpdate().getStatus().getTaskId().getValue());
        assertEquals("a", s.await(e -> e.getType() == Event.Type.UPDATE).getUpdate().getStatus().getTaskId().getValue());
    }

    @Test
    void customExecutorsAreRefusedClearly() throws Exception {
        s.subscribe(TestScheduler.info().build());
        Protos.Offer o = offerOn(0);
        s.launch(o, Protos.TaskInfo.newBuilder().setName("x").setTaskId(Protos.TaskID.newBuilder().setValue("x"))
            .setAgentId(o.getAgentId()).addResources(TestScheduler.scalar("cpus", 0.1))
            .setExecutor(Protos.ExecutorInfo.newBuilder().setExecutorId(Protos.ExecutorID.newBuilder().setValue("e"))
                .setCommand(Protos.CommandInfo.newBuilder().setValue("true"))).build());
        TaskStatus failed = s.awaitUpdate("x", TaskState.TASK_FAILED);
        assertEquals(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, failed.getReason());
    }
}
