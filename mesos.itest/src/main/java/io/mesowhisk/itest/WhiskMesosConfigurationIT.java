package io.mesowhisk.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.whisk.WhiskMesosConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * PID whisk.mesos: described by Metatype, updated live through @Modified (from ConfigAdmin and from the product's
 * {@code etc/whisk.mesos.cfg}), bad updates refused.
 */
class WhiskMesosConfigurationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final OsgiContext osgi = new OsgiContext();

    @BeforeEach
    void noConfiguration() throws Exception {
        // Deleting the configuration may make SCR reactivate the component (a new instance) rather than call
        // @Modified: wait until whichever instance is registered runs on defaults only.
        osgi.deleteConfiguration(WhiskMesosConfig.PID);
        Supplier<WhiskMesosConfig> config = osgi.current(WhiskMesosConfig.class);
        Await.until("whisk.mesos back to its defaults", TIMEOUT, () -> config.get().current().sources().isEmpty());
    }

    @AfterEach
    void close() {
        osgi.close();
    }

    private static Dictionary<String, Object> properties(Object... keyValues) {
        Hashtable<String, Object> d = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            d.put((String) keyValues[i], keyValues[i + 1]);
        }
        return d;
    }

    @Test
    void anUpdateReachesTheRunningComponentWithoutARestart() throws Exception {
        WhiskMesosConfig config = osgi.service(WhiskMesosConfig.class);
        ServiceReference<WhiskMesosConfig> before = osgi.bundleContext().getServiceReference(WhiskMesosConfig.class);
        long generation = config.generation();

        Configuration c = osgi.service(ConfigurationAdmin.class).getConfiguration(WhiskMesosConfig.PID, "?");
        c.update(properties("role", "openwhisk", "constraints", new String[] {"zone LIKE us-east-.*"},
                "timeouts.task-launch", "90 seconds"));

        Await.until("role openwhisk in force", TIMEOUT, () -> config.current().role().equals("openwhisk"));
        assertEquals(List.of("zone LIKE us-east-.*"), config.current().constraints());
        assertEquals(Duration.ofSeconds(90), config.current().timeouts().taskLaunch());
        assertTrue(config.generation() > generation);
        ServiceReference<WhiskMesosConfig> after = osgi.bundleContext().getServiceReference(WhiskMesosConfig.class);
        assertEquals(before.getProperty("service.id"), after.getProperty("service.id"),
                "same service registration: @Modified, not a restart");
        assertSame(config, osgi.service(WhiskMesosConfig.class));
    }

    @Test
    void theProductsConfigurationFileAppliesLiveAndItsRemovalWithdrawsIt() throws Exception {
        // FileInstall as app.bndrun sets it up: etc/ relative to the working directory (under mesos.itest/target/)
        Path file = osgi.configFile(WhiskMesosConfig.PID);
        Supplier<WhiskMesosConfig> config = osgi.current(WhiskMesosConfig.class);
        Files.writeString(file, "role = from-the-file\nconstraints.0 = hostname UNIQUE\n");
        try {
            Await.until("role from-the-file in force", Duration.ofSeconds(20),
                    () -> config.get().current().role().equals("from-the-file"));
            assertEquals(List.of("hostname UNIQUE"), config.get().current().constraints(),
                    "a Marathon operator: the product runs mesos.constraints.marathon");
            String source = config.get().current().sources().get("role");
            assertTrue(source.startsWith("ConfigAdmin, file ") && source.endsWith("/whisk.mesos.cfg"), source);
        } finally {
            Files.delete(file);
        }
        Await.until("the configuration withdrawn with its file", Duration.ofSeconds(20),
                () -> config.get().current().sources().isEmpty());
    }

    /**
     * The operator's file is theirs: a change made through ConfigAdmin (a console, a management agent) applies, but
     * is never written back into {@code etc/whisk.mesos.cfg} (FileInstall would by default, and was seen to empty
     * the file on a restart of the product).
     */
    @Test
    void aConfigAdminChangeIsNeverWrittenIntoTheOperatorsFile() throws Exception {
        Path file = osgi.configFile(WhiskMesosConfig.PID);
        String written = "# the operator's own words\nrole = from-the-file\n";
        Supplier<WhiskMesosConfig> config = osgi.current(WhiskMesosConfig.class);
        Queue<String> events = new ConcurrentLinkedQueue<>();
        ServiceRegistration<ConfigurationListener> listener = osgi.bundleContext().registerService(
                ConfigurationListener.class, e -> events.add(e.getPid()), null);
        Files.writeString(file, written);
        try {
            Await.until("role from-the-file in force", Duration.ofSeconds(20),
                    () -> config.get().current().role().equals("from-the-file"));
            Configuration c = osgi.service(ConfigurationAdmin.class).getConfiguration(WhiskMesosConfig.PID, "?");
            Dictionary<String, Object> p = c.getProperties();
            p.put("role", "from-config-admin");
            c.update(p);
            Await.until("role from-config-admin in force", TIMEOUT,
                    () -> config.get().current().role().equals("from-config-admin"));
            // ConfigAdmin hands its events to every listener in order, on one thread: once ours has the barrier's
            // event, FileInstall has handled the update before it
            Configuration barrier = osgi.service(ConfigurationAdmin.class).getConfiguration("itest.barrier", "?");
            barrier.update(properties("at", System.nanoTime()));
            Await.until("the barrier's event", TIMEOUT, () -> events.contains("itest.barrier"));
            barrier.delete();
            assertEquals(written, Files.readString(file));
        } finally {
            listener.unregister();
            Files.delete(file);
        }
        Await.until("the configuration withdrawn with its file", Duration.ofSeconds(20),
                () -> config.get().current().sources().isEmpty());
    }

    @Test
    void aBadUpdateIsRefusedAndTheLastGoodConfigurationStays() throws Exception {
        WhiskMesosConfig config = osgi.service(WhiskMesosConfig.class);
        Configuration c = osgi.service(ConfigurationAdmin.class).getConfiguration(WhiskMesosConfig.PID, "?");
        c.update(properties("role", "good"));
        Await.until("role good in force", TIMEOUT, () -> config.current().role().equals("good"));

        c.update(properties("role", "still-good", "heartbeat-max-failures", "lots"));
        Await.until("refusal recorded", TIMEOUT, () -> config.lastRejection().isPresent());
        assertTrue(config.lastRejection().get().contains("whisk.mesos.heartbeat-max-failures = \"lots\""),
                config.lastRejection().get());
        assertEquals("good", config.current().role());

        c.update(properties("role", "better"));
        Await.until("role better in force", TIMEOUT, () -> config.current().role().equals("better"));
        assertTrue(config.lastRejection().isEmpty());
    }

    @Test
    void aConstraintWithAnOperatorNobodyProvidesIsRefusedListingTheAvailableOnes() throws Exception {
        WhiskMesosConfig config = osgi.service(WhiskMesosConfig.class);
        Configuration c = osgi.service(ConfigurationAdmin.class).getConfiguration(WhiskMesosConfig.PID, "?");
        c.update(properties("constraints", new String[] {"zone LIKE us-east-.*"}));
        Await.until("constraints in force", TIMEOUT, () -> config.current().constraints().size() == 1);
        assertEquals(1, config.placementConstraints().managed().constraints().size());

        c.update(properties("constraints", new String[] {"zone LIKE us-east-.*", "zone NEAR us-west"}));
        Await.until("refusal recorded", TIMEOUT, () -> config.lastRejection().isPresent());
        String refusal = config.lastRejection().get();
        assertTrue(refusal.contains("operator NEAR is not available") && refusal.contains("LIKE")
                && refusal.contains("UNLIKE"), refusal);
        assertEquals(List.of("zone LIKE us-east-.*"), config.current().constraints());
    }

    @Test
    void localModeStartsTheEmbeddedMesosEmulatorAndAMasterUrlStopsIt() throws Exception {
        Supplier<io.mesowhisk.mesos.api.LocalMaster> local = osgi.current(io.mesowhisk.mesos.api.LocalMaster.class);
        java.net.URI endpoint = local.get().endpoint();
        assertEquals("http", endpoint.getScheme());
        assertTrue(endpoint.getPort() > 0, endpoint.toString());
        java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(endpoint.resolve("/api/v1/scheduler"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(400, answer.statusCode(), "a master that answers as Mesos does: " + answer.body());

        Configuration c = osgi.service(ConfigurationAdmin.class).getConfiguration(WhiskMesosConfig.PID, "?");
        c.update(properties("master-url", "http://127.0.0.1:1"));
        Await.until("emulator stopped", TIMEOUT,
                () -> osgi.bundleContext().getServiceReference(io.mesowhisk.mesos.api.LocalMaster.class) == null);
        c.update(properties("role", "local-again"));
        Await.until("emulator started again", TIMEOUT,
                () -> osgi.bundleContext().getServiceReference(io.mesowhisk.mesos.api.LocalMaster.class) != null);
    }

    @Test
    void metatypeDescribesEveryKey() {
        MetaTypeService metaType = osgi.service(MetaTypeService.class);
        Bundle adapter = Arrays.stream(osgi.bundleContext().getBundles())
                .filter(b -> b.getSymbolicName().equals("mesos.whisk-adapter")).findFirst().orElseThrow();
        MetaTypeInformation info = metaType.getMetaTypeInformation(adapter);
        assertTrue(Arrays.asList(info.getPids()).contains(WhiskMesosConfig.PID));
        ObjectClassDefinition ocd = info.getObjectClassDefinition(WhiskMesosConfig.PID, null);
        Set<String> ids = Arrays.stream(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL))
                .map(AttributeDefinition::getID).collect(Collectors.toSet());
        assertTrue(ids.containsAll(Set.of("master-url", "master-public-url", "role", "timeouts.failover",
                "mesos-link-log-message", "constraints", "blackbox-constraints", "constraint-delimiter",
                "teardown-on-exit", "offer-refuse-duration", "heartbeat-max-failures", "timeouts.task-launch",
                "health-check.grace-period", "secret")), ids.toString());
    }
}
