package io.mesowhisk.whisk.internal;

import io.mesowhisk.mesos.constraints.ConstraintConfiguration;
import io.mesowhisk.whisk.WhiskMesosSettings;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * What the container factory reads once per operation: the settings in force, their compiled constraints, and the
 * masters the scheduler talks to (the configured ones, or the embedded emulator's in local mode).
 *
 * @param settings the whisk.mesos settings in force
 * @param constraints their constraints, compiled
 * @param masters the masters in use
 */
record FactoryView(WhiskMesosSettings settings, ConstraintConfiguration constraints, List<URI> masters) {

    FactoryView {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(constraints, "constraints");
        masters = List.copyOf(masters);
    }

    /** The master URL shown to users: {@code master-public-url}, else the first master in use. */
    String publicUrl() {
        return settings.masterPublicUrl().or(() -> masters.stream().findFirst()).map(URI::toString).orElse("");
    }
}
