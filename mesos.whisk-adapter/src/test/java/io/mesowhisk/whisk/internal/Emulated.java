package io.mesowhisk.whisk.internal;

import io.mesowhisk.mesos.constraints.ConstraintConfiguration;
import io.mesowhisk.mesos.constraints.internal.ConstraintRegistry;
import io.mesowhisk.mesos.constraints.internal.LikeOperator;
import io.mesowhisk.mesos.constraints.internal.UnlikeOperator;
import io.mesowhisk.mesos.emulator.MesosEmulator;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.whisk.ContainerRequest;
import io.mesowhisk.whisk.WhiskMesosSettings;
import io.mesowhisk.whisk.internal.OpenWhiskEnvironment.Sourced;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Test support: an emulated Mesos cluster (OpenWhisk's Node.js images run our action proxy as real processes), a
 * scheduler on it configured from whisk.mesos keys exactly as the OSGi component configures it, and the factory.
 */
final class Emulated implements AutoCloseable {

    /** Generous: other builds share two cores. */
    static final Duration WAIT = Duration.ofSeconds(90);
    static final String NODEJS = "openwhisk/action-nodejs-v20:latest";

    final MesosEmulator emulator;
    final ConstraintRegistry operators = new ConstraintRegistry();
    volatile FactoryView view;
    final MesosScheduler scheduler;
    final MesosContainerFactory factory;

    Emulated(MesosEmulator.Builder emulator, Object... keyValues) {
        this.emulator = emulator.start();
        operators.register("LIKE", new LikeOperator());
        operators.register("UNLIKE", new UnlikeOperator());
        this.view = view(keyValues);
        SchedulerConfigs configs = SchedulerConfigs.of(view.settings(), view.masters());
        this.scheduler = MesosScheduler.builder().client(configs.client()).framework(configs.framework())
                .settings(configs.scheduler().toBuilder().reviveInterval(Duration.ofMillis(50)).build()).build();
        this.factory = new MesosContainerFactory(scheduler, () -> view, MesosContainerFactory.httpClient(),
                Duration.ofSeconds(5));
    }

    /** A fast emulator: one agent, quick heartbeats and allocations, the default runtime images. */
    static MesosEmulator.Builder cluster() {
        return MesosEmulator.builder().agents(1).heartbeatInterval(Duration.ofSeconds(1))
                .allocationInterval(Duration.ofMillis(50)).statusUpdateRetryInterval(Duration.ofSeconds(1))
                .defaultRuntimes();
    }

    /** Settings from whisk.mesos keys, over the master of this emulator and quick health checks. */
    FactoryView view(Object... keyValues) {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("master-url", emulator.leaderUri().toString());
        keys.put("health-check.grace-period", "0 seconds");
        keys.put("offer-refuse-duration", "100 ms");
        for (int i = 0; i < keyValues.length; i += 2) {
            keys.put((String) keyValues[i], keyValues[i + 1]);
        }
        Map<String, Sourced> layer = new TreeMap<>();
        keys.forEach((k, v) -> layer.put(k, new Sourced(v, "test")));
        WhiskMesosSettings s = SettingsParser.parse(List.of(layer));
        return new FactoryView(s, ConstraintConfiguration.compile(operators, s.constraints(),
                s.blackboxConstraints(), s.constraintDelimiter()), s.masterUrls());
    }

    /** Applies new keys as the component does: the view for later operations, the scheduler reconfigured. */
    void reconfigure(Object... keyValues) throws Exception {
        FactoryView next = view(keyValues);
        SchedulerConfigs configs = SchedulerConfigs.of(next.settings(), next.masters());
        view = next;
        await(scheduler.reconfigure(configs.client(), configs.framework(),
                configs.scheduler().toBuilder().reviveInterval(Duration.ofMillis(50)).build()));
    }

    static ContainerRequest.Builder request(String image) {
        return ContainerRequest.builder().name("wsk0_1_test").image(image).memoryMb(128).cpuShares(128)
                .invoker("invoker0").transactionId("tid-1");
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        try {
            scheduler.close();
        } finally {
            emulator.close();
        }
    }
}
