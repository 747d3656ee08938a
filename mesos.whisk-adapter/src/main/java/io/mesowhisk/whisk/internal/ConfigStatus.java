package io.mesowhisk.whisk.internal;

import io.mesowhisk.whisk.WhiskMesosSettings;
import java.util.Optional;

/**
 * The state of the {@code whisk.mesos} configuration, also when nothing is in force (what {@code whisk:config}
 * shows). Registered by {@link WhiskMesosConfigComponent} as a service of this bundle only.
 */
public interface ConfigStatus {

    /** The settings in force, if any configuration was accepted. */
    Optional<WhiskMesosSettings> inForce();

    /** The generation of the settings in force (0 while none is). */
    long generation();

    /** Why the most recent configuration was refused, if it was. */
    Optional<String> lastRejection();
}
