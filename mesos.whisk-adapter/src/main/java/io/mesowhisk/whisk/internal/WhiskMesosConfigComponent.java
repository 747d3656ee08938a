package io.mesowhisk.whisk.internal;

import io.mesowhisk.mesos.constraints.ConstraintCompiler;
import io.mesowhisk.mesos.constraints.ConstraintConfiguration;
import io.mesowhisk.mesos.constraints.ConstraintException;
import io.mesowhisk.mesos.constraints.OperatorListener;
import io.mesowhisk.whisk.WhiskMesosConfig;
import io.mesowhisk.whisk.WhiskMesosSettings;
import io.mesowhisk.whisk.internal.OpenWhiskEnvironment.Sourced;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the effective {@code whisk.mesos} settings and keeps them current: a ConfigAdmin update reaches
 * {@link #modified} on the same instance, which swaps one immutable snapshot. An invalid update is refused with a
 * message naming each key; the last good settings stay in force.
 *
 * <p>The constraint lists are compiled against the constraint operators available now: a configuration naming
 * an operator that is not available is refused like any other bad value (the message lists the available
 * operators), and retried when the operators change, so installing the operator's bundle heals it.
 *
 * <p>The environment and system properties are read once, at activation.
 */
@Component(service = WhiskMesosConfig.class, configurationPid = WhiskMesosConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = WhiskMesosConfigDefinition.class)
public final class WhiskMesosConfigComponent implements WhiskMesosConfig, OperatorListener {

    private static final Logger LOG = LoggerFactory.getLogger(WhiskMesosConfigComponent.class);

    /** PID of the embedded Mesos emulator (bundle mesos.emulator), started in local mode. */
    static final String EMULATOR_PID = "mesos.emulator";
    /** Marks an emulator configuration this component created, so that it only ever deletes its own. */
    static final String CREATED_BY = "created.by";

    private final ConstraintCompiler compiler;
    private volatile ConfigurationAdmin configAdmin;
    private final Map<String, Sourced> environment;
    private final Map<String, Sourced> systemProperties;
    private volatile Snapshot snapshot;

    private record Snapshot(WhiskMesosSettings settings, ConstraintConfiguration constraints, long generation,
            Optional<String> rejection, Map<String, Object> requested) {
    }

    private record Accepted(WhiskMesosSettings settings, ConstraintConfiguration constraints) {
    }

    /** Activation by DS: reads the environment and system properties of this process. */
    @Activate
    public WhiskMesosConfigComponent(@Reference ConstraintCompiler compiler, Map<String, Object> properties) {
        this(compiler, properties, System.getenv(), System.getProperties());
    }

    WhiskMesosConfigComponent(ConstraintCompiler compiler, Map<String, Object> properties, Map<String, String> env,
            Properties system) {
        this.compiler = compiler;
        this.environment = OpenWhiskEnvironment.fromEnvironment(env);
        this.systemProperties = OpenWhiskEnvironment.fromSystemProperties(system);
        Accepted accepted;
        try {
            accepted = accept(properties);
        } catch (IllegalArgumentException e) {
            LOG.error("{}", e.getMessage());
            throw e;
        }
        this.snapshot = new Snapshot(accepted.settings(), accepted.constraints(), 1, Optional.empty(), properties);
        compiler.addListener(this);
        describeStart(properties, accepted.settings());
    }

    /**
     * ConfigurationAdmin, used to start the embedded emulator in local mode (optional: absent, no local master).
     * DS binds it after the constructor has run, so the snapshot is there to act on.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindConfigAdmin(ConfigurationAdmin admin) {
        configAdmin = admin;
        provisionLocalMaster(snapshot.settings());
    }

    void unbindConfigAdmin(ConfigurationAdmin admin) {
        if (configAdmin == admin) {
            configAdmin = null;
        }
    }

    /**
     * Local mode (no master-url): make sure the embedded Mesos emulator runs, by giving its component a
     * configuration; with a master-url, remove the configuration this component created, which stops it.
     */
    private void provisionLocalMaster(WhiskMesosSettings settings) {
        ConfigurationAdmin admin = configAdmin;
        if (admin == null) {
            return;
        }
        try {
            Configuration emulator = admin.getConfiguration(EMULATOR_PID, "?");
            java.util.Dictionary<String, Object> existing = emulator.getProperties();
            if (settings.localMode() && existing == null) {
                java.util.Hashtable<String, Object> p = new java.util.Hashtable<>();
                p.put(CREATED_BY, WhiskMesosConfig.PID);
                emulator.update(p);
                LOG.info("whisk.mesos: local mode: starting the embedded Mesos emulator (configuration PID {})",
                        EMULATOR_PID);
            } else if (!settings.localMode() && existing != null
                    && WhiskMesosConfig.PID.equals(existing.get(CREATED_BY))) {
                emulator.delete();
                LOG.info("whisk.mesos: master-url set: stopping the embedded Mesos emulator");
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.error("whisk.mesos: could not {} the embedded Mesos emulator's configuration",
                    settings.localMode() ? "create" : "delete", e);
        }
    }

    @Deactivate
    void deactivate() {
        compiler.removeListener(this);
    }

    /** A ConfigAdmin update (or deletion) of {@code whisk.mesos}: applied live, or refused as a whole. */
    @Modified
    synchronized void modified(Map<String, Object> properties) {
        Snapshot current = snapshot;
        try {
            Accepted accepted = accept(properties);
            snapshot = new Snapshot(accepted.settings(), accepted.constraints(), current.generation() + 1,
                    Optional.empty(), properties);
            LOG.info("whisk.mesos: configuration {} applied ({} values set, local mode: {})",
                    current.generation() + 1, accepted.settings().sources().size(), accepted.settings().localMode());
            provisionLocalMaster(accepted.settings());
        } catch (IllegalArgumentException e) {
            snapshot = new Snapshot(current.settings(), current.constraints(), current.generation(),
                    Optional.of(e.getMessage()), properties);
            LOG.error("{}; the previous configuration ({}) stays in force", e.getMessage(), current.generation());
        }
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

    private Accepted accept(Map<String, Object> properties) {
        WhiskMesosSettings settings = SettingsParser.parse(layers(properties));
        try {
            return new Accepted(settings, ConstraintConfiguration.compile(compiler, settings.constraints(),
                    settings.blackboxConstraints(), settings.constraintDelimiter()));
        } catch (ConstraintException e) {
            throw new IllegalArgumentException("invalid whisk.mesos configuration: whisk.mesos." + e.getMessage(), e);
        }
    }

    @Override
    public WhiskMesosSettings current() {
        return snapshot.settings();
    }

    @Override
    public ConstraintConfiguration placementConstraints() {
        return snapshot.constraints();
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
        Object file = properties.get("felix.fileinstall.filename");
        String source = file == null ? "ConfigAdmin" : "ConfigAdmin, file " + file;
        Map<String, Sourced> layer = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (!(key.startsWith("service.") || key.startsWith("component.") || key.startsWith("felix.")
                    || key.startsWith("osgi.") || key.startsWith(".") || key.equals("objectClass"))) {
                layer.put(key, new Sourced(value, source));
            }
        });
        return layer;
    }

    private void describeStart(Map<String, Object> properties, WhiskMesosSettings settings) {
        if (!properties.containsKey("service.pid")) {
            LOG.info("whisk.mesos: no ConfigAdmin configuration (a whisk.mesos.cfg file in the configuration folder, "
                    + "or any ConfigAdmin client, provides one); {} value(s) from CONFIG_whisk_mesos_* environment "
                    + "variables and {} from -Dwhisk.mesos.* system properties, defaults for the rest",
                    environment.size(), systemProperties.size());
        }
        if (settings.localMode()) {
            LOG.info("whisk.mesos: no master-url configured: local mode, the embedded Mesos emulator (bundle "
                    + "mesos.emulator) is the master");
        } else {
            LOG.info("whisk.mesos: masters {}, role {}", settings.masterUrls(), settings.role());
        }
    }
}
