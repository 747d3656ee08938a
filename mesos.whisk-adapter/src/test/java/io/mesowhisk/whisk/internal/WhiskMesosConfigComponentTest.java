package io.mesowhisk.whisk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class WhiskMesosConfigComponentTest {

    private static final Map<String, String> ENV = Map.of("CONFIG_whisk_mesos_role", "from-env");

    @Test
    void aModificationAppliesLiveOnTheSameInstance() {
        WhiskMesosConfigComponent c = new WhiskMesosConfigComponent(Map.of(), ENV, new Properties());
        assertEquals("from-env", c.current().role());
        assertEquals(1, c.generation());
        c.modified(Map.of("service.pid", "whisk.mesos", "role", "from-cm"));
        assertEquals("from-cm", c.current().role());
        assertEquals(2, c.generation());
        c.modified(Map.of()); // configuration deleted: back to the environment
        assertEquals("from-env", c.current().role());
        assertEquals(3, c.generation());
    }

    @Test
    void aBadModificationIsRefusedAndTheLastGoodSettingsStay() {
        WhiskMesosConfigComponent c = new WhiskMesosConfigComponent(Map.of("role", "good"), Map.of(), new Properties());
        c.modified(Map.of("role", "good", "timeouts.task-launch", "soon"));
        assertEquals("good", c.current().role());
        assertEquals(1, c.generation());
        assertTrue(c.lastRejection().orElseThrow().contains("whisk.mesos.timeouts.task-launch = \"soon\""));
        c.modified(Map.of("role", "better"));
        assertEquals("better", c.current().role());
        assertEquals(Optional.empty(), c.lastRejection());
    }

    @Test
    void aBadEnvironmentStopsActivationWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WhiskMesosConfigComponent(Map.of(), Map.of("CONFIG_whisk_mesos_teardownOnExit", "perhaps"),
                        new Properties()));
        assertTrue(e.getMessage().contains("from environment CONFIG_whisk_mesos_teardownOnExit"), e.getMessage());
    }

    @Test
    void theFileNameOfAFileInstallConfigurationIsTheSource() {
        WhiskMesosConfigComponent c = new WhiskMesosConfigComponent(Map.of("role", "r",
                "felix.fileinstall.filename", "file:/opt/etc/whisk.mesos.cfg", "component.id", 7L),
                Map.of(), new Properties());
        assertEquals(Map.of("role", "ConfigAdmin, file file:/opt/etc/whisk.mesos.cfg"), c.current().sources());
    }
}
