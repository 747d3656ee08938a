package io.mesowhisk.whisk.internal;

import io.mesowhisk.whisk.WhiskConfigStatus;
import io.mesowhisk.whisk.WhiskMesosSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo command {@code whisk:config}: every whisk.mesos key, its effective value and where it came from. */
@Component(service = ConfigCommand.class,
        property = {"osgi.command.scope=whisk", "osgi.command.function=config"})
public final class ConfigCommand {

    private final WhiskConfigStatus status;

    /** Constructor injection of the static reference. */
    @Activate
    public ConfigCommand(@Reference WhiskConfigStatus status) {
        this.status = status;
    }

    /** Usage: {@code whisk:config} — prints one row per key: key, value, source (default, environment, ...). */
    public ConfigReport config() {
        return report(status);
    }

    static ConfigReport report(WhiskConfigStatus status) {
        Optional<WhiskMesosSettings> settings = status.inForce();
        List<Row> rows = new ArrayList<>();
        settings.ifPresent(s -> {
            Map<String, String> sources = s.sources();
            SettingsParser.display(s).forEach((key, value) ->
                    rows.add(new Row(key, value, sources.getOrDefault(key, "default"))));
        });
        return new ConfigReport(status.generation(), settings.map(WhiskMesosSettings::localMode), rows,
                status.lastRejection());
    }

    /** One key: its effective value (the secret masked) and where it came from. */
    public record Row(String key, String value, String source) {
    }

    /**
     * What {@code whisk:config} returns.
     *
     * @param generation the configuration in force (0: none)
     * @param localMode whether it is local mode (empty: nothing in force)
     * @param rows every key
     * @param lastRejection why the last configuration was refused
     */
    public record ConfigReport(long generation, Optional<Boolean> localMode, List<Row> rows,
            Optional<String> lastRejection) implements Printable {

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            if (localMode.isEmpty()) {
                out.append("whisk.mesos: NO configuration in force; no containers can be created\n");
            } else {
                out.append("whisk.mesos configuration ").append(generation)
                        .append(localMode.get() ? " (local mode: embedded Mesos emulator)" : "").append('\n');
                int k = "key".length();
                int v = "value".length();
                for (Row r : rows) {
                    k = Math.max(k, r.key().length());
                    v = Math.max(v, r.value().length());
                }
                String format = "%-" + k + "s  %-" + v + "s  %s%n";
                out.append(String.format(format, "key", "value", "source"));
                rows.forEach(r -> out.append(String.format(format, r.key(), r.value(), r.source())));
            }
            lastRejection.ifPresent(r -> out.append("last update REFUSED: ").append(r).append('\n'));
            return out.toString();
        }
    }
}
