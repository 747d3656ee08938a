package io.mesowhisk.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mesowhisk.whisk.WhiskMesosConfig;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The whisk.mesos configuration at startup, whatever the start order: the adapter bundle is restarted with a
 * configuration that cannot apply yet (an operator whose bundle is not started, a bad system property), the
 * component is active and says why nothing is in force, and the configuration applies as soon as it can.
 */
class WhiskStartupIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String COMPONENT = "io.mesowhisk.whisk.internal.WhiskMesosConfigComponent";

    private final OsgiContext osgi = new OsgiContext();
    private Bundle marathon;

    @AfterEach
    void restore() throws Exception {
        System.clearProperty("whisk.mesos.teardown-on-exit");
        Configuration c = osgi.service(ConfigurationAdmin.class).getConfiguration(WhiskMesosConfig.PID, "?");
        if (c.getProperties() != null) {
            c.delete();
        }
        restartAdapter();
        if (marathon != null) {
            marathon.uninstall();
        }
        Await.until("whisk.mesos in force again", DEADLINE,
                () -> osgi.bundleContext().getServiceReference(WhiskMesosConfig.class) != null);
        osgi.close();
    }

    private Bundle adapter() {
        return Arrays.stream(osgi.bundleContext().getBundles())
                .filter(b -> b.getSymbolicName().equals("mesos.whisk-adapter")).findFirst().orElseThrow();
    }

    private void restartAdapter() throws Exception {
        Bundle a = adapter();
        a.stop();
        a.start();
        Await.until("the whisk.mesos component is active", DEADLINE, this::componentActive);
    }

    private boolean componentActive() {
        ServiceComponentRuntime scr = osgi.service(ServiceComponentRuntime.class);
        ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(adapter(), COMPONENT);
        return d != null && scr.getComponentConfigurationDTOs(d).stream()
                .anyMatch(c -> c.state == ComponentConfigurationDTO.ACTIVE);
    }

    private static Hashtable<String, Object> properties(Object... keyValues) {
        Hashtable<String, Object> d = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            d.put((String) keyValues[i], keyValues[i + 1]);
        }
        return d;
    }

    @Test
    void anOperatorWhoseBundleStartsAfterTheAdapterHealsTheConfiguration() throws Exception {
        try (InputStream in = WhiskStartupIT.class.getResourceAsStream("/marathon-operators.jar")) {
            assertNotNull(in, "marathon-operators.jar must be embedded in the test bundle");
            marathon = osgi.bundleContext().installBundle("itest:startup:mesos.constraints.marathon", in);
        }
        Configuration c = osgi.service(ConfigurationAdmin.class).getConfiguration(WhiskMesosConfig.PID, "?");
        c.update(properties("constraints", new String[] {"hostname UNIQUE"}));
        restartAdapter();
        assertNull(osgi.bundleContext().getServiceReference(WhiskMesosConfig.class),
                "nothing in force while UNIQUE is missing (not silently local mode)");

        marathon.start();
        Await.until("the configuration applies once the operator is there", DEADLINE, () -> {
            var ref = osgi.bundleContext().getServiceReference(WhiskMesosConfig.class);
            return ref != null && osgi.bundleContext().getService(ref).current().constraints()
                    .equals(List.of("hostname UNIQUE"));
        });
    }

    @Test
    void aBadSystemPropertyIsReportedAndALaterGoodConfigurationApplies() throws Exception {
        System.setProperty("whisk.mesos.teardown-on-exit", "perhaps");
        restartAdapter();
        assertNull(osgi.bundleContext().getServiceReference(WhiskMesosConfig.class));

        Configuration c = osgi.service(ConfigurationAdmin.class).getConfiguration(WhiskMesosConfig.PID, "?");
        c.update(properties("teardown-on-exit", "false"));
        WhiskMesosConfig config = osgi.service(WhiskMesosConfig.class);
        assertFalse(config.current().teardownOnExit());
        assertEquals("ConfigAdmin", config.current().sources().get("teardown-on-exit"));
    }
}
