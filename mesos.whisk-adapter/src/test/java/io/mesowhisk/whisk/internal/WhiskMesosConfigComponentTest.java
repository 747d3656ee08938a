package io.mesowhisk.whisk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void aBadEnvironmentLeavesNothingInForceAndALaterGoodConfigurationApplies() {
        WhiskMesosConfigComponent c = new WhiskMesosConfigComponent(compiler, Map.of(),
                Map.of("CONFIG_whisk_mesos_teardownOnExit", "perhaps"), new Properties());
        assertEquals(Optional.empty(), c.inForce());
        assertEquals(0, c.generation());
        String refusal = c.lastRejection().orElseThrow();
        assertTrue(refusal.contains("whisk.mesos.teardown-on-exit = \"perhaps\" (from environment "
                + "CONFIG_whisk_mesos_teardownOnExit): expected true or false"), refusal);
        IllegalStateException none = assertThrows(IllegalStateException.class, c::current);
        assertTrue(none.getMessage().contains("no whisk.mesos configuration is in force"), none.getMessage());
        String shown = ConfigCommand.report(c).toString();
        assertTrue(shown.contains("NO configuration in force") && shown.contains("REFUSED: " + refusal), shown);

        // etc/whisk.mesos.cfg arrives and sets the key: it wins over the environment and applies
        c.modified(Map.of("service.pid", "whisk.mesos", "teardown-on-exit", "false",
                "master-url", "http://m1:5050"));
        assertEquals(1, c.generation());
        assertFalse(c.current().teardownOnExit());
        assertEquals(Optional.empty(), c.lastRejection());
    }

    @Test
    void aBadFirstConfigurationFileIsNotSilentlyLocalMode() {
        WhiskMesosConfigComponent c = new WhiskMesosConfigComponent(compiler, Map.of(), Map.of(), new Properties());
        assertTrue(c.current().localMode(), "no configuration at all: local mode");
        c.modified(Map.of("service.pid", "whisk.mesos", "master-url", "zk://z1:2181/mesos"));
        assertEquals(Optional.empty(), c.inForce(), "the startup defaults are withdrawn, local mode is not kept");
        assertTrue(c.lastRejection().orElseThrow().contains("zk:// master URLs"), c.lastRejection().get());

        c.modified(Map.of("service.pid", "whisk.mesos", "master-url", "http://m1:5050"));
        assertEquals(List.of(java.net.URI.create("http://m1:5050")), c.current().masterUrls());

        // from here on a refused file keeps the last good one from a file
        c.modified(Map.of("service.pid", "whisk.mesos", "master-url", "http://m1:5050/mesos"));
        assertEquals(List.of(java.net.URI.create("http://m1:5050")), c.current().masterUrls());
        assertTrue(c.lastRejection().isPresent());
    }

    @Test
    void anOperatorWhoseBundleStartsLaterHealsTheFirstConfiguration() {
        WhiskMesosConfigComponent c = new WhiskMesosConfigComponent(compiler,
                Map.of("service.pid", "whisk.mesos", "constraints", new String[] {"hostname UNIQUE"}), Map.of(),
                new Properties());
        assertEquals(Optional.empty(), c.inForce());
        assertTrue(c.lastRejection().orElseThrow().contains("operator UNIQUE is not available"));

        compiler.register("UNIQUE", new io.mesowhisk.mesos.constraints.marathon.internal.UniqueOperator());
        assertEquals(List.of("hostname UNIQUE"), c.current().constraints());
        assertEquals(1, c.generation());
        assertEquals(Optional.empty(), c.lastRejection());
        c.deactivate();
    }

    @Test
    void whiskConfigShowsEveryKeyWithValueAndSource() {
        WhiskMesosConfigComponent c = new WhiskMesosConfigComponent(compiler,
                Map.of("service.pid", "whisk.mesos", "role", "r", "secret", "s3cr3t", "principal", "p",
                        "felix.fileinstall.filename", "file:/opt/etc/whisk.mesos.cfg"),
                Map.of("CONFIG_whisk_mesos_frameworkName", "fw"), new Properties());
        ConfigCommand.ConfigReport report = ConfigCommand.report(c);
        assertEquals(SettingsParser.DEFAULTS.keySet().stream().toList(),
                report.rows().stream().map(ConfigCommand.Row::key).toList());
        assertTrue(report.rows().contains(new ConfigCommand.Row("role", "r", "ConfigAdmin, file file:/opt/etc/whisk.mesos.cfg")));
        assertTrue(report.rows().contains(new ConfigCommand.Row("framework-name", "fw", "environment CONFIG_whisk_mesos_frameworkName")));
        assertTrue(report.rows().contains(new ConfigCommand.Row("timeouts.task-launch", "45 seconds", "default")));
        assertTrue(report.rows().contains(new ConfigCommand.Row("health-check.interval", "1 second", "default")));
        String text = report.toString();
        assertTrue(text.startsWith("whisk.mesos configuration 1 (local mode: embedded Mesos emulator)\nkey "), text);
        assertTrue(text.matches("(?s).*\nrole +r +ConfigAdmin, file file:/opt/etc/whisk.mesos.cfg\n.*"), text);
        assertFalse(text.contains("s3cr3t"), text);
        assertEquals(text, report.subSequence(0, report.length()).toString(), "prints as text in Gogo");
        assertFalse(text.contains("scheduler:"), text);
        String refused = ConfigCommand.report(c, Optional.of("the master refused new settings (Changing framework's"
                + " principal is not allowed.); the previous ones stay in force")).toString();
        assertTrue(refused.endsWith("\nscheduler: the master refused new settings (Changing framework's principal is"
                + " not allowed.); the previous ones stay in force\n"), refused);
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
