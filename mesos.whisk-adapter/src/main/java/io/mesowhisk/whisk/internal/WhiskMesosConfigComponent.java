package io.mesowhisk.whisk.internal;

import io.mesowhisk.mesos.constraints.ConstraintCompiler;
import io.mesowhisk.mesos.constraints.ConstraintConfiguration;
import io.mesowhisk.mesos.constraints.ConstraintException;
import io.mesowhisk.mesos.constraints.OperatorListener;
import io.mesowhisk.whisk.WhiskConfigStatus;
import io.mesowhisk.whisk.WhiskMesosConfig;
import io.mesowhisk.whisk.WhiskMesosSettings;
import io.mesowhisk.whisk.internal.OpenWhiskEnvironment.Sourced;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the effective {@code whisk.mesos} settings and keeps them current: a ConfigAdmin update reaches
 * {@link #modified} on the same instance, which swaps one immutable snapshot. An invalid update is refused with a
 * message naming each key; the last good settings stay in force.
 *
 * <p>This component always activates, whatever its configuration: a bad value never leaves it failed for good.
 * The {@link WhiskMesosConfig} service is registered only while settings are in force, with the service property
 * {@value #GENERATION} (updated on every change, so consumers hear of changes through their reference's
 * {@code updated} method). Nothing is in force when the first configuration (environment, system properties and
 * ConfigAdmin together) is refused, or when a ConfigAdmin configuration is refused while the settings in force
 * came from the defaults, environment and system properties alone: an operator's first configuration file that is
 * wrong must not silently leave the product in local mode.
 *
 * <p>The constraint lists are compiled against the constraint operators available now: a configuration naming an
 * operator that is not available is refused like any other bad value (the message lists the available operators)
 * and retried whenever the operators change, so starting the operator's bundle heals it, whatever the start order.
 *
 * <p>The environment and system properties are read once, at activation.
 */
@Component(service = WhiskConfigStatus.class, configurationPid = WhiskMesosConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = WhiskMesosConfigDefinition.class)
public final class WhiskMesosConfigComponent implements WhiskMesosConfig, OperatorListener, WhiskConfigStatus {

    private static final Logger LOG = LoggerFactory.getLogger(WhiskMesosConfigComponent.class);

    /** Service property of {@link WhiskMesosConfig}: the generation in force (Long). */
    public static final String GENERATION = "whisk.mesos.generation";
    /** Service property of {@link WhiskMesosConfig}: true in local mode (Boolean). */
    public static final String LOCAL_MODE = "whisk.mesos.local-mode";

    /** Private ConfigAdmin property (not a setting) naming where a configuration's values came from. */
    static final String ORIGIN = ".origin";
    /** PID of the embedded Mesos emulator (bundle mesos.emulator), started in local mode. */
    static final String EMULATOR_PID = "mesos.emulator";
    /** Marks an emulator configuration this component created, so that it only ever deletes its own. */
    static final String CREATED_BY = "created.by";
    /** The emulator's runtime images property (PATTERN=COMMAND entries). */
    static final String RUNTIMES = "runtimes";

    private final ConstraintCompiler compiler;
    private final BundleContext context;
    private volatile ConfigurationAdmin configAdmin;
    private final Map<String, Sourced> environment;
    private final Map<String, Sourced> systemProperties;
    private volatile Snapshot snapshot;
    /** Orders the publications (service registration, emulator configuration) of successive snapshots. */
    private final Object publishLock = new Object();
    private ServiceRegistration<WhiskMesosConfig> registration;
    private boolean deactivated;

    /**
     * What is in force (nothing, or accepted settings with their compiled constraints), and what was asked last.
     */
    private record Snapshot(Optional<Accepted> inForce, long generation, Optional<String> rejection,
            Map<String, Object> requested) {
    }

    private record Accepted(WhiskMesosSettings settings, ConstraintConfiguration constraints,
            boolean fromConfigAdmin, List<String> localRuntimes) {
    }

    /** Activation by DS: reads the environment and system properties of this process. */
    @Activate
    public WhiskMesosConfigComponent(@Reference ConstraintCompiler compiler, BundleContext context,
            Map<String, Object> properties) {
        this(compiler, context, properties, System.getenv(), System.getProperties());
    }

    /** For tests: no service registration when {@code context} is null. */
    WhiskMesosConfigComponent(ConstraintCompiler compiler, Map<String, Object> properties, Map<String, String> env,
            Properties system) {
        this(compiler, null, properties, env, system);
    }

    private WhiskMesosConfigComponent(ConstraintCompiler compiler, BundleContext context,
            Map<String, Object> properties, Map<String, String> env, Properties system) {
        this.compiler = compiler;
        this.context = context;
        this.environment = OpenWhiskEnvironment.fromEnvironment(env);
        this.systemProperties = OpenWhiskEnvironment.fromSystemProperties(system);
        this.snapshot = new Snapshot(Optional.empty(), 0, Optional.empty(), properties);
        describeStart(properties);
        // listen first: an operator that arrives while the first configuration is compiled must not be missed
        compiler.addListener(this);
        modified(properties);
    }

    /**
     * ConfigurationAdmin, used to start the embedded emulator in local mode (optional: absent, no local master).
     * DS binds it after the constructor has run, so the snapshot is there to act on.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindConfigAdmin(ConfigurationAdmin admin) {
        configAdmin = admin;
        publish();
    }

    void unbindConfigAdmin(ConfigurationAdmin admin) {
        if (configAdmin == admin) {
            configAdmin = null;
        }
    }

    @Deactivate
    void deactivate() {
        compiler.removeListener(this);
        synchronized (publishLock) {
            deactivated = true;
            if (registration != null) {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the bundle is stopping: the framework unregistered it
                }
                registration = null;
            }
        }
    }

    /** A ConfigAdmin update (or deletion) of {@code whisk.mesos}: applied live, or refused as a whole. */
    @Modified
    void modified(Map<String, Object> properties) {
        synchronized (this) {
            Snapshot current = snapshot;
            try {
                Accepted accepted = accept(properties);
                snapshot = new Snapshot(Optional.of(accepted), current.generation() + 1, Optional.empty(),
                        properties);
                LOG.info("whisk.mesos: configuration {} in force ({} values set{}, {})", current.generation() + 1,
                        accepted.settings().sources().size(), describeOrigin(properties),
                        accepted.settings().localMode() ? "local mode: the embedded Mesos emulator is the master"
                                : "masters " + accepted.settings().masterUrls());
            } catch (IllegalArgumentException e) {
                boolean keep = current.inForce().isPresent()
                        && (current.inForce().get().fromConfigAdmin() || !isConfigAdmin(properties));
                snapshot = new Snapshot(keep ? current.inForce() : Optional.empty(), current.generation(),
                        Optional.of(e.getMessage()), properties);
                if (keep) {
                    LOG.error("{}{}; configuration {} stays in force", e.getMessage(), describeOrigin(properties),
                            current.generation());
                } else if (current.inForce().isPresent()) {
                    LOG.error("{}{}; the settings in force came from the defaults, environment and system properties "
                            + "alone (local mode: {}) and are withdrawn: no whisk.mesos configuration is in force, "
                            + "and no containers can be created, until a valid one arrives", e.getMessage(),
                            describeOrigin(properties), current.inForce().get().settings().localMode());
                } else {
                    LOG.error("{}{}; no whisk.mesos configuration is in force, and no containers can be created, "
                            + "until a valid one arrives ({})", e.getMessage(), describeOrigin(properties), fixHint());
                }
            }
        }
        publish();
    }

    /**
     * Where a refused value can be mended: with a configuration folder (the Felix app's and Karaf's FileInstall),
     * its whisk.mesos.cfg can override it; elsewhere (the invoker plug-in) only its source can.
     */
    private String fixHint() {
        String dir = context == null ? null : context.getProperty("felix.fileinstall.dir");
        return dir == null ? "fix the value where it came from"
                : "fix the value, or override it in " + dir + "/" + WhiskMesosConfig.PID + ".cfg";
    }

    /** Operators came or went: a configuration refused for want of one may be good now. */
    @Override
    public void operatorsChanged(SortedSet<String> available, long generation) {
        Snapshot current = snapshot;
        if (current.rejection().isPresent()) {
            LOG.info("whisk.mesos: constraint operators are now {}: trying the refused configuration again",
                    available);
            modified(current.requested());
        }
    }

    /** Makes the OSGi side match the latest snapshot: the service and the emulator's configuration. */
    private void publish() {
        synchronized (publishLock) {
            if (deactivated) {
                return;
            }
            Snapshot now = snapshot; // the latest, whatever order the callers came in
            if (context != null) {
                if (now.inForce().isPresent()) {
                    Dictionary<String, Object> props = new Hashtable<>();
                    props.put(GENERATION, now.generation());
                    props.put(LOCAL_MODE, now.inForce().get().settings().localMode());
                    if (registration == null) {
                        registration = context.registerService(WhiskMesosConfig.class, this, props);
                    } else {
                        registration.setProperties(props);
                    }
                } else if (registration != null) {
                    registration.unregister();
                    registration = null;
                }
            }
            provisionLocalMaster(now.inForce().map(a -> a.settings().localMode()).orElse(false),
                    now.inForce().map(Accepted::localRuntimes).orElse(List.of()));
        }
    }

    /**
     * Local mode (no master-url): make sure the embedded Mesos emulator runs, by giving its component a
     * configuration (with the {@code local.runtimes} of the whisk.mesos ConfigAdmin configuration as its
     * {@code runtimes}); otherwise remove the configuration this component created, which stops it.
     */
    private void provisionLocalMaster(boolean localMode, List<String> runtimes) {
        ConfigurationAdmin admin = configAdmin;
        if (admin == null) {
            return;
        }
        try {
            Configuration emulator = admin.getConfiguration(EMULATOR_PID, "?");
            Dictionary<String, Object> existing = emulator.getProperties();
            boolean ours = existing != null && WhiskMesosConfig.PID.equals(existing.get(CREATED_BY));
            if (localMode && (existing == null || ours && !runtimes.equals(runtimesOf(existing)))) {
                Hashtable<String, Object> p = new Hashtable<>();
                p.put(CREATED_BY, WhiskMesosConfig.PID);
                p.put(RUNTIMES, runtimes.toArray(String[]::new));
                emulator.update(p);
                LOG.info("whisk.mesos: local mode: {} the embedded Mesos emulator (configuration PID {}, runtime images "
                        + "from whisk.mesos: {})", existing == null ? "starting" : "restarting", EMULATOR_PID, runtimes);
            } else if (!localMode && ours) {
                emulator.delete();
                LOG.info("whisk.mesos: not in local mode: stopping the embedded Mesos emulator");
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.error("whisk.mesos: could not {} the embedded Mesos emulator's configuration",
                    localMode ? "write" : "delete", e);
        }
    }

    private static List<String> runtimesOf(Dictionary<String, Object> emulatorProperties) {
        Object value = emulatorProperties.get(RUNTIMES);
        return value instanceof String[] a ? List.of(a) : List.of();
    }

    /**
     * {@code local.runtimes} of a ConfigAdmin configuration: a string, an array, or indexed keys
     * ({@code local.runtimes.0}, ...), in index order.
     */
    static List<String> localRuntimes(Map<String, Object> properties) {
        String key = SettingsParser.LOCAL_PREFIX + "runtimes";
        Object whole = properties.get(key);
        if (whole instanceof String s) {
            return s.isBlank() ? List.of() : List.of(s.trim());
        }
        if (whole instanceof String[] a) {
            return List.of(a);
        }
        if (whole instanceof java.util.Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        TreeMap<Integer, String> indexed = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (k.startsWith(key + ".") && k.substring(key.length() + 1).matches("\\d{1,9}")) {
                indexed.put(Integer.parseInt(k.substring(key.length() + 1)), String.valueOf(v));
            }
        });
        return List.copyOf(indexed.values());
    }

    private Accepted accept(Map<String, Object> properties) {
        WhiskMesosSettings settings = SettingsParser.parse(layers(properties));
        try {
            return new Accepted(settings, ConstraintConfiguration.compile(compiler, settings.constraints(),
                    settings.blackboxConstraints(), settings.constraintDelimiter()), isConfigAdmin(properties),
                    localRuntimes(properties));
        } catch (ConstraintException e) {
            throw new IllegalArgumentException("invalid whisk.mesos configuration: whisk.mesos." + e.getMessage(), e);
        }
    }

    private static boolean isConfigAdmin(Map<String, Object> properties) {
        return properties.containsKey("service.pid");
    }

    private Accepted inForceOrFail() {
        Snapshot s = snapshot;
        return s.inForce().orElseThrow(() -> new IllegalStateException(
                "no whisk.mesos configuration is in force: " + s.rejection().orElse("none accepted yet")));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when no configuration is in force (the service is not registered then)
     */
    @Override
    public WhiskMesosSettings current() {
        return inForceOrFail().settings();
    }

    @Override
    public ConstraintConfiguration placementConstraints() {
        return inForceOrFail().constraints();
    }

    @Override
    public Optional<WhiskMesosSettings> inForce() {
        return snapshot.inForce().map(Accepted::settings);
    }

    @Override
    public long generation() {
        return snapshot.generation();
    }

    @Override
    public Optional<String> lastRejection() {
        return snapshot.rejection();
    }

    private List<Map<String, Sourced>> layers(Map<String, Object> properties) {
        return List.of(environment, systemProperties, configAdminLayer(properties));
    }

    /** The ConfigAdmin properties, without the framework's own (service.*, component.*, felix.*). */
    static Map<String, Sourced> configAdminLayer(Map<String, Object> properties) {
        String source = configAdminSource(properties);
        Map<String, Sourced> layer = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (!(key.startsWith("service.") || key.startsWith("component.") || key.startsWith("felix.")
                    || key.startsWith("osgi.") || key.startsWith(".") || key.equals("objectClass"))) {
                layer.put(key, new Sourced(value, source));
            }
        });
        return layer;
    }

    /**
     * How the messages name the ConfigAdmin layer: with the file FileInstall read it from, or with the private
     * property {@value #ORIGIN} that its writer set (the invoker plug-in names the invoker's configuration files).
     */
    private static String configAdminSource(Map<String, Object> properties) {
        Object file = properties.get("felix.fileinstall.filename");
        if (file != null) {
            return "ConfigAdmin, file " + file;
        }
        Object origin = properties.get(ORIGIN);
        return origin == null ? "ConfigAdmin" : "ConfigAdmin, " + origin;
    }

    private static String describeOrigin(Map<String, Object> properties) {
        return isConfigAdmin(properties) ? " (" + configAdminSource(properties) + ")"
                : " (no ConfigAdmin configuration)";
    }

    private void describeStart(Map<String, Object> properties) {
        if (!isConfigAdmin(properties)) {
            LOG.info("whisk.mesos: no ConfigAdmin configuration yet (a whisk.mesos.cfg file in the configuration "
                    + "folder, or any ConfigAdmin client, provides one); {} value(s) from CONFIG_whisk_mesos_* "
                    + "environment variables and {} from -Dwhisk.mesos.* system properties, defaults for the rest",
                    environment.size(), systemProperties.size());
        }
    }
}
