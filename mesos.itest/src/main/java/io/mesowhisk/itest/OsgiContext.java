package io.mesowhisk.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Service access for the integration tests. Trackers stay open until {@link #close()}: closing one right after
 * getService() would release per-bundle services such as ConfigurationAdmin while the test still uses them.
 */
public final class OsgiContext implements AutoCloseable {

    private final BundleContext context = FrameworkUtil.getBundle(OsgiContext.class).getBundleContext();
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    /** The test bundle's context. */
    public BundleContext bundleContext() {
        return context;
    }

    /** Waits up to 10 s for a service of that type. */
    public <T> T service(Class<T> type) {
        return current(type).get();
    }

    /**
     * The service of that type registered at the time of each {@code get()}: for tests in which a component may be
     * reactivated (a new instance) rather than modified.
     */
    public <T> java.util.function.Supplier<T> current(Class<T> type) {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        trackers.add(tracker);
        return () -> Await.value("service " + type.getName(), Duration.ofSeconds(10), tracker::getService);
    }

    /**
     * Deletes the ConfigAdmin configuration of {@code pid}, if there is one. One that FileInstall (or anyone) deletes
     * at the same moment is taken as deleted: ConfigAdmin then throws "Configuration ... deleted" from its methods.
     */
    /**
     * The product's configuration file for {@code pid}, {@code <felix.fileinstall.dir>/<pid>.cfg} (under the test's
     * working directory, as app.bndrun sets it up), its folder created.
     */
    public Path configFile(String pid) throws IOException {
        Path etc = Path.of(bundleContext().getProperty("felix.fileinstall.dir")).toAbsolutePath();
        Files.createDirectories(etc);
        return etc.resolve(pid + ".cfg");
    }

    public void deleteConfiguration(String pid) throws Exception {
        Configuration[] found = service(ConfigurationAdmin.class).listConfigurations("(service.pid=" + pid + ")");
        for (Configuration c : found == null ? new Configuration[0] : found) {
            try {
                c.delete();
            } catch (IllegalStateException deletedMeanwhile) {
                // gone already
            }
        }
    }

    @Override
    public void close() {
        trackers.forEach(ServiceTracker::close);
        trackers.clear();
    }
}
