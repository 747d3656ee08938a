package io.mesowhisk.whisk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.constraints.ConstraintConfiguration;
import io.mesowhisk.mesos.constraints.internal.ConstraintRegistry;
import io.mesowhisk.mesos.constraints.internal.LikeOperator;
import io.mesowhisk.mesos.constraints.internal.UnlikeOperator;
import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.whisk.ContainerArgs;
import io.mesowhisk.whisk.ContainerRequest;
import io.mesowhisk.whisk.WhiskMesosSettings;
import io.mesowhisk.whisk.internal.OpenWhiskEnvironment.Sourced;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The task is built as OpenWhisk's Mesos factory built it, from the request and the keys in force. */
class TaskBuilderTest {

    private final ConstraintRegistry operators = new ConstraintRegistry();

    {
        operators.register("LIKE", new LikeOperator());
        operators.register("UNLIKE", new UnlikeOperator());
    }

    private LaunchRequest build(ContainerRequest request, Object... keyValues) {
        Map<String, Sourced> layer = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            layer.put((String) keyValues[i], new Sourced(keyValues[i + 1], "test"));
        }
        WhiskMesosSettings s = SettingsParser.parse(List.of(layer));
        return TaskBuilder.build(request, "whisk-invoker0-1-1", s, ConstraintConfiguration.compile(operators,
                s.constraints(), s.blackboxConstraints(), s.constraintDelimiter()));
    }

    private static ContainerRequest.Builder request() {
        return ContainerRequest.builder().name("wsk0_1_prewarm_nodejs20").image("openwhisk/action-nodejs-v20:latest")
                .memoryMb(256).cpuShares(256).invoker("invoker0");
    }

    @Test
    void imageCpusMemoryPortAndId() {
        LaunchRequest r = build(request().build());
        assertEquals("whisk-invoker0-1-1", r.taskId());
        assertEquals("wsk0_1_prewarm_nodejs20", r.name());
        assertEquals(Optional.of("openwhisk/action-nodejs-v20:latest"), r.image());
        assertEquals(0.25, r.cpus(), "cpu shares / 1024");
        assertEquals(256, r.memMb());
        assertEquals(List.of(8080), r.containerPorts());
        assertEquals(LaunchRequest.Network.BRIDGE, r.network());
        assertEquals(12.0 / 1024, build(request().cpuShares(12).build()).cpus(), "the fork's test: 12 shares");
        assertEquals(1.5, build(request().cpuLimit(OptionalDouble.of(1.5)).build()).cpus(), "the cpu limit wins");
    }

    @Test
    void networkDnsDockerParametersAndEnvironment() {
        ContainerArgs args = new ContainerArgs("MyNet", List.of("8.8.8.8", "1.1.1.1"), List.of("example.org"),
                List.of("ndots:2"), Map.of("__OW_ALLOW_CONCURRENT", "true"), Map.of("--label", Set.of("a=b")));
        LaunchRequest r = build(request().apiHost("https://ow.example.org").args(args)
                .dockerParameters(Map.of("--cap-drop", Set.of("NET_RAW", "NET_ADMIN"), "--ulimit",
                        Set.of("nofile=1024:1024"), "--pids-limit", Set.of("1024"))).build());
        assertEquals(LaunchRequest.Network.USER, r.network());
        assertEquals(Optional.of("MyNet"), r.networkName());
        assertEquals(List.of(Map.entry("cap-drop", "NET_ADMIN"), Map.entry("cap-drop", "NET_RAW"),
                Map.entry("pids-limit", "1024"), Map.entry("ulimit", "nofile=1024:1024"), Map.entry("dns", "8.8.8.8"),
                Map.entry("dns", "1.1.1.1"), Map.entry("dns-search", "example.org"), Map.entry("dns-option", "ndots:2"),
                Map.entry("label", "a=b")), r.dockerParameters());
        assertEquals(Map.of("__OW_API_HOST", "https://ow.example.org", "__OW_ALLOW_CONCURRENT", "true"),
                r.environment());
        assertEquals(LaunchRequest.Network.HOST, build(request().args(new ContainerArgs("Host", List.of(), List.of(),
                List.of(), Map.of(), Map.of())).build()).network(), "bridge and host match case-insensitively");
    }

    @Test
    void healthCheckKeys() {
        LaunchRequest.HealthCheck hc = build(request().build(), "health-check.port-index", "0", "health-check.delay",
                "2 seconds", "health-check.interval", "3 seconds", "health-check.timeout", "4 seconds",
                "health-check.grace-period", "5 seconds", "health-check.max-consecutive-failures", "6")
                .healthCheck().orElseThrow();
        assertEquals(new LaunchRequest.HealthCheck(LaunchRequest.HealthCheck.Type.TCP, 0, null, null, null,
                Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(4), 6, Duration.ofSeconds(5)), hc);
        assertEquals(Optional.empty(), build(request().build(), "health-check.enabled", "false").healthCheck());
        assertThrows(IllegalArgumentException.class, () -> build(request().build(), "health-check.port-index", "1"),
                "a port index beyond the one port is refused when the task is built");
    }

    @Test
    void constraintsForManagedImagesBlackboxConstraintsForUserProvidedOnes() {
        Object[] keys = {"constraints", new String[] {"zone LIKE a"}, "blackbox-constraints",
                new String[] {"pool LIKE blackbox", "zone UNLIKE a"}};
        assertEquals(1, build(request().build(), keys).constraints().constraints().size());
        assertEquals(2, build(request().userProvided(true).build(), keys).constraints().constraints().size());
        assertEquals(1, build(request().build(), "constraints", new String[] {"zone|LIKE|a b"},
                "constraint-delimiter", "|").constraints().constraints().size(), "constraint-delimiter");
    }

    @Test
    void launchTimeoutIsTaskLaunch() {
        assertEquals(Optional.of(Duration.ofSeconds(7)),
                build(request().build(), "timeouts.task-launch", "7 seconds").launchTimeout());
    }
}
