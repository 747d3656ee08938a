package io.mesowhisk.whisk.internal;

import io.mesowhisk.whisk.WhiskMesosConfig;
import io.mesowhisk.whisk.WhiskMesosSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo command {@code whisk:config}: the effective whisk.mesos settings and where each value came from. */
@Component(service = ConfigCommand.class,
        property = {"osgi.command.scope=whisk", "osgi.command.function=config"})
public final class ConfigCommand {

    private final WhiskMesosConfig config;

    /** Constructor injection of the static reference. */
    @Activate
    public ConfigCommand(@Reference WhiskMesosConfig config) {
        this.config = config;
    }

    /** Usage: {@code whisk:config}. */
    public String config() {
        WhiskMesosSettings s = config.current();
        StringBuilder out = new StringBuilder();
        out.append("whisk.mesos configuration ").append(config.generation())
                .append(s.localMode() ? " (local mode: embedded Mesos emulator)" : "").append('\n');
        out.append(s).append('\n');
        out.append("set by:\n");
        s.sources().forEach((key, source) -> out.append("  ").append(key).append(" <- ").append(source).append('\n'));
        config.lastRejection().ifPresent(r -> out.append("last update REFUSED: ").append(r).append('\n'));
        return out.toString();
    }
}
