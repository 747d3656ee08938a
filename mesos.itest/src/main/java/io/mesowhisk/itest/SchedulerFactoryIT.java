package io.mesowhisk.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.api.MesosClientConfig;
import io.mesowhisk.mesos.emulator.MesosEmulator;
import io.mesowhisk.mesos.scheduler.FrameworkSettings;
import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.mesos.scheduler.LaunchedTask;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.MesosSchedulerFactory;
import io.mesowhisk.mesos.scheduler.SchedulerSettings;
import io.mesowhisk.mesos.scheduler.SchedulerStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;

/**
 * The scheduler as an OSGi service: the factory (wired to the PlacementEngine service and a framework id file in the
 * bundle data area) creates a scheduler that launches a task on the emulator, registers it as a MesosScheduler
 * service the {@code mesos:*} Gogo commands see, and unregisters it when it stops.
 */
class SchedulerFactoryIT {

    private final OsgiContext osgi = new OsgiContext();

    @AfterEach
    void close() {
        osgi.close();
    }

    @Test
    void factoryCreatesARegisteredSchedulerThatLaunches() throws Exception {
        MesosSchedulerFactory factory = osgi.service(MesosSchedulerFactory.class);
        try (MesosEmulator emu = MesosEmulator.builder().agents(1).heartbeatInterval(Duration.ofSeconds(1))
                .allocationInterval(Duration.ofMillis(50)).start()) {
            MesosScheduler s = factory.create(MesosClientConfig.builder().masters(emu.masterUris()).build(),
                    new FrameworkSettings("itest-framework", "test", "*", Duration.ofHours(1), Optional.empty(),
                            Optional.empty()),
                    SchedulerSettings.builder().teardownOnStop(true).build());
            LaunchedTask t = s.launch(LaunchRequest.builder("itest").docker("busybox").cpus(0.1).memMb(32)
                    .containerPorts(8080).build()).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertEquals(emu.agentId(0), t.agentId());

            ServiceReference<?>[] registered = osgi.bundleContext().getServiceReferences(
                    MesosScheduler.class.getName(), "(mesos.framework.name=itest-framework)");
            assertTrue(registered != null && registered.length == 1, "registered as a MesosScheduler service");

            ServiceReference<?>[] commands = osgi.bundleContext().getServiceReferences((String) null,
                    "(&(osgi.command.scope=mesos)(osgi.command.function=status))");
            assertTrue(commands != null && commands.length == 1, "mesos:status command registered");
            Object command = osgi.bundleContext().getService(commands[0]);
            Await.until("mesos:status lists the scheduler", Duration.ofSeconds(10), () -> {
                try {
                    // data for scripts (the API's records), printed as text for the operator
                    Object report = command.getClass().getMethod("status").invoke(command);
                    List<?> status = (List<?>) report.getClass().getMethod("schedulers").invoke(report);
                    return report instanceof CharSequence text && text.toString().contains(t.frameworkId())
                            && status.stream().anyMatch(o -> o instanceof SchedulerStatus st
                            && st.state() == SchedulerStatus.State.SUBSCRIBED
                            && st.frameworkId().equals(Optional.of(t.frameworkId())));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            });
            Object table = command.getClass().getMethod("tasks").invoke(command);
            List<?> tasks = (List<?>) table.getClass().getMethod("tasks").invoke(table);
            assertEquals(1, tasks.size(), tasks.toString());
            assertTrue(table.toString().lines().anyMatch(l -> l.startsWith(t.taskId()) && l.contains("RUNNING")),
                    table.toString());

            s.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
            Await.until("unregistered after stop", Duration.ofSeconds(10), () -> {
                try {
                    return osgi.bundleContext().getServiceReferences(MesosScheduler.class.getName(),
                            "(mesos.framework.name=itest-framework)") == null;
                } catch (org.osgi.framework.InvalidSyntaxException e) {
                    throw new AssertionError(e);
                }
            });
        }
    }
}
