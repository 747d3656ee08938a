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

    /**
     * The invoker's whisk.mesos keys given to {@code start} are in ConfigAdmin before the adapter starts: its very
     * first settings include them, so a master-url from the invoker's files never lets local mode start first.
     */
    @Test
    void configurationsGivenAtStartAreTheFirstSettingsInForce() throws Exception {
        EmbeddedFramework framework = EmbeddedFramework.start(cache.resolve("felix"), Map.of(),
                Map.of(WhiskMesosConfig.PID, Map.of("role", "from-the-start", "master-url", "http://127.0.0.1:1")),
                TIMEOUT);
        try {
            WhiskMesosConfig config = framework.awaitService(WhiskMesosConfig.class, TIMEOUT);
            assertEquals("from-the-start", config.current().role());
            assertEquals(List.of(java.net.URI.create("http://127.0.0.1:1")), config.current().masterUrls());
            assertEquals(1, config.generation(), "the first configuration in force already has the invoker's keys");
        } finally {
            assertTrue(framework.stop(TIMEOUT), "stopped in time");
        }
    }

    @Test
    void startsTheBundlesSharesTheApiAndStopsWithoutLeavingThreads() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Files.writeString(Files.createDirectories(cache.resolve("felix")).resolve("stale"), "from a previous run");

        EmbeddedFramework framework = EmbeddedFramework.start(cache.resolve("felix"), Map.of());
        try {
            assertFalse(Files.exists(cache.resolve("felix").resolve("stale")), "the bundle cache is cleaned on start");
            WhiskMesosConfig config = framework.awaitService(WhiskMesosConfig.class, TIMEOUT);
            // the service object is an instance of the invoker-side class: the API package is shared, not embedded
            assertSame(WhiskMesosConfig.class.getClassLoader(), getClass().getClassLoader());
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
        } finally {
            assertTrue(framework.stop(TIMEOUT), "stopped in time");
        }

        // the JDK's JVM-wide threads are not ours (the common pool's idle workers end after a minute by themselves)
        List<String> jdk = List.of("ForkJoinPool.commonPool", "process reaper", "Common-Cleaner", "Attach Listener",
                "CompletableFutureDelayScheduler");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Set<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && !before.contains(t))
                    .filter(t -> jdk.stream().noneMatch(t.getName()::startsWith))
                    .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : ""))
                    .collect(Collectors.toSet());
            if (!left.isEmpty()) {
                // a java.net.http.HttpClient (Java 17 has no close()) ends its selector thread once it is collected
                System.gc();
                Thread.sleep(100);
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertEquals(Set.of(), left, "threads left after stop");
    }
}
