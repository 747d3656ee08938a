package io.mesowhisk.benchmarks.openwhisk;

import io.mesowhisk.openwhisk.internal.EmbeddedFramework;
import io.mesowhisk.whisk.WhiskContainerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the invoker plug-in's {@code instance(...)} costs in local mode: the embedded Felix started from the plug-in's
 * nested runtime jar with every bundle, until the {@link WhiskContainerFactory} service is there (the emulator
 * started, the factory subscribed). The rest of {@code instance(...)} (reading the invoker's configuration) is
 * microseconds.
 *
 * <p>An invoker calls {@code instance(...)} once, in a fresh JVM, so the figure that matters is the cold one: every
 * measurement is the first start in its own forked JVM (no warm-up), over several forks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 5, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
@Warmup(iterations = 0)
@Measurement(iterations = 1)
public class PluginStartBenchmark {

    /** The service awaited: the container factory (what instance() waits for), or e.g. the configuration service. */
    @Param("io.mesowhisk.whisk.WhiskContainerFactory")
    public String service;

    private Path cache;
    private EmbeddedFramework framework;

    @Setup(Level.Invocation)
    public void cache() throws IOException {
        cache = Files.createTempDirectory("plugin-start-benchmark");
    }

    /** Start until the service is registered. */
    @Benchmark
    public Object startUntilService() throws TimeoutException, InterruptedException, ClassNotFoundException {
        framework = EmbeddedFramework.start(cache.resolve("felix-cache"), Map.of());
        return framework.awaitService(Class.forName(service), Duration.ofMinutes(2));
    }

    @TearDown(Level.Invocation)
    public void stop() throws IOException {
        if (framework != null) {
            framework.stop(Duration.ofMinutes(1));
        }
        try (Stream<Path> files = Files.walk(cache)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
