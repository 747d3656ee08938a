package io.mesowhisk.mesos.api;

import java.net.URI;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A Mesos master running inside this JVM, registered as an OSGi service by the bundle that runs it (the Mesos
 * emulator in local mode). Frameworks configured without a master URL subscribe to it.
 *
 * <p>Implementations are thread-safe; {@link #endpoint()} is valid while the service is registered.
 */
@ConsumerType
public interface LocalMaster {

    /** The master's base URL, e.g. {@code http://127.0.0.1:41234}; the scheduler API is at {@code /api/v1/scheduler}. */
    URI endpoint();
}
