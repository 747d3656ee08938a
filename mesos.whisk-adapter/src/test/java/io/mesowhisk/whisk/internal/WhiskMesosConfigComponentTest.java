package io.mesowhisk.whisk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.constraints.internal.ConstraintRegistry;
import io.mesowhisk.mesos.constraints.internal.LikeOperator;
import io.mesowhisk.mesos.constraints.internal.UnlikeOperator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class WhiskMesosConfigComponentTest {

    private static final Map<String, String> ENV = Map.of("CONFIG_whisk_mesos_role", "from-env");

    /** The constraint bundle's own compiler, with its core operators, as DS would wire it. */
    private final ConstraintRegistry compiler = new ConstraintRegistry();

    {
        compiler.register("LIKE", new LikeOperator());
        compiler.register("UNLIKE", new UnlikeOperator());
    }

    @Test
    void aModificationAppliesLiveOnTheSameInstance() {
        WhiskMesosConfigComponent c = new WhiskMesosConfigComponent(compiler, Map.of(), ENV, new Properties());
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
        WhiskMesosConfigComponent c = new WhiskMesosConfigComponent(compiler, Map.of("role", "good"), Map.of(), new Properties());
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
                () -> new WhiskMesosConfigComponent(compiler, Map.of(), Map.of("CONFIG_whisk_mesos_teardownOnExit", "perhaps"),
                        new Properties()));
        assertTrue(e.getMessage().contains("from environment CONFIG_whisk_mesos_teardownOnExit"), e.getMessage());
    }

    @Test
    void theFileNameOfAFileInstallConfigurationIsTheSource() {
        WhiskMesosConfigComponent c = new WhiskMesosConfigComponent(compiler, Map.of("role", "r",
                "felix.fileinstall.filename", "file:/opt/etc/whisk.mesos.cfg", "component.id", 7L),
                Map.of(), new Properties());
        assertEquals(Map.of("role", "ConfigAdmin, file file:/opt/etc/whisk.mesos.cfg"), c.current().sources());
    }

    @Test
    void constraintsAreCompiledAndAnUnavailableOperatorIsRefusedUntilItsBundleComes() {
        WhiskMesosConfigComponent c = new WhiskMesosConfigComponent(compiler,
                Map.of("constraints", new String[] {"zone LIKE us-east-.*"}), Map.of(), new Properties());
        assertEquals(1, c.placementConstraints().managed().constraints().size());

        c.modified(Map.of("constraints", new String[] {"zone LIKE us-east-.*", "hostname UNIQUE"}));
        String refusal = c.lastRejection().orElseThrow();
        assertTrue(refusal.contains("whisk.mesos.constraints") && refusal.contains("operator UNIQUE is not available")
                && refusal.contains("LIKE, UNLIKE"), refusal);
        assertEquals(1, c.placementConstraints().managed().constraints().size(), "the previous constraints stay in force");
        assertEquals(1, c.generation());

        // the operator's bundle arrives: the refused configuration is tried again and now accepted
        compiler.register("UNIQUE", new io.mesowhisk.mesos.constraints.marathon.internal.UniqueOperator());
        assertEquals(Optional.empty(), c.lastRejection());
        assertEquals(2, c.generation());
        assertEquals(List.of("zone LIKE us-east-.*", "hostname UNIQUE"), c.current().constraints());
        assertEquals(2, c.placementConstraints().managed().constraints().size());
        c.deactivate();
    }
}
