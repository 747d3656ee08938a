package io.mesowhisk.whisk;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The state of the {@code whisk.mesos} configuration, also while nothing is in force: what {@code whisk:config}
 * shows, and what a host (the OpenWhisk invoker plug-in) reads to tell why no container factory comes up. Unlike
 * {@link WhiskMesosConfig}, which is registered only while settings are in force, this service is registered as
 * long as the adapter runs.
 *
 * <p>Thread-safe: each method reads the latest state; the three need not come from the same instant.
 */
@ProviderType
public interface WhiskConfigStatus {

    /** The settings in force, if any configuration was accepted. */
    Optional<WhiskMesosSettings> inForce();

    /** The generation of the settings in force (0 while none is). */
    long generation();

    /** Why the most recent configuration was refused, if it was. */
    Optional<String> lastRejection();
}
