package io.mesowhisk.mesos.scheduler;

import io.mesowhisk.mesos.api.MesosClientConfig;
import org.osgi.annotation.versioning.ProviderType;

/**
 * OSGi service that creates schedulers, wired to the framework's {@code PlacementEngine} service and framework id
 * store: a {@link FrameworkIdStore} service when one is registered, otherwise a {@link FileFrameworkIdStore} in the
 * bundle's data area (one file per framework name and role). Each scheduler it creates is registered as a
 * {@link MesosScheduler} service (properties {@code mesos.framework.name}, {@code mesos.framework.role}) until it
 * is stopped, so operator commands find it. Schedulers still running when the factory's bundle stops are closed.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface MesosSchedulerFactory {

    /**
     * Creates and starts a scheduler; it subscribes at once.
     *
     * @throws IllegalArgumentException for settings that are wrong (named)
     */
    MesosScheduler create(MesosClientConfig client, FrameworkSettings framework, SchedulerSettings settings);
}
