package io.mesowhisk.whisk.internal;

import io.mesowhisk.whisk.WhiskMesosConfig;
import io.mesowhisk.whisk.WhiskMesosSettings;
import io.mesowhisk.whisk.internal.OpenWhiskEnvironment.Sourced;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the effective {@code whisk.mesos} settings and keeps them current: a ConfigAdmin update reaches
 * {@link #modified} on the same instance, which swaps one immutable snapshot. An invalid update is refused with a
 * message naming each key; the last good settings stay in force.
 *
 * <p>The environment and system properties are read once, at activation.
 */
@Component(service = WhiskMesosConfig.class, configurationPid = WhiskMesosConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = WhiskMesosConfigDefinition.class)
public final class WhiskMesosConfigComponent implements WhiskMesosConfig {

    private static final Logger LOG = LoggerFactory.getLogger(WhiskMesosConfigComponent.class);

    private final Map<String, Sourced> environment;
    private final Map<String, Sourced> systemProperties;
    private volatile Snapshot snapshot;

    private record Snapshot(WhiskMesosSettings settings, long generation, Optional<String> rejection) {
    }

    /** Activation by DS: reads the environment and system properties of this process. */
    @Activate
    public WhiskMesosConfigComponent(Map<String, Object> properties) {
        this(properties, System.getenv(), System.getProperties());
    }

    WhiskMesosConfigComponent(Map<String, Object> properties, Map<String, String> env, Properties system) {
        this.environment = OpenWhiskEnvironment.fromEnvironment(env);
        this.systemProperties = OpenWhiskEnvironment.fromSystemProperties(system);
        WhiskMesosSettings settings;
        try {
            settings = SettingsParser.parse(layers(properties));
        } catch (IllegalArgumentException e) {
            LOG.error("{}", e.getMessage());
            throw e;
        }
        this.snapshot = new Snapshot(settings, 1, Optional.empty());
        describeStart(properties, settings);
    }

    /** A ConfigAdmin update (or deletion) of {@code whisk.mesos}: applied live, or refused as a whole. */
    @Modified
    void modified(Map<String, Object> properties) {
        Snapshot current = snapshot;
        try {
            WhiskMesosSettings settings = SettingsParser.parse(layers(properties));
            snapshot = new Snapshot(settings, current.generation() + 1, Optional.empty());
            LOG.info("whisk.mesos: configuration {} applied ({} values set, local mode: {})",
                    current.generation() + 1, settings.sources().size(), settings.localMode());
        } catch (IllegalArgumentException e) {
            snapshot = new Snapshot(current.settings(), current.generation(), Optional.of(e.getMessage()));
            LOG.error("{}; the previous configuration ({}) stays in force", e.getMessage(), current.generation());
        }
    }

    @Override
    public WhiskMesosSettings current() {
        return snapshot.settings();
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
            LOG.info("whisk.mesos: no master-url configured: local mode, the embedded Mesos emulator is the master");
        } else {
            LOG.info("whisk.mesos: masters {}, role {}", settings.masterUrls(), settings.role());
        }
    }
}
