package io.mesowhisk.mesos.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LaunchRequestTest {

    private static String problem(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void everyBadFieldIsNamed() {
        assertTrue(problem(() -> LaunchRequest.builder(" ")).contains("name"));
        assertTrue(problem(() -> LaunchRequest.builder("a").cpus(0)).contains("cpus"));
        assertTrue(problem(() -> LaunchRequest.builder("a").memMb(Double.NaN)).contains("memMb"));
        assertTrue(problem(() -> LaunchRequest.builder("a").diskMb(-1)).contains("diskMb"));
        assertTrue(problem(() -> LaunchRequest.builder("a").containerPorts(8080, 8080)).contains("twice"));
        assertTrue(problem(() -> LaunchRequest.builder("a").containerPorts(0)).contains("1..65535"));
        assertTrue(problem(() -> LaunchRequest.builder("a").taskId("a/b")).contains("taskId"));
        assertTrue(problem(() -> LaunchRequest.builder("a").taskId("..")).contains("taskId"));
        assertTrue(problem(() -> LaunchRequest.builder("a").taskId("x".repeat(256))).contains("255"));
        assertTrue(problem(() -> LaunchRequest.builder("a").dockerParameter("name", "x")).contains("'name'"));
        assertTrue(problem(() -> LaunchRequest.builder("a").docker("has space")).contains("docker image"));
        assertTrue(problem(() -> LaunchRequest.builder("a").network(LaunchRequest.Network.USER)).contains("name"));
        assertTrue(problem(() -> LaunchRequest.builder("a").killGrace(Duration.ofSeconds(-1))).contains("killGrace"));
        assertTrue(problem(() -> LaunchRequest.builder("a").cpus(1).memMb(1).build()).contains("image or a command"));
        assertTrue(problem(() -> LaunchRequest.builder("a").command("true").memMb(1).build()).contains("cpus"));
        assertTrue(problem(() -> LaunchRequest.builder("a").command("true").cpus(1).memMb(1)
                .network(LaunchRequest.Network.BRIDGE).build()).contains("BRIDGE"));
        assertTrue(problem(() -> LaunchRequest.builder("a").docker("i").cpus(1).memMb(1)
                .healthCheck(LaunchRequest.HealthCheck.tcp(1)).containerPorts(80).build()).contains("port index"));
        assertTrue(problem(() -> LaunchRequest.HealthCheck.http(0, "no-slash")).contains("path"));
        assertTrue(problem(() -> LaunchRequest.HealthCheck.command(" ")).contains("command"));
    }

    @Test
    void generatedIdsAreUniqueAndValid() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            LaunchRequest r = LaunchRequest.builder("whisk/action: hello wörld").command("true").cpus(0.1)
                    .memMb(1).build();
            assertEquals(java.util.Optional.empty(), LaunchRequest.validateTaskId(r.taskId()), r.taskId());
            assertTrue(ids.add(r.taskId()));
        }
    }

    @Test
    void defaultsAndOrderAreKept() {
        LaunchRequest docker = LaunchRequest.builder("d").docker("img").cpus(1).memMb(1).env("B", "2").env("A", "1")
                .dockerParameter("cap-add", "NET_ADMIN").dockerParameter("cap-add", "SYS_TIME").build();
        assertEquals(LaunchRequest.Network.BRIDGE, docker.network());
        assertEquals(List.of("B", "A"), List.copyOf(docker.environment().keySet()));
        assertEquals(List.of(Map.entry("cap-add", "NET_ADMIN"), Map.entry("cap-add", "SYS_TIME")),
                docker.dockerParameters());
        assertEquals("d", docker.group());
        LaunchRequest command = LaunchRequest.builder("c").command("sleep 1").cpus(1).memMb(1).build();
        assertEquals(LaunchRequest.Network.HOST, command.network());
        assertNotEquals(docker.taskId(), command.taskId());
    }
}
