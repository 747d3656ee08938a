package io.mesowhisk.mesos.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.mesowhisk.mesos.api.MesosClientConfig;
import io.mesowhisk.mesos.emulator.MesosEmulator;
import io.mesowhisk.mesos.scheduler.FrameworkIdStore;
import io.mesowhisk.mesos.scheduler.FrameworkSettings;
import io.mesowhisk.mesos.scheduler.LaunchException;
import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.SchedulerSettings;
import io.mesowhisk.mesos.scheduler.SchedulerStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Test support: an emulator with fast heartbeats and allocation, schedulers on it, and waiting with deadlines. */
final class Fixture {

    /** Generous: 5 other builds share two cores. */
    static final Duration WAIT = Duration.ofSeconds(60);

    private Fixture() {
    }

    static MesosEmulator.Builder emulator(int agents) {
        return MesosEmulator.builder().agents(agents).heartbeatInterval(Duration.ofSeconds(1))
                .allocationInterval(Duration.ofMillis(50)).statusUpdateRetryInterval(Duration.ofSeconds(1))
                .dockerStartDelay(Duration.ofMillis(20));
    }

    static MesosClientConfig client(MesosEmulator emu) {
        return MesosClientConfig.builder().masters(emu.masterUris()).backoff(Duration.ofMillis(50),
                Duration.ofMillis(500)).heartbeat(2, Duration.ofSeconds(1)).requestTimeout(Duration.ofSeconds(20))
                .build();
    }

    static FrameworkSettings framework(Duration failover) {
        return new FrameworkSettings("scheduler-test", "test", "*", failover, Optional.empty(), Optional.empty());
    }

    static SchedulerSettings.Builder settings() {
        return SchedulerSettings.builder().offerRefuse(Duration.ofMillis(100)).reviveInterval(Duration.ofMillis(50))
                .killRetryInterval(Duration.ofSeconds(2)).launchTimeout(Duration.ofSeconds(60));
    }

    static MesosScheduler scheduler(MesosEmulator emu, FrameworkIdStore store, SchedulerSettings settings) {
        return MesosScheduler.builder().client(client(emu)).framework(framework(Duration.ofDays(1)))
                .settings(settings).idStore(store).build();
    }

    static LaunchRequest.Builder docker(String name) {
        return LaunchRequest.builder(name).docker("openwhisk/action-nodejs-v20").cpus(0.1).memMb(128)
                .containerPorts(8080);
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

    static LaunchException awaitFailure(CompletionStage<?> stage) throws Exception {
        try {
            Object v = stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("expected a LaunchException, the launch completed with " + v);
        } catch (ExecutionException e) {
            return assertInstanceOf(LaunchException.class, e.getCause());
        }
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        awaitTrue(what, condition, () -> "");
    }

    static void awaitTrue(String what, BooleanSupplier condition, Supplier<String> detail)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what + " " + detail.get());
            }
            Thread.sleep(20);
        }
    }

    static void awaitSubscribed(MesosScheduler s) throws InterruptedException {
        awaitTrue("subscribed", () -> s.status().state() == SchedulerStatus.State.SUBSCRIBED,
                () -> s.status().toString());
    }

    /** The master's /state tasks of a framework: task id → state (active, unreachable and completed). */
    static Map<String, String> masterTasks(MesosEmulator emu, String frameworkId) {
        JsonObject state = JsonParser.parseString(emu.stateJson()).getAsJsonObject();
        Map<String, String> out = new HashMap<>();
        for (String list : new String[] {"frameworks", "completed_frameworks"}) {
            if (!state.has(list)) {
                continue;
            }
            for (JsonElement f : state.getAsJsonArray(list)) {
                JsonObject fw = f.getAsJsonObject();
                if (!fw.get("id").getAsString().equals(frameworkId)) {
                    continue;
                }
                for (String tl : new String[] {"completed_tasks", "unreachable_tasks", "tasks"}) {
                    if (fw.has(tl)) {
                        JsonArray ts = fw.getAsJsonArray(tl);
                        for (JsonElement t : ts) {
                            JsonObject task = t.getAsJsonObject();
                            out.put(task.get("id").getAsString(), task.get("state").getAsString());
                        }
                    }
                }
            }
        }
        return out;
    }
}
