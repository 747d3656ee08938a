package io.mesowhisk.whisk;

import io.mesowhisk.mesos.constraints.ConstraintConfiguration;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The effective {@code whisk.mesos} configuration, published as an OSGi service and kept current while it runs.
 *
 * <p>Sources, lowest precedence first: built-in defaults, {@code CONFIG_whisk_mesos_*} environment variables
 * (OpenWhisk's transformation), {@code -Dwhisk.mesos.*} system properties, then the ConfigAdmin configuration of
 * PID {@code whisk.mesos} (files in {@code etc/}, the Web Console, Gogo, or any ConfigAdmin client). A ConfigAdmin
 * update applies live; an invalid one is refused with a message naming the key, and the last good settings stay
 * in force.
 *
 * <p>Thread-safe: every method reads one immutable snapshot; read {@link #current()} once per operation.
 */
@ProviderType
public interface WhiskMesosConfig {

    /** The PID of the configuration. */
    String PID = "whisk.mesos";

    /** The settings in force now. */
    WhiskMesosSettings current();

    /**
     * The {@code constraints} and {@code blackbox-constraints} of {@link #current()}, compiled against the constraint
     * operators (a configuration naming an operator that is not available is refused).
     */
    ConstraintConfiguration placementConstraints();

    /** Incremented each time new settings come into force (starts at 1). */
    long generation();

    /** Why the most recent configuration was refused, if it was; cleared when a later one is accepted. */
    Optional<String> lastRejection();
}
