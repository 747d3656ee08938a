package io.mesowhisk.whisk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mesowhisk.whisk.internal.OpenWhiskEnvironment.Sourced;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class OpenWhiskEnvironmentTest {

    @Test
    void transformsNamesExactlyAsOpenWhiskDoes() {
        assertEquals("whisk.mesos.master-url", OpenWhiskEnvironment.propertyName("CONFIG_whisk_mesos_masterUrl"));
        assertEquals("whisk.mesos.timeouts.task-launch",
                OpenWhiskEnvironment.propertyName("CONFIG_whisk_mesos_timeouts_taskLaunch"));
        assertEquals("whisk.spi.ContainerFactoryProvider",
                OpenWhiskEnvironment.propertyName("CONFIG_whisk_spi_ContainerFactoryProvider"));
        assertEquals("whisk.mesos.constraints.0", OpenWhiskEnvironment.propertyName("CONFIG_whisk_mesos_constraints_0"));
        assertEquals("whisk.mesos.mesos-link-log-message",
                OpenWhiskEnvironment.propertyName("CONFIG_whisk_mesos_mesosLinkLogMessage"));
        assertEquals("a.b2-c", OpenWhiskEnvironment.propertyName("CONFIG_a_b2C"));
        assertNull(OpenWhiskEnvironment.propertyName("PATH"));
        assertNull(OpenWhiskEnvironment.propertyName("CONFIG_"));
    }

    @Test
    void keepsOnlyWhiskMesosValuesSkipsEmptyOnesAndResolvesDollarNames() {
        Map<String, Sourced> found = OpenWhiskEnvironment.fromEnvironment(Map.of(
                "CONFIG_whisk_mesos_masterUrl", "$MASTER",
                "MASTER", "http://10.0.0.1:5050",
                "CONFIG_whisk_mesos_role", "",
                "CONFIG_whisk_spi_ContainerFactoryProvider", "x",
                "CONFIG_whisk_mesos_constraints_1", "rack LIKE r1",
                "CONFIG_whisk_mesos_principal", "$UNSET_VARIABLE"));
        assertEquals(Map.of("master-url", new Sourced("http://10.0.0.1:5050", "environment CONFIG_whisk_mesos_masterUrl"),
                "constraints.1", new Sourced("rack LIKE r1", "environment CONFIG_whisk_mesos_constraints_1"),
                "principal", new Sourced("$UNSET_VARIABLE", "environment CONFIG_whisk_mesos_principal")), found);
    }

    @Test
    void readsWhiskMesosSystemProperties() {
        Properties p = new Properties();
        p.setProperty("whisk.mesos.role", "openwhisk");
        p.setProperty("whisk.other", "x");
        p.setProperty("whisk.mesos.", "x");
        assertEquals(Map.of("role", new Sourced("openwhisk", "system property whisk.mesos.role")),
                OpenWhiskEnvironment.fromSystemProperties(p));
    }
}
