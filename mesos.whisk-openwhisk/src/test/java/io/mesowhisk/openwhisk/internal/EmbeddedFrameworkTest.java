package io.mesowhisk.openwhisk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.whisk.WhiskMesosConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

class EmbeddedFrameworkTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path cache;

    @Test
    void startsTheBundlesSharesTheApiAndStopsWithoutLeavingThreads() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Files.writeString(Files.createDirectories(cache.resolve("felix")).resolve("stale"), "from a previous run");

        long t0 = System.nanoTime();
        EmbeddedFramework framework = EmbeddedFramework.start(cache.resolve("felix"), Map.of());
        System.out.printf("started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        try {
            assertFalse(Files.exists(cache.resolve("felix").resolve("stale")), "the bundle cache is cleaned on start");
            WhiskMesosConfig config = framework.awaitService(WhiskMesosConfig.class, TIMEOUT);
            // the service object is an instance of the invoker-side class: the API package is shared, not embedded
            assertSame(WhiskMesosConfig.class.getClassLoader(), getClass().getClassLoader());
            System.out.printf("config service after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertTrue(config.current().masterUrls().isEmpty(), "no master-url: local mode");

            List<String> inactive = Arrays.stream(framework.context().getBundles())
                    .filter(b -> b.getState() != Bundle.ACTIVE).map(Bundle::getSymbolicName).toList();
            assertEquals(List.of(), inactive, framework.diagnostics());

            framework.configure(WhiskMesosConfig.PID, Map.of("role", "invoker-test"), TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!"invoker-test".equals(config.current().role()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals("invoker-test", config.current().role());
            System.out.printf("configured after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        } finally {
            long t1 = System.nanoTime();
            assertTrue(framework.stop(TIMEOUT), "stopped in time");
            System.out.printf("stopped in %d ms%n", (System.nanoTime() - t1) / 1_000_000);
        }

        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Set<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && !before.contains(t))
                    .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : ""))
                    .collect(Collectors.toSet());
            if (!left.isEmpty()) {
                Thread.sleep(50);
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        System.out.printf("threads gone %d ms after start%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(Set.of(), left, "threads left after stop");
    }
}
