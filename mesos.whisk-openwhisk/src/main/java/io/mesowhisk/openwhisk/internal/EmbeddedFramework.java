package io.mesowhisk.openwhisk.internal;

import io.mesowhisk.whisk.WhiskConfigStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import org.apache.felix.framework.FrameworkFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The OSGi framework the invoker plug-in embeds: Felix, started inside the invoker's JVM with the bundles of
 * {@code cnf/openwhisk.bndrun}, which travel inside the plug-in's jar as one nested jar ({@value #RUNTIME}, exported
 * by bnd with the bundles' resolved start order in its {@code launcher.properties}).
 *
 * <p>Class loading: the bundles load their own classes and see none of the invoker's, except the packages the
 * system bundle exports. Besides the JRE's and OSGi's, these are the shared API packages {@link #SHARED_PACKAGES}:
 * their classes are part of the plug-in's jar (the invoker's class loader), and the bundles that contain them import
 * them (bnd makes their exports substitutable), so the plug-in and the bundles use the same {@code Class} objects.
 * The export clauses (version, uses) are copied from the bundles' own manifests, so they cannot drift.
 *
 * <p>Thread safety: {@link #start} and {@link #stop} are called once each, by one thread; the other methods are
 * thread-safe. Failures: start failures are {@link IllegalStateException}s that name the bundle or file; a
 * service that does not appear in time is a {@link TimeoutException} listing every bundle that is not active and
 * the framework errors seen.
 */
public final class EmbeddedFramework {

    /** The nested jar with the bundles, on the plug-in's class path. */
    public static final String RUNTIME = "META-INF/mesowhisk/openwhisk.jar";
    /** API packages shared between the invoker's class loader and the bundles (exported by the system bundle). */
    public static final List<String> SHARED_PACKAGES = List.of("io.mesowhisk.whisk", "io.mesowhisk.mesos.constraints");

    private static final Pattern START_LEVEL = Pattern.compile("startlevel=(\\d+)");
    private static final String CONFIG_ADMIN = "org.apache.felix.configadmin";

    private final Framework framework;
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private volatile String startup = "";

    private EmbeddedFramework(Framework framework) {
        this.framework = framework;
    }

    /**
     * Starts Felix with the embedded bundles, each at its resolved start level; returns when the framework has
     * reached its beginning start level (every bundle started or failed).
     *
     * @param storage the bundle cache; emptied first (Felix {@code storage.clean=onFirstInit})
     * @param extraProperties further framework properties (override the defaults)
     */
    public static EmbeddedFramework start(Path storage, Map<String, String> extraProperties) {
        return start(storage, extraProperties, Map.of(), Duration.ofMinutes(1));
    }

    /**
     * As {@link #start(Path, Map)}, with ConfigAdmin configurations (PID to values) that are in place before any
     * bundle that reads them starts: the framework first rises to ConfigAdmin's start level, the configurations
     * are written, and only then do the bundles above it start. So the container factory's first settings are
     * already the invoker's, and it never starts for settings about to be replaced (local mode and its emulator,
     * or a subscription without the invoker's failover timeout).
     *
     * @param timeout how long the start may wait for ConfigAdmin and for the rest of the bundles
     */
    public static EmbeddedFramework start(Path storage, Map<String, String> extraProperties,
            Map<String, Map<String, Object>> configurations, Duration timeout) {
        Objects.requireNonNull(storage, "storage");
        // Bundles that use ServiceLoader (slf4j-api through SPI Fly, Jetty) must not see the invoker's own service
        // files through the context class loader: the threads the framework starts with inherit this one.
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            return startFramework(storage, extraProperties, configurations, timeout);
        } finally {
            thread.setContextClassLoader(context);
        }
    }

    private static EmbeddedFramework startFramework(Path storage, Map<String, String> extraProperties,
            Map<String, Map<String, Object>> configurations, Duration timeout) {
        long t0 = System.nanoTime();
        Map<String, byte[]> runtime = readRuntime();
        Properties launcher = new Properties();
        try {
            launcher.load(new StringReader(new String(entry(runtime, "launcher.properties"), "UTF-8")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> bundles = split(launcher.getProperty("launch.bundles", ""));
        List<String> attrs = split(launcher.getProperty("launch.runbundles.attrs", ""));
        if (bundles.isEmpty() || bundles.size() != attrs.size()) {
            throw new IllegalStateException(RUNTIME + "!launcher.properties: " + bundles.size() + " bundles, but "
                    + attrs.size() + " start levels");
        }

        Map<String, String> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, storage.toAbsolutePath().toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        properties.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, sharedExports(runtime, bundles));
        // no JVM-wide URL handler factory: the invoker's JVM stays as it was
        properties.put("felix.service.urlhandlers", "false");
        // Felix would otherwise hand lookups made by JDK code on a bundle's behalf (ServiceLoader reading
        // META-INF/services, as slf4j-api and Jetty do) to the invoker's class loader, and a bundle would find the
        // invoker's providers (slf4j: "SimpleServiceProvider not a subtype", then no logging at all)
        properties.put("felix.bootdelegation.implicit", "false");
        // the resolver runs on the calling thread: Felix's resolver pool outlives stop() by a minute otherwise
        properties.put("felix.resolver.parallelism", "1");
        int top = 1;
        int configAdminLevel = -1;
        for (int i = 0; i < attrs.size(); i++) {
            top = Math.max(top, startLevel(attrs.get(i)));
            if (attrs.get(i).startsWith(CONFIG_ADMIN + ";")) {
                configAdminLevel = startLevel(attrs.get(i));
            }
        }
        if (!configurations.isEmpty() && configAdminLevel < 0) {
            throw new IllegalStateException(RUNTIME + " has no " + CONFIG_ADMIN + " for the configurations "
                    + configurations.keySet());
        }
        int beginning = configurations.isEmpty() ? top + 1 : configAdminLevel;
        properties.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(beginning));
        properties.putAll(extraProperties);

        Framework framework = new FrameworkFactory().newFramework(properties);
        EmbeddedFramework embedded = new EmbeddedFramework(framework);
        try {
            framework.init((FrameworkEvent event) -> embedded.record(event));
            BundleContext context = framework.getBundleContext();
            context.addFrameworkListener(embedded::record);
            long t1 = System.nanoTime();
            List<Bundle> installed = new ArrayList<>();
            for (int i = 0; i < bundles.size(); i++) {
                String path = bundles.get(i);
                Bundle bundle = context.installBundle("mesowhisk:" + path,
                        new ByteArrayInputStream(entry(runtime, path)));
                bundle.adapt(BundleStartLevel.class).setStartLevel(startLevel(attrs.get(i)));
                installed.add(bundle);
            }
            for (Bundle bundle : installed) {
                if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    bundle.start();   // marks it for its start level; the framework starts it in order
                }
            }
            long t2 = System.nanoTime();
            framework.start();
            if (!configurations.isEmpty()) {
                for (Map.Entry<String, Map<String, Object>> c : configurations.entrySet()) {
                    embedded.configure(c.getKey(), c.getValue(), timeout);
                }
                embedded.raiseStartLevel(top + 1, timeout);
            }
            long t3 = System.nanoTime();
            embedded.startup = String.format("%d bundles: runtime read in %d ms, installed in %d ms, started in %d ms",
                    installed.size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
            return embedded;
        } catch (BundleException | RuntimeException | TimeoutException e) {
            embedded.stop(Duration.ofSeconds(30));
            throw new IllegalStateException("the embedded OSGi framework did not start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            embedded.stop(Duration.ofSeconds(30));
            throw new IllegalStateException("interrupted while the embedded OSGi framework started", e);
        }
    }

    /** Raises the framework's start level to {@code level} and waits until every bundle up to it has started. */
    private void raiseStartLevel(int level, Duration timeout) throws TimeoutException, InterruptedException {
        CountDownLatch reached = new CountDownLatch(1);
        framework.adapt(FrameworkStartLevel.class).setStartLevel(level, event -> reached.countDown());
        if (!reached.await(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("start level " + level + " not reached within " + timeout + "; "
                    + diagnostics());
        }
    }

    /** How long the phases of {@link #start} took, for the log. */
    public String startup() {
        return startup;
    }

    /** The system bundle's context, for trackers and diagnostics. */
    public BundleContext context() {
        return framework.getBundleContext();
    }

    /**
     * Waits for a service of the given class, which must be a shared type (loaded by the invoker's class loader),
     * and returns it.
     */
    public <S> S awaitService(Class<S> type, Duration timeout) throws TimeoutException, InterruptedException {
        return awaitService(type, null, timeout);
    }

    /**
     * Waits for a service of the given class (a shared type) whose properties match the filter (an LDAP filter such
     * as {@code (whisk.mesos.local-mode=false)}, or null for any), and returns it.
     *
     * @throws IllegalArgumentException when the filter is not a valid LDAP filter
     */
    public <S> S awaitService(Class<S> type, String filter, Duration timeout)
            throws TimeoutException, InterruptedException {
        String what = "(" + Constants.OBJECTCLASS + "=" + type.getName() + ")";
        ServiceTracker<S, S> tracker;
        try {
            tracker = new ServiceTracker<>(context(),
                    context().createFilter(filter == null ? what : "(&" + what + filter + ")"), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("not an LDAP filter: " + filter, e);
        }
        tracker.open();
        // the tracker stays open: closing it would unget the service (the invoker keeps using it until stop())
        S service = tracker.waitForService(Math.max(1, timeout.toMillis()));
        if (service == null) {
            tracker.close();
            throw new TimeoutException("no " + type.getName() + " service" + (filter == null ? "" : " with " + filter)
                    + " within " + timeout + "; " + diagnostics());
        }
        return service;
    }

    /**
     * Creates or updates the ConfigAdmin configuration {@code pid} (bound to whichever bundle uses it). The
     * ConfigurationAdmin types are not shared with the invoker, so they are called reflectively.
     */
    public void configure(String pid, Map<String, Object> values, Duration timeout)
            throws TimeoutException, InterruptedException {
        ServiceTracker<Object, Object> tracker =
                new ServiceTracker<>(context(), "org.osgi.service.cm.ConfigurationAdmin", null);
        tracker.open(true);
        try {
            Object admin = tracker.waitForService(Math.max(1, timeout.toMillis()));
            ServiceReference<Object> reference = tracker.getServiceReference();
            if (admin == null || reference == null) {
                throw new TimeoutException("no ConfigurationAdmin service within " + timeout + "; " + diagnostics());
            }
            Bundle cm = reference.getBundle();
            Object configuration = cm.loadClass("org.osgi.service.cm.ConfigurationAdmin")
                    .getMethod("getConfiguration", String.class, String.class).invoke(admin, pid, "?");
            Dictionary<String, Object> dictionary = new Hashtable<>(values);
            cm.loadClass("org.osgi.service.cm.Configuration").getMethod("update", Dictionary.class)
                    .invoke(configuration, dictionary);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("configuration " + pid + " not applied: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("configuration " + pid + " not applied: " + e, e);
        } finally {
            tracker.close();
        }
    }

    /**
     * Why mesos.whisk-adapter refused the latest {@code whisk.mesos} configuration, when it did (whatever is in force
     * then is older: with the invoker's configuration files refused, the defaults the adapter started with): the text
     * {@code whisk:config} shows, naming the key, the value and its source, read from the adapter's
     * {@link WhiskConfigStatus} service. Empty when the latest configuration was accepted or the adapter is not
     * running.
     */
    public Optional<String> configurationRefusal() {
        // a shared API package: the invoker's side and the embedded bundles see the same WhiskConfigStatus type
        ServiceReference<WhiskConfigStatus> reference = context().getServiceReference(WhiskConfigStatus.class);
        if (reference == null) {
            return Optional.empty();
        }
        WhiskConfigStatus status = context().getService(reference);
        if (status == null) {
            return Optional.empty();
        }
        try {
            return status.lastRejection();
        } finally {
            context().ungetService(reference);
        }
    }

    /** Whether every bundle (fragments aside) is active: nothing is still starting. */
    public boolean allBundlesActive() {
        return java.util.Arrays.stream(context().getBundles()).noneMatch(EmbeddedFramework::inactive);
    }

    /** A bundle that is not active; fragments never are, and do not count. */
    private static boolean inactive(Bundle b) {
        return b.getState() != Bundle.ACTIVE && b.getHeaders().get(Constants.FRAGMENT_HOST) == null;
    }

    /** Bundles that are not active (with their state) and the framework errors seen so far. */
    public String diagnostics() {
        String inactive = java.util.Arrays.stream(context().getBundles())
                .filter(EmbeddedFramework::inactive)
                .map(b -> b.getSymbolicName() + " " + stateName(b.getState()))
                .collect(Collectors.joining(", "));
        return "bundles not active: " + (inactive.isEmpty() ? "none" : inactive)
                + "; framework errors: " + (errors.isEmpty() ? "none" : String.join(" | ", errors));
    }

    /** Stops the framework and waits for it (every bundle stopped, Felix's threads ended); idempotent. */
    public boolean stop(Duration timeout) {
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(Math.max(1, timeout.toMillis()));
            return event.getType() != FrameworkEvent.WAIT_TIMEDOUT;
        } catch (BundleException e) {
            throw new IllegalStateException("the embedded OSGi framework did not stop: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void record(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.ERROR) {
            Bundle bundle = event.getBundle();
            Throwable t = event.getThrowable();
            errors.add((bundle == null ? "" : bundle.getSymbolicName() + ": ") + (t == null ? "error" : t.toString()));
        }
    }

    private static Map<String, byte[]> readRuntime() {
        ClassLoader loader = EmbeddedFramework.class.getClassLoader();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = loader.getResourceAsStream(RUNTIME)) {
            if (in == null) {
                throw new IllegalStateException(RUNTIME + " is missing from the class path: the plug-in's jar is "
                        + "incomplete (build it with mvn package in mesos.whisk-openwhisk)");
            }
            try (JarInputStream jar = new JarInputStream(in)) {
                for (ZipEntry e = jar.getNextEntry(); e != null; e = jar.getNextEntry()) {
                    if (!e.isDirectory()) {
                        entries.put(e.getName(), jar.readAllBytes());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RUNTIME, e);
        }
        return entries;
    }

    private static byte[] entry(Map<String, byte[]> runtime, String name) {
        byte[] bytes = runtime.get(name);
        if (bytes == null) {
            throw new IllegalStateException(RUNTIME + " has no entry " + name);
        }
        return bytes;
    }

    /** The export clauses of the shared packages, as the bundles that contain them declare them. */
    static String sharedExports(Map<String, byte[]> runtime, List<String> bundles) {
        Map<String, String> clauses = new LinkedHashMap<>();
        for (String path : bundles) {
            try (JarInputStream jar = new JarInputStream(new ByteArrayInputStream(runtime.get(path)))) {
                Manifest manifest = jar.getManifest();
                String exports = manifest == null ? null : manifest.getMainAttributes().getValue("Export-Package");
                for (String clause : split(exports == null ? "" : exports)) {
                    String name = clause.split(";", 2)[0].trim();
                    if (SHARED_PACKAGES.contains(name)) {
                        clauses.put(name, clause.trim());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RUNTIME + "!" + path, e);
            }
        }
        for (String name : SHARED_PACKAGES) {
            if (!clauses.containsKey(name)) {
                throw new IllegalStateException("no bundle in " + RUNTIME + " exports the shared package " + name);
            }
        }
        return String.join(",", clauses.values());
    }

    /** Splits a header at the commas outside quotes. */
    static List<String> split(String header) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                if (!current.toString().isBlank()) {
                    parts.add(current.toString().trim());
                }
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (!current.toString().isBlank()) {
            parts.add(current.toString().trim());
        }
        return parts;
    }

    private static int startLevel(String attrs) {
        Matcher m = START_LEVEL.matcher(attrs);
        if (!m.find()) {
            throw new IllegalStateException(RUNTIME + "!launcher.properties: no start level in " + attrs);
        }
        return Integer.parseInt(m.group(1));
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED (not resolved)";
            case Bundle.RESOLVED -> "RESOLVED (not started)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> Integer.toString(state);
        };
    }
}
