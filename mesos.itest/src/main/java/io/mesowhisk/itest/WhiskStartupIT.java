package io.mesowhisk.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.whisk.ContainerEnd;
import io.mesowhisk.whisk.ContainerRequest;
import io.mesowhisk.whisk.WhiskContainer;
import io.mesowhisk.whisk.WhiskContainerFactory;
import io.mesowhisk.whisk.WhiskMesosConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The whisk.mesos configuration at startup, whatever the start order, in the product's runtime: the adapter bundle
 * starts with a configuration that cannot apply yet (an operator whose bundle is started last, a bad system
 * property), the component is active and says why nothing is in force, and the configuration applies as soon as it
 * can — up to a container placed with it.
 */
class WhiskStartupIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String COMPONENT = "io.mesowhisk.whisk.internal.WhiskMesosConfigComponent";
    private static final String MARATHON = "mesos.constraints.marathon";

    private final OsgiContext osgi = new OsgiContext();
    private Path configFile;

    @AfterEach
    void restore() throws Exception {
        System.clearProperty("whisk.mesos.teardown-on-exit");
        if (configFile != null) {
            Files.deleteIfExists(configFile);
            Await.until("FileInstall withdrew " + configFile, DEADLINE, () -> configuration() == null);
        }
        osgi.deleteConfiguration(WhiskMesosConfig.PID); // one a test made through ConfigAdmin
        bundle(MARATHON).start();
        restartAdapter();
        Await.until("whisk.mesos in force again", DEADLINE,
                () -> osgi.bundleContext().getServiceReference(WhiskMesosConfig.class) != null);
        osgi.close();
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(osgi.bundleContext().getBundles())
                .filter(b -> b.getSymbolicName().equals(symbolicName)).findFirst().orElseThrow();
    }

    private void restartAdapter() throws Exception {
        Bundle a = bundle("mesos.whisk-adapter");
        a.stop();
        a.start();
        Await.until("the whisk.mesos component is active", DEADLINE, this::componentActive);
    }

    private boolean componentActive() {
        ServiceComponentRuntime scr = osgi.service(ServiceComponentRuntime.class);
        ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(bundle("mesos.whisk-adapter"), COMPONENT);
        return d != null && scr.getComponentConfigurationDTOs(d).stream()
                .anyMatch(c -> c.state == ComponentConfigurationDTO.ACTIVE);
    }

    /** The whisk.mesos configuration in ConfigAdmin, or null. */
    private Configuration configuration() {
        try {
            Configuration[] found = osgi.service(ConfigurationAdmin.class)
                    .listConfigurations("(service.pid=" + WhiskMesosConfig.PID + ")");
            return found == null ? null : found[0];
        } catch (Exception e) {
            throw new AssertionError("ConfigAdmin.listConfigurations failed", e);
        }
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * As an operator starts the product: {@code etc/whisk.mesos.cfg} names a Marathon operator, and the bundle that
     * provides it starts after the adapter (Karaf and the Felix start levels guarantee no order). Nothing is in force
     * meanwhile (not silently local mode with defaults); when the operator bundle starts, the configuration applies
     * and the factory places a container with that constraint.
     */
    @Test
    void anOperatorBundleStartedLastHealsTheStartupConfigurationAndTheFactoryPlacesWithIt() throws Exception {
        Bundle marathon = bundle(MARATHON);
        assertEquals(Bundle.ACTIVE, marathon.getState(), "the product runs the Marathon operators");
        marathon.stop();

        // the product's configuration directory (felix.fileinstall.dir = etc, under the test's working directory)
        configFile = osgi.configFile(WhiskMesosConfig.PID);
        Files.writeString(configFile, "constraints.0 = hostname GROUP_BY\nmesos-link-log-message = false\n");
        Await.until("FileInstall put " + configFile + " into ConfigAdmin", DEADLINE, () -> {
            Configuration c = configuration();
            return c != null && "hostname GROUP_BY".equals(c.getProperties().get("constraints.0"));
        });

        restartAdapter(); // the adapter starts with GROUP_BY configured and no bundle providing it
        assertNull(osgi.bundleContext().getServiceReference(WhiskMesosConfig.class),
                "nothing in force while GROUP_BY is missing (not silently local mode with defaults)");
        assertNull(osgi.bundleContext().getServiceReference(WhiskContainerFactory.class),
                "no container factory while nothing is in force");

        marathon.start(); // the operator bundle, last
        Await.until("the configuration applies once the operator is there", DEADLINE, () -> {
            var ref = osgi.bundleContext().getServiceReference(WhiskMesosConfig.class);
            return ref != null && osgi.bundleContext().getService(ref).current().constraints()
                    .equals(List.of("hostname GROUP_BY"));
        });
        WhiskMesosConfig config = osgi.service(WhiskMesosConfig.class);
        assertTrue(config.lastRejection().isEmpty(), config.lastRejection().toString());
        assertTrue(config.current().sources().get("constraints").contains(configFile.getFileName().toString()),
                config.current().sources().toString());

        WhiskContainerFactory factory = Await.value("the container factory in local mode", DEADLINE,
                osgi.current(WhiskContainerFactory.class)::get);
        WhiskContainer c = await(factory.createContainer(ContainerRequest.builder().name("startup-order")
                .image("openwhisk/action-nodejs-v20").memoryMb(128).cpuShares(128).invoker("itest").build()));
        await(c.destroy());
        ContainerEnd end = await(c.terminated());
        assertEquals("TASK_KILLED", end.state());
    }

    @Test
    void aBadSystemPropertyIsReportedAndALaterGoodConfigurationApplies() throws Exception {
        System.setProperty("whisk.mesos.teardown-on-exit", "perhaps");
        restartAdapter();
        assertNull(osgi.bundleContext().getServiceReference(WhiskMesosConfig.class));

        Configuration c = osgi.service(ConfigurationAdmin.class).getConfiguration(WhiskMesosConfig.PID, "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("teardown-on-exit", "false");
        c.update(p);
        WhiskMesosConfig config = osgi.service(WhiskMesosConfig.class);
        assertFalse(config.current().teardownOnExit());
        assertEquals("ConfigAdmin", config.current().sources().get("teardown-on-exit"));
    }
}
