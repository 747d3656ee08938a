package io.mesowhisk.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.VersionRange;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The tests run in the product: the bundles running are exactly those mesos.app resolved for {@code app.bndrun}
 * (same versions, all ACTIVE) plus the test tooling, with the product's run properties; every DS component of ours
 * becomes active.
 */
class RuntimeIT {

    /** What app-itest.bndrun adds to the product: the bnd tester, JUnit and this test bundle. Nothing else. */
    private static final Set<String> TEST_TOOLING = Set.of("mesos.itest", "biz.aQute.tester.junit-platform",
            "junit-jupiter-api", "junit-jupiter-engine", "junit-platform-commons", "junit-platform-engine",
            "junit-platform-launcher", "org.opentest4j");

    /** One entry of a resolved {@code -runbundles}: {@code bsn;version='[1.2.3,1.2.4)';startlevel=n}. */
    private static final Pattern RUNBUNDLE = Pattern.compile("([A-Za-z0-9_.\\-]+);version='([^']+)'");

    private final OsgiContext osgi = new OsgiContext();

    @AfterEach
    void close() {
        osgi.close();
    }

    /** The product's resolved -runbundles (mesos.app/target/resolved/app.bndrun, embedded in the test bundle). */
    private static Map<String, VersionRange> productRunbundles() throws IOException {
        String resolved;
        try (InputStream in = RuntimeIT.class.getResourceAsStream("/app-runbundles.bndrun")) {
            assertTrue(in != null, "app-runbundles.bndrun must be embedded in the test bundle (mesos.itest/bnd.bnd)");
            resolved = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String runbundles = resolved.substring(resolved.indexOf("-runbundles:"));
        Map<String, VersionRange> bundles = new TreeMap<>();
        Matcher m = RUNBUNDLE.matcher(runbundles);
        while (m.find()) {
            bundles.put(m.group(1), new VersionRange(m.group(2)));
        }
        return bundles;
    }

    @Test
    void theBundlesAreTheProductsPlusOnlyTheTestTooling() throws IOException {
        Map<String, VersionRange> product = productRunbundles();
        assertTrue(product.keySet().containsAll(Set.of("mesos.whisk-adapter", "mesos.constraints.marathon",
                "org.apache.felix.fileinstall")), "the product's run as mesos.app resolved it: " + product);
        Map<String, Bundle> running = new TreeMap<>();
        for (Bundle b : osgi.bundleContext().getBundles()) {
            if (b.getBundleId() != 0) { // the framework itself: -runfw, not a run bundle
                running.put(b.getSymbolicName(), b);
            }
        }
        List<String> wrong = new ArrayList<>();
        product.forEach((bsn, versions) -> {
            Bundle b = running.get(bsn);
            if (b == null) {
                wrong.add(bsn + " " + versions + ": not in the test run");
            } else if (!versions.includes(b.getVersion())) {
                wrong.add(bsn + ": " + b.getVersion() + " in the test run, " + versions + " in the product");
            } else if (b.getState() != Bundle.ACTIVE) {
                wrong.add(bsn + ": state " + b.getState() + ", not ACTIVE");
            }
        });
        assertEquals(List.of(), wrong);
        Set<String> added = new TreeSet<>(running.keySet());
        added.removeAll(product.keySet());
        assertEquals(new TreeSet<>(TEST_TOOLING), added, "bundles the test run has beyond the product's");
    }

    @Test
    void theProductsRunPropertiesWithItsDirectoriesInTheBuildDirectory() {
        // app.bndrun's values, but etc/ and data/ under mesos.itest/target/ (app-itest.bndrun): the test framework's
        // working directory is cnf/, and the tests must never write into the checkout
        for (String dir : List.of("felix.fileinstall.dir", "mesos.scheduler.state.dir")) {
            Path path = Path.of(osgi.bundleContext().getProperty(dir));
            assertTrue(path.isAbsolute() && path.normalize().toString().replace('\\', '/')
                    .contains("/mesos.itest/target/app-itest/"), dir + " = " + path);
        }
        assertEquals(".*\\.(cfg|config)", osgi.bundleContext().getProperty("felix.fileinstall.filter"));
        assertEquals("1000", osgi.bundleContext().getProperty("felix.fileinstall.poll"));
        assertEquals("true", osgi.bundleContext().getProperty("felix.fileinstall.noInitialDelay"));
    }

    @Test
    void everyBundleIsActive() {
        List<String> notActive = new ArrayList<>();
        Set<String> ours = new TreeSet<>();
        for (Bundle b : osgi.bundleContext().getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (!fragment && b.getState() != Bundle.ACTIVE) {
                notActive.add(b.getSymbolicName() + " (state " + b.getState() + ")");
            }
            if (b.getSymbolicName().startsWith("mesos.")) {
                ours.add(b.getSymbolicName());
            }
        }
        assertEquals(List.of(), notActive);
        assertTrue(ours.containsAll(Set.of("mesos.api", "mesos.scheduler", "mesos.whisk-adapter", "mesos.itest")),
                ours.toString());
    }

    @Test
    void everyComponentOfOursBecomesActive() {
        ServiceComponentRuntime scr = osgi.service(ServiceComponentRuntime.class);
        List<ComponentDescriptionDTO> ours = new ArrayList<>();
        for (Bundle b : osgi.bundleContext().getBundles()) {
            if (b.getSymbolicName().startsWith("mesos.")) {
                ours.addAll(scr.getComponentDescriptionDTOs(b));
            }
        }
        assertTrue(ours.size() >= 2, "components found: " + ours.size());
        for (ComponentDescriptionDTO description : ours) {
            // a delayed component is activated by its first user: be that user
            for (String type : description.serviceInterfaces) {
                ServiceReference<?> ref = Await.value("service " + type + " of " + description.name,
                        Duration.ofSeconds(10), () -> osgi.bundleContext().getServiceReference(type));
                assertTrue(osgi.bundleContext().getService(ref) != null, type);
            }
            Await.until(description.name + " ACTIVE", Duration.ofSeconds(10), () -> {
                var configurations = scr.getComponentConfigurationDTOs(description);
                return !configurations.isEmpty() && configurations.stream()
                        .allMatch(c -> c.state == ComponentConfigurationDTO.ACTIVE);
            });
        }
    }
}
