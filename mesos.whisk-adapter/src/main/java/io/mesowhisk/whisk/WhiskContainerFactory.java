package io.mesowhisk.whisk;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * OpenWhisk's container factory on Mesos: creates action containers as Mesos tasks and tears them down again. This
 * is the Java form of OpenWhisk's {@code ContainerFactory} SPI; the invoker plug-in (a separate bundle) adapts it to
 * the Scala trait. The adapter registers it as an OSGi service once the {@code whisk.mesos} configuration is in
 * force; in plain Java the adapter's internal factory class builds one over a scheduler.
 *
 * <p>A task is built as OpenWhisk's old Mesos factory built it: the image as given (already resolved by the
 * caller), cpus = the cpu limit if given else {@code cpuShares / 1024}, memory in MB, one host port mapped to the
 * action proxy's container port 8080, the network, DNS servers and docker parameters of the request, environment
 * {@code __OW_API_HOST} plus the extra environment, task id {@code whisk-<invoker>-<start epoch s>-<counter>},
 * {@code blackbox-constraints} for user-provided images else {@code constraints}, and the TCP health check of
 * {@code health-check.*}.
 *
 * <p>Thread-safe: every method may be called from any thread; {@link #createContainer} never blocks.
 */
@ProviderType
public interface WhiskContainerFactory {

    /**
     * Launches one action container.
     *
     * @param request what the invoker asks for
     * @return completes with the container once its task is RUNNING (and healthy, when a health check is
     *         configured); completes exceptionally with a {@link ContainerException}: {@link
     *         ContainerException.Kind#CLUSTER_RESOURCES} when no agent has the capacity (the message says what was
     *         asked and what was offered; nothing was started, the caller may retry later), {@link
     *         ContainerException.Kind#BLACKBOX_STARTUP} when a user-provided image could not be pulled or started,
     *         {@link ContainerException.Kind#WHISK_STARTUP} for any other startup failure (after the {@code
     *         docker-failure-retries} retries of docker run and pull failures, each with a new task id), {@link
     *         ContainerException.Kind#STOPPED} when the factory was cleaned up meanwhile
     */
    CompletionStage<WhiskContainer> createContainer(ContainerRequest request);

    /** Called once by the invoker after loading the factory; nothing to do on Mesos beyond what activation did. */
    void init();

    /**
     * Ends the factory's work, blocking the caller: with {@code teardown-on-exit} the framework is torn down (Mesos
     * kills every task of it); otherwise every container of this factory is killed and awaited. Bounded by {@code
     * timeouts.teardown}: returns when that time is up even if Mesos has not confirmed everything (what is left is
     * logged). Containers created later fail with {@link ContainerException.Kind#STOPPED}.
     */
    void cleanup();
}
