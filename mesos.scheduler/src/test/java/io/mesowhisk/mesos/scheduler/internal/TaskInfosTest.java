package io.mesowhisk.mesos.scheduler.internal;

import static io.mesowhisk.mesos.scheduler.internal.HandMadeOffers.offer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.mesos.v1.Protos.ContainerInfo;
import io.mesowhisk.mesos.v1.Protos.Environment;
import io.mesowhisk.mesos.v1.Protos.HealthCheck;
import io.mesowhisk.mesos.v1.Protos.TaskInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** LaunchRequest to TaskInfo on hand-made offers. */
class TaskInfosTest {

    private static Map<String, String> env(Environment e) {
        return e.getVariablesList().stream().collect(Collectors.toMap(Environment.Variable::getName,
                Environment.Variable::getValue));
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
