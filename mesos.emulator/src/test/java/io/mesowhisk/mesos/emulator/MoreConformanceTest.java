package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Authentication, offer timeout, MULTI_ROLE offers, UPDATE_FRAMEWORK, agent removal, garbage on the stream. */
class MoreConformanceTest {

    @Test
    void basicAuthenticationComesFirst() throws Exception {
        try (MesosEmulator emu = MesosEmulator.builder().masters(2).credential("fw", "secret").start()) {
            HttpResponse<String> r = TestScheduler.HTTP.send(HttpRequest.newBuilder(
                    emu.masterUri(1).resolve("/api/v1/scheduler")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), "401 before the non-leader's 307 and the 405");
            assertEquals("Basic realm=\"mesos-master-scheduler\"", r.headers().firstValue("WWW-Authenticate")
                .orElseThrow());
            String good = "Basic " + Base64.getEncoder().encodeToString("fw:secret".getBytes(StandardCharsets.UTF_8));
            r = TestScheduler.HTTP.send(HttpRequest.newBuilder(emu.masterUri(1).resolve("/api/v1/scheduler"))
                .header("Authorization", good).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(307, r.statusCode());
        }
    }

    @Test
    void offerTimeoutRescinds() throws Exception {
        try (MesosEmulator emu = MesosEmulator.builder().offerTimeout(Duration.ofMillis(100))
            .allocationInterval(Duration.ofHours(1)).start();
             TestScheduler s = new TestScheduler(emu.leaderUri(), true)) {
            s.subscribe(TestScheduler.info().build());
            Protos.Offer o = s.await(Event.Type.OFFERS).getOffers().getOffers(0);
            assertEquals(o.getId(), s.await(Event.Type.RESCIND).getRescind().getOfferId());
        }
    }

    @Test
    void multiRoleOffersCarryAllocationInfoPerRole() throws Exception {
        try (MesosEmulator emu = MesosEmulator.builder()
            .defaultAgent(AgentSpec.of("cpus:2;mem:512;cpus(a):1;mem(a):64", "")).start();
             TestScheduler s = new TestScheduler(emu.leaderUri(), true)) {
            s.subscribe(TestScheduler.info().clearRole().addRoles("a").addRoles("b")
                .addCapabilities(TestScheduler.cap(Protos.FrameworkInfo.Capability.Type.MULTI_ROLE))
                .addCapabilities(TestScheduler.cap(Protos.FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT))
                .build());
            Event e = s.await(Event.Type.OFFERS);
            Protos.Offer o = e.getOffers().getOffers(0);
            assertTrue(o.hasAllocationInfo());
            String role = o.getAllocationInfo().getRole();
            for (Protos.Resource r : o.getResourcesList()) {
                assertEquals(role, r.getAllocationInfo().getRole());
                assertTrue(!r.hasRole(), "refinement format has no role field");
            }
            // the first role's offer takes the unreserved resources; reserved ones go only to role a
            assertTrue(o.getResourcesList().stream().filter(r -> r.getReservationsCount() > 0)
                .allMatch(r -> r.getReservations(0).getRole().equals("a") && role.equals("a")));
        }
    }

    @Test
    void updateFrameworkAnswers200AndRejectsPrincipalChange() throws Exception {
        try (MesosEmulator emu = MesosEmulator.builder().start();
             TestScheduler s = new TestScheduler(emu.leaderUri(), true)) {
            s.subscribe(TestScheduler.info().build());
            s.await(Event.Type.SUBSCRIBED);
            Protos.FrameworkInfo info = TestScheduler.info().setName("renamed")
                .setId(Protos.FrameworkID.newBuilder().setValue(s.frameworkId)).build();
            HttpResponse<String> r = s.post(s.call(Call.Type.UPDATE_FRAMEWORK).setUpdateFramework(
                Call.UpdateFramework.newBuilder().setFrameworkInfo(info)).build());
            assertEquals(200, r.statusCode());
            assertTrue(emu.stateJson().contains("\"name\":\"renamed\""));
            r = s.post(s.call(Call.Type.UPDATE_FRAMEWORK).setUpdateFramework(Call.UpdateFramework.newBuilder()
                .setFrameworkInfo(info.toBuilder().setPrincipal("other"))).build());
            assertEquals(400, r.statusCode());
            assertTrue(r.body().startsWith("FrameworkInfo update is not valid"), r.body());
        }
    }

    @Test
    void lostAgentGivesGoneByOperatorAndFailure() throws Exception {
        try (MesosEmulator emu = MesosEmulator.builder().allocationInterval(Duration.ofMillis(20)).start();
             TestScheduler s = new TestScheduler(emu.leaderUri(), false)) {
            s.subscribe(TestScheduler.info().addCapabilities(TestScheduler.cap(
                Protos.FrameworkInfo.Capability.Type.PARTITION_AWARE)).build());
            Protos.Offer o = s.await(Event.Type.OFFERS).getOffers().getOffers(0);
            s.launch(o, TestScheduler.dockerTask("g", o, 0.1, 32).build());
            s.ack(s.awaitUpdate("g", TaskState.TASK_STARTING));
            s.ack(s.awaitUpdate("g", TaskState.TASK_RUNNING));
            emu.loseAgent(0);
            TaskStatus gone = s.awaitUpdate("g", TaskState.TASK_GONE_BY_OPERATOR);
            assertEquals(TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR, gone.getReason());
            assertNotNull(s.await(Event.Type.FAILURE));
            s.post(s.call(Call.Type.RECONCILE).setReconcile(Call.Reconcile.newBuilder().addTasks(
                Call.Reconcile.Task.newBuilder().setTaskId(gone.getTaskId()).setAgentId(o.getAgentId()))).build());
            assertEquals("Reconciliation: Task is gone",
                s.awaitUpdate("g", TaskState.TASK_GONE_BY_OPERATOR).getMessage());
        }
    }

    @Test
    void injectedGarbageBreaksTheClientsFraming() throws Exception {
        try (MesosEmulator emu = MesosEmulator.builder().heartbeatInterval(Duration.ofHours(1)).start();
             TestScheduler s = new TestScheduler(emu.leaderUri(), true)) {
            s.subscribe(TestScheduler.info().build());
            s.await(Event.Type.SUBSCRIBED);
            emu.injectBytes(s.frameworkId, "xyz\n".getBytes(StandardCharsets.US_ASCII));
            long deadline = System.nanoTime() + TestScheduler.WAIT.toNanos();
            while (s.streamError == null) {
                assertTrue(System.nanoTime() < deadline, "garbage did not reach the client");
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L); // poll with a deadline
            }
            assertTrue(s.streamError.getMessage().contains("bad RecordIO header"), s.streamError.toString());
        }
    }

    @Test
    void restartedMasterAnswers503WhileRecovering() throws Exception {
        try (MesosEmulator emu = MesosEmulator.builder().start()) {
            emu.restartMaster(Duration.ofHours(1));
            HttpResponse<String> r = TestScheduler.HTTP.send(HttpRequest.newBuilder(
                    emu.leaderUri().resolve("/api/v1/scheduler")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, r.statusCode());
            assertEquals("Master has not finished recovery", r.body());
        }
    }

    @Test
    void dockerPortMappingsAreCheckedAsTheDockerContainerizerDoes() throws Exception {
        try (MesosEmulator emu = MesosEmulator.builder().allocationInterval(Duration.ofMillis(20))
            .dockerStartDelay(Duration.ofMillis(50)).start();
             TestScheduler s = new TestScheduler(emu.leaderUri(), true)) {
            s.subscribe(TestScheduler.info().build());
            Protos.Offer o = s.await(Event.Type.OFFERS).getOffers().getOffers(0);
            Protos.Resource ports = Protos.Resource.newBuilder().setName("ports").setType(Protos.Value.Type.RANGES)
                .setRanges(Protos.Value.Ranges.newBuilder().addRange(Protos.Value.Range.newBuilder()
                    .setBegin(31000).setEnd(31000))).build();
            Protos.TaskInfo.Builder ok = TestScheduler.dockerTask("ok", o, 0.1, 32).addResources(ports);
            ok.getContainerBuilder().getDockerBuilder().setNetwork(Protos.ContainerInfo.DockerInfo.Network.BRIDGE)
                .addPortMappings(Protos.ContainerInfo.DockerInfo.PortMapping.newBuilder().setHostPort(31000)
                    .setContainerPort(8080));
            Protos.Resource otherPort = ports.toBuilder().setRanges(Protos.Value.Ranges.newBuilder().addRange(
                Protos.Value.Range.newBuilder().setBegin(31001).setEnd(31001))).build();
            Protos.TaskInfo.Builder outside = TestScheduler.dockerTask("outside", o, 0.1, 32).addResources(otherPort);
            outside.getContainerBuilder().getDockerBuilder()
                .setNetwork(Protos.ContainerInfo.DockerInfo.Network.BRIDGE)
                .addPortMappings(Protos.ContainerInfo.DockerInfo.PortMapping.newBuilder().setHostPort(31005)
                    .setContainerPort(8080));
            Protos.TaskInfo.Builder host = TestScheduler.dockerTask("host", o, 0.1, 32);
            host.getContainerBuilder().getDockerBuilder()
                .addPortMappings(Protos.ContainerInfo.DockerInfo.PortMapping.newBuilder().setHostPort(31000)
                    .setContainerPort(8080));
            Protos.TaskInfo.Builder noPorts = TestScheduler.dockerTask("noports", o, 0.1, 32);
            noPorts.getContainerBuilder().getDockerBuilder()
                .setNetwork(Protos.ContainerInfo.DockerInfo.Network.BRIDGE)
                .addPortMappings(Protos.ContainerInfo.DockerInfo.PortMapping.newBuilder().setHostPort(31002)
                    .setContainerPort(8080));
            s.launch(o, ok.build(), outside.build(), host.build(), noPorts.build());
            s.ack(s.awaitUpdate("ok", TaskState.TASK_STARTING));
            // the docker executor checks its run options after TASK_STARTING and fails the task itself, no reason
            s.ack(s.awaitUpdate("outside", TaskState.TASK_STARTING));
            TaskStatus notIncluded = s.awaitUpdate("outside", TaskState.TASK_FAILED);
            assertEquals("Failed to create docker run options: Port [31005] not included in resources",
                notIncluded.getMessage());
            assertEquals(TaskStatus.Source.SOURCE_EXECUTOR, notIncluded.getSource());
            assertFalse(notIncluded.hasReason());
            s.ack(notIncluded);
            s.ack(s.awaitUpdate("host", TaskState.TASK_STARTING));
            TaskStatus hostNet = s.awaitUpdate("host", TaskState.TASK_FAILED);
            assertEquals("Failed to create docker run options: Port mappings are only supported for bridge and"
                + " user-defined networks", hostNet.getMessage());
            s.ack(s.awaitUpdate("noports", TaskState.TASK_STARTING));
            TaskStatus noPortsFailed = s.awaitUpdate("noports", TaskState.TASK_FAILED);
            assertEquals("Failed to create docker run options: Port mappings require port resources",
                noPortsFailed.getMessage());
        }
    }

    @Test
    void dockerPullFailureComesFromTheAgent() throws Exception {
        try (MesosEmulator emu = MesosEmulator.builder().allocationInterval(Duration.ofMillis(20)).start();
             TestScheduler s = new TestScheduler(emu.leaderUri(), true)) {
            s.subscribe(TestScheduler.info().build());
            Protos.Offer o = s.await(Event.Type.OFFERS).getOffers().getOffers(0);
            emu.failNextLaunch(LaunchFailure.dockerPullFailure("no/such:image"));
            s.launch(o, TestScheduler.dockerTask("pull", o, 0.1, 32).build());
            TaskStatus failed = s.awaitUpdate("pull", TaskState.TASK_FAILED);
            assertEquals(TaskStatus.Source.SOURCE_AGENT, failed.getSource());
            assertTrue(failed.getMessage().startsWith("Failed to launch container: Failed to run 'docker -H "),
                failed.getMessage());
            assertTrue(failed.getMessage().contains(" pull no/such:image"), failed.getMessage());
        }
    }
}
