package io.mesowhisk.mesos.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.Attribute;
import io.mesowhisk.mesos.v1.Protos.ContainerInfo;
import io.mesowhisk.mesos.v1.Protos.Environment;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.HealthCheck;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.Resource;
import io.mesowhisk.mesos.v1.Protos.TaskInfo;
import io.mesowhisk.mesos.v1.Protos.Value;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** LaunchRequest to TaskInfo, and offer intake, on hand-made offers. */
class TaskInfosTest {

    private static Resource scalar(String name, double v, String role) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR).setRole(role)
                .setScalar(Value.Scalar.newBuilder().setValue(v)).build();
    }

    private static Resource ports(long begin, long end, String role) {
        return Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRole(role)
                .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end)))
                .build();
    }

    private static Offer offer() {
        return Offer.newBuilder().setId(OfferID.newBuilder().setValue("O1"))
                .setFrameworkId(FrameworkID.newBuilder().setValue("F")).setAgentId(AgentID.newBuilder().setValue("S1"))
                .setHostname("host1")
                .addResources(scalar("cpus", 1, "*")).addResources(scalar("cpus", 2, "whisk"))
                .addResources(scalar("cpus", 8, "other")).addResources(scalar("mem", 1024, "*"))
                .addResources(ports(31000, 31002, "*")).addResources(ports(40000, 40000, "whisk"))
                .build();
    }

    private static Map<String, String> env(Environment e) {
        return e.getVariablesList().stream().collect(Collectors.toMap(Environment.Variable::getName,
                Environment.Variable::getValue));
    }

    @Test
    void intakeCountsOnlyWhatTheRoleMayUseMinusBlacklistedPorts() {
        OfferView v = new OfferIntake("whisk").convert(offer(), Set.of(31001));
        assertEquals(3000, v.cpusMilli());
        assertEquals(1024_000, v.memMilli());
        assertEquals("S1", v.agentId());
        assertEquals("[31000-31000, 31002-31002, 40000-40000]", v.ports().toString());
    }

    @Test
    void intakeHonoursRefinedReservationsSkipsRevocableAndTagsTheViewWithItsOffer() {
        Resource reservedForUs = scalar("cpus", 4, "").toBuilder().clearRole()
                .addReservations(Resource.ReservationInfo.newBuilder().setRole("other"))
                .addReservations(Resource.ReservationInfo.newBuilder().setRole("whisk")).build();
        Resource reservedAbove = scalar("mem", 512, "").toBuilder().clearRole()
                .addReservations(Resource.ReservationInfo.newBuilder().setRole("whisk"))
                .addReservations(Resource.ReservationInfo.newBuilder().setRole("whisk/child")).build();
        Resource revocable = scalar("cpus", 16, "*").toBuilder()
                .setRevocable(Resource.RevocableInfo.getDefaultInstance()).build();
        Offer o = offer().toBuilder().addResources(reservedForUs).addResources(reservedAbove)
                .addResources(revocable).build();
        OfferView v = new OfferIntake("whisk").convert(o, Set.of());
        assertEquals(7000, v.cpusMilli(), "1 unreserved + 2 for the role + 4 reserved (refined) for the role");
        assertEquals(1024_000, v.memMilli(), "a reservation refined for another role is not ours");
        assertSame(o, v.tag());
        assertSame(o, OfferIntake.offerOf(v));
    }

    @Test
    void intakeGivesAttributesInMesosTextFormsWhenPlacementFirstReadsThem() {
        Offer o = offer().toBuilder()
                .addAttributes(Attribute.newBuilder().setName("zone").setType(Value.Type.TEXT)
                        .setText(Value.Text.newBuilder().setValue("us-east-1a")))
                .addAttributes(Attribute.newBuilder().setName("gen").setType(Value.Type.SCALAR)
                        .setScalar(Value.Scalar.newBuilder().setValue(2.50049)))
                .addAttributes(Attribute.newBuilder().setName("slots").setType(Value.Type.RANGES)
                        .setRanges(Value.Ranges.newBuilder()
                                .addRange(Value.Range.newBuilder().setBegin(1).setEnd(2))
                                .addRange(Value.Range.newBuilder().setBegin(4).setEnd(5))))
                .addAttributes(Attribute.newBuilder().setName("gpus").setType(Value.Type.SET)
                        .setSet(Value.Set.newBuilder().addItem("a").addItem("b")))
                .addAttributes(Attribute.newBuilder().setName("bad").setType(Value.Type.SCALAR)
                        .setScalar(Value.Scalar.newBuilder().setValue(Double.NaN)))
                .build();
        OfferView v = new OfferIntake("whisk").convert(o, Set.of());
        assertEquals("us-east-1a", v.valueOf("zone"));
        assertEquals("2.5", v.valueOf("gen"));
        assertEquals("[1-2, 4-5]", v.valueOf("slots"));
        assertEquals("{a, b}", v.valueOf("gpus"));
        assertNull(v.valueOf("bad"), "an attribute Mesos would have refused is left out, not fatal");
        assertEquals(4, v.attributes().size());
    }

    @Test
    void dockerBridgeWithPortMappingsHealthCheckAndKillPolicy() {
        LaunchRequest r = LaunchRequest.builder("action").taskId("t1").docker("openwhisk/nodejs").forcePull(true)
                .cpus(2.5).memMb(256).containerPorts(8080, 9090).env("A", "1").label("owner", "me")
                .dockerParameter("dns", "8.8.8.8").healthCheck(LaunchRequest.HealthCheck.tcp(0))
                .killGrace(Duration.ofSeconds(7)).build();
        OfferResources res = new OfferResources(offer(), new OfferIntake("whisk"));
        TaskInfo t = TaskInfos.build(r, res, List.of(31002, 40000));
        assertEquals("t1", t.getTaskId().getValue());
        assertEquals("S1", t.getAgentId().getValue());
        double cpus = t.getResourcesList().stream().filter(x -> x.getName().equals("cpus"))
                .mapToDouble(x -> x.getScalar().getValue()).sum();
        assertEquals(2.5, cpus, 1e-9);
        assertTrue(t.getResourcesList().stream().noneMatch(x -> x.getRole().equals("other")));
        ContainerInfo c = t.getContainer();
        assertEquals(ContainerInfo.Type.DOCKER, c.getType());
        assertEquals(ContainerInfo.DockerInfo.Network.BRIDGE, c.getDocker().getNetwork());
        assertTrue(c.getDocker().getForcePullImage());
        assertEquals(2, c.getDocker().getPortMappingsCount());
        assertEquals(31002, c.getDocker().getPortMappings(0).getHostPort());
        assertEquals(8080, c.getDocker().getPortMappings(0).getContainerPort());
        assertEquals(40000, c.getDocker().getPortMappings(1).getHostPort());
        assertEquals("dns", c.getDocker().getParameters(0).getKey());
        assertFalse(t.getCommand().getShell());
        assertEquals(Map.of("A", "1"), env(t.getCommand().getEnvironment()));
        assertEquals(HealthCheck.Type.TCP, t.getHealthCheck().getType());
        assertEquals(31002, t.getHealthCheck().getTcp().getPort());
        assertEquals(7_000_000_000L, t.getKillPolicy().getGracePeriod().getNanoseconds());
        assertEquals("owner", t.getLabels().getLabels(0).getKey());
        // what is left of the offer: 0.5 cpus, so a second such task does not fit
        assertNull(TaskInfos.build(r, res, List.of(31000, 31001)));
    }

    @Test
    void commandTaskOnAUserNetworkGetsPortsAsEnvironment() {
        LaunchRequest r = LaunchRequest.builder("cmd").command("python -m http.server $PORT0").cpus(0.5).memMb(64)
                .containerPorts(1, 2).userNetwork("overlay").healthCheck(LaunchRequest.HealthCheck.http(1, "/ready"))
                .build();
        TaskInfo t = TaskInfos.build(r, new OfferResources(offer(), new OfferIntake("*")), List.of(31000, 31001));
        assertTrue(t.getCommand().getShell());
        assertEquals("python -m http.server $PORT0", t.getCommand().getValue());
        assertEquals(Map.of("PORT", "31000", "PORT0", "31000", "PORT1", "31001"), env(t.getCommand().getEnvironment()));
        assertEquals(ContainerInfo.Type.MESOS, t.getContainer().getType());
        assertEquals("overlay", t.getContainer().getNetworkInfos(0).getName());
        assertEquals(31001, t.getHealthCheck().getHttp().getPort());
        assertEquals("/ready", t.getHealthCheck().getHttp().getPath());
    }

    @Test
    void dockerOnAUserNetworkMapsPortsAndNamesTheNetwork() {
        LaunchRequest r = LaunchRequest.builder("u").docker("img").cpus(0.5).memMb(64).containerPorts(8080)
                .userNetwork("weave").build();
        TaskInfo t = TaskInfos.build(r, new OfferResources(offer(), new OfferIntake("*")), List.of(31000));
        assertEquals(ContainerInfo.DockerInfo.Network.USER, t.getContainer().getDocker().getNetwork());
        assertEquals("weave", t.getContainer().getNetworkInfos(0).getName());
        assertEquals(8080, t.getContainer().getDocker().getPortMappings(0).getContainerPort());
    }
}
