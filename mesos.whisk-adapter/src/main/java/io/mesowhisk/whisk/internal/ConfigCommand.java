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
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** Gogo command {@code whisk:config}: every whisk.mesos key, its effective value and where it came from. */
@Component(service = ConfigCommand.class,
        property = {"osgi.command.scope=whisk", "osgi.command.function=config"})
public final class ConfigCommand {

    private final WhiskConfigStatus status;
    /** The container factory running now, if any: its scheduler says when the master refuses these settings. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile MesosContainerFactory factory;

    /** Constructor injection of the static reference. */
    @Activate
    public ConfigCommand(@Reference WhiskConfigStatus status) {
        this.status = status;
    }

    /** Usage: {@code whisk:config} — prints one row per key: key, value, source (default, environment, ...). */
    public ConfigReport config() {
        MesosContainerFactory f = factory;
        return report(status, f == null ? Optional.empty() : f.scheduler().status().problem());
    }

    static ConfigReport report(WhiskConfigStatus status) {
        return report(status, Optional.empty());
    }

    static ConfigReport report(WhiskConfigStatus status, Optional<String> schedulerProblem) {
        Optional<WhiskMesosSettings> settings = status.inForce();
        List<Row> rows = new ArrayList<>();
        settings.ifPresent(s -> {
            Map<String, String> sources = s.sources();
            SettingsParser.display(s).forEach((key, value) ->
                    rows.add(new Row(key, value, sources.getOrDefault(key, "default"))));
        });
        return new ConfigReport(status.generation(), settings.map(WhiskMesosSettings::localMode), rows,
                status.lastRejection(), schedulerProblem);
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
     * @param schedulerProblem why the scheduler does not run as these settings say (the master refused them)
     */
    public record ConfigReport(long generation, Optional<Boolean> localMode, List<Row> rows,
            Optional<String> lastRejection, Optional<String> schedulerProblem) implements Printable {

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
            schedulerProblem.ifPresent(p -> out.append("scheduler: ").append(p).append('\n'));
            return out.toString();
        }
    }
}
