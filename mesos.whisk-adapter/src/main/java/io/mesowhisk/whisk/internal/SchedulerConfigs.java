package io.mesowhisk.whisk.internal;

import io.mesowhisk.mesos.api.Encoding;
import io.mesowhisk.mesos.api.MesosClientConfig;
import io.mesowhisk.mesos.scheduler.FrameworkSettings;
import io.mesowhisk.mesos.scheduler.SchedulerSettings;
import io.mesowhisk.whisk.WhiskMesosSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the {@code whisk.mesos} settings mean to the scheduler: the client (masters, encoding, credentials,
 * subscribe timeout, heartbeat failures), the framework (name, user, role, failover timeout, principal) and the
 * scheduler's behaviour (refuse duration, teardown on stop, launch and stop timeouts). A pure function.
 *
 * @param client the Mesos client's settings
 * @param framework what the framework tells Mesos
 * @param scheduler how the scheduler behaves
 */
record SchedulerConfigs(MesosClientConfig client, FrameworkSettings framework, SchedulerSettings scheduler) {

    /** The heartbeat grace on top of interval × {@code heartbeat-max-failures}, as mesos-actor allowed. */
    static final Duration HEARTBEAT_GRACE = Duration.ofSeconds(2);

    /**
     * @param masters the masters to use: the configured ones, or the embedded emulator's in local mode
     */
    static SchedulerConfigs of(WhiskMesosSettings s, List<URI> masters) {
        MesosClientConfig.Builder client = MesosClientConfig.builder()
                .masters(masters)
                .encoding(s.encoding() == WhiskMesosSettings.Encoding.JSON ? Encoding.JSON : Encoding.PROTOBUF)
                .requestTimeout(s.timeouts().subscribe())
                .heartbeat(s.heartbeatMaxFailures(), HEARTBEAT_GRACE);
        if (s.principal().isPresent() && s.secret().isPresent()) {
            client.credentials(s.principal().get(), s.secret().get().reveal());
        }
        FrameworkSettings framework = new FrameworkSettings(s.frameworkName(), s.user(), s.role(),
                s.failoverTimeout(), s.principal(), Optional.empty());
        SchedulerSettings scheduler = SchedulerSettings.builder()
                .offerRefuse(s.offerRefuseDuration())
                .teardownOnStop(s.teardownOnExit())
                .launchTimeout(s.timeouts().taskLaunch())
                .stopTimeout(s.timeouts().teardown())
                .build();
        return new SchedulerConfigs(client.build(), framework, scheduler);
    }

    /** True when nothing differs from {@code other} (the client compared by its settings). */
    boolean sameAs(SchedulerConfigs other) {
        return !resubscribes(other) && scheduler.equals(other.scheduler);
    }

    /** True when going from {@code before} to this needs a new subscription (not only new behaviour). */
    boolean resubscribes(SchedulerConfigs before) {
        return !client.toString().equals(before.client.toString()) || !client.secret().equals(before.client.secret())
                || !framework.equals(before.framework);
    }
}
