package io.mesowhisk.whisk.internal;

import io.mesowhisk.mesos.api.LocalMaster;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.MesosSchedulerFactory;
import io.mesowhisk.whisk.WhiskContainerFactory;
import io.mesowhisk.whisk.WhiskMesosConfig;
import io.mesowhisk.whisk.WhiskMesosSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs OpenWhisk's container factory in OSGi: one scheduler subscribed to the configured masters (or, in local
 * mode, to the embedded emulator's {@link LocalMaster}), and the {@link WhiskContainerFactory} service over it,
 * registered while it runs.
 *
 * <p>Live reconfiguration: each new {@code whisk.mesos} configuration (the service property
 * {@value WhiskMesosConfigComponent#GENERATION} changes) is read by later operations at once (constraints, health
 * check, timeouts, retries, log message); a change of masters, credentials, encoding, role, framework name, user or
 * failover timeout resubscribes the scheduler with the same framework id, keeping every container. Going between
 * local mode and a real cluster replaces the scheduler (the containers of the other cluster are not ours to keep).
 * Nothing runs while no configuration is in force, or in local mode until the emulator is up.
 *
 * <p>All of this happens on one thread of its own, so DS callbacks never wait for Mesos.
 */
@Component(immediate = true, service = {})
public final class WhiskContainerFactoryComponent {

    private static final Logger LOG = LoggerFactory.getLogger(WhiskContainerFactoryComponent.class);
    /** How long {@code logs(…, waitForSentinel)} waits without new output, as OpenWhisk's docker containers do. */
    static final Duration LOG_IDLE_WAIT = Duration.ofSeconds(2);
    /** How long the emulator's departure waits for the scheduler subscribed to it to stop (its stop is bounded too). */
    static final Duration LOCAL_MASTER_STOP_WAIT = Duration.ofSeconds(35);

    private final BundleContext context;
    private volatile MesosSchedulerFactory schedulers;
    private volatile io.mesowhisk.mesos.constraints.PlacementEngine placement;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "whisk-container-factory");
        t.setDaemon(true);
        return t;
    });
    private final java.net.http.HttpClient http = MesosContainerFactory.httpClient();

    private volatile WhiskMesosConfig config;
    private volatile LocalMaster localMaster;

    // owned by the worker thread
    private Running running;
    private volatile FactoryView view;

    private record Running(MesosScheduler scheduler, MesosContainerFactory factory, SchedulerConfigs configs,
            boolean local, ServiceRegistration<?> registration) {
    }

    @Activate
    public WhiskContainerFactoryComponent(BundleContext context) {
        this.context = context;
        apply();
    }

    /** The scheduler bundle's factory service, when it runs one; otherwise schedulers are built here. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSchedulers(MesosSchedulerFactory f) {
        schedulers = f;
    }

    void unbindSchedulers(MesosSchedulerFactory f) {
        if (schedulers == f) {
            schedulers = null;
        }
    }

    /** The placement engine service, for schedulers built here. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindPlacement(io.mesowhisk.mesos.constraints.PlacementEngine engine) {
        placement = engine;
    }

    void unbindPlacement(io.mesowhisk.mesos.constraints.PlacementEngine engine) {
        if (placement == engine) {
            placement = null;
        }
    }

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            updated = "updatedConfig")
    void bindConfig(WhiskMesosConfig c) {
        config = c;
        apply();
    }

    void updatedConfig(WhiskMesosConfig c) {
        apply();
    }

    void unbindConfig(WhiskMesosConfig c) {
        if (config == c) {
            config = null;
            apply();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindLocalMaster(LocalMaster m) {
        localMaster = m;
        apply();
    }

    /**
     * The embedded emulator is going away (leaving local mode, or its bundle stops). DS calls this before the
     * emulator stops, so the scheduler subscribed to it is stopped here, waiting (bounded): its TEARDOWN then still
     * reaches the emulator instead of failing on a connection the emulator's shutdown cut.
     */
    void unbindLocalMaster(LocalMaster m) {
        if (localMaster == m) {
            localMaster = null;
            apply();
            awaitWorker(LOCAL_MASTER_STOP_WAIT);
        }
    }

    /** Waits until the work queued so far (a reconcile, a stop) has run, at most {@code bound}. */
    private void awaitWorker(Duration bound) {
        try {
            worker.submit(() -> { }).get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.RejectedExecutionException | java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            LOG.debug("whisk container factory: did not wait for the local scheduler's stop: {}", e.toString());
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.execute(() -> stop("the component stops"));
        worker.shutdown();
        if (!worker.awaitTermination(60, TimeUnit.SECONDS)) {
            LOG.warn("whisk container factory: the scheduler did not stop within 60 s");
        }
    }

    private void apply() {
        if (!worker.isShutdown()) {
            worker.execute(this::reconcile);
        }
    }

    /** Makes what runs match the configuration and the local master now. */
    private void reconcile() {
        WhiskMesosConfig c = config;
        if (c == null) {
            stop("no whisk.mesos configuration is in force");
            return;
        }
        WhiskMesosSettings settings;
        try {
            settings = c.current();
        } catch (IllegalStateException withdrawn) {
            stop("no whisk.mesos configuration is in force");
            return;
        }
        LocalMaster local = localMaster;
        List<URI> masters;
        if (settings.localMode()) {
            if (local == null) {
                stop("local mode: waiting for the embedded Mesos emulator");
                return;
            }
            masters = List.of(local.endpoint());
        } else {
            masters = settings.masterUrls();
        }
        FactoryView next = new FactoryView(settings, c.placementConstraints(), masters);
        SchedulerConfigs configs;
        try {
            configs = SchedulerConfigs.of(settings, masters);
        } catch (IllegalArgumentException e) {
            LOG.error("whisk container factory: the settings cannot be used: {}", e.getMessage());
            return;
        }
        view = next;
        Running r = running;
        if (r != null && r.local() != settings.localMode()) {
            stop(settings.localMode() ? "switching to local mode" : "switching from local mode to " + masters);
            r = null;
        }
        if (r == null) {
            start(configs, settings.localMode());
        } else if (!configs.sameAs(r.configs())) {
            boolean resubscribe = configs.resubscribes(r.configs());
            // the same client and framework objects when they did not change: the scheduler keeps its subscription
            SchedulerConfigs applied = resubscribe ? configs
                    : new SchedulerConfigs(r.configs().client(), r.configs().framework(), configs.scheduler());
            r.scheduler().reconfigure(applied.client(), applied.framework(), applied.scheduler());
            running = new Running(r.scheduler(), r.factory(), applied, r.local(), r.registration());
            LOG.info("whisk container factory: settings applied{}", resubscribe
                    ? ", resubscribing to " + masters + " with the same framework id" : "");
        }
    }

    private void start(SchedulerConfigs configs, boolean local) {
        MesosScheduler scheduler;
        try {
            MesosSchedulerFactory f = schedulers;
            if (f != null) {
                scheduler = f.create(configs.client(), configs.framework(), configs.scheduler());
            } else {
                // no scheduler factory service: build one, its framework id kept in this bundle's data area
                // (in local mode in memory: every start of the product starts a new emulated cluster)
                MesosScheduler.Builder b = MesosScheduler.builder().client(configs.client())
                        .framework(configs.framework()).settings(configs.scheduler())
                        .name(configs.framework().name());
                java.io.File idFile = local ? null : context.getDataFile("framework-id-"
                        + configs.framework().name().replaceAll("[^A-Za-z0-9._-]", "_"));
                if (idFile != null) {
                    b.idFile(idFile.toPath());
                }
                io.mesowhisk.mesos.constraints.PlacementEngine engine = placement;
                if (engine != null) {
                    b.placementEngine(engine);
                }
                scheduler = b.build();
            }
        } catch (RuntimeException e) {
            LOG.error("whisk container factory: cannot start the scheduler: {}", e.getMessage(), e);
            return;
        }
        MesosContainerFactory factory = new MesosContainerFactory(scheduler, () -> view, http, LOG_IDLE_WAIT);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("whisk.mesos.local-mode", local);
        ServiceRegistration<?> registration = context.registerService(
                new String[] {WhiskContainerFactory.class.getName(), MesosContainerFactory.class.getName()},
                factory, props);
        running = new Running(scheduler, factory, configs, local, registration);
        LOG.info("whisk container factory: running, framework {} subscribing to {}{}", configs.framework().name(),
                configs.client().masters(), local ? " (local mode: the embedded Mesos emulator)" : "");
    }

    private void stop(String why) {
        Running r = running;
        if (r == null) {
            return;
        }
        running = null;
        try {
            r.registration().unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping
        }
        r.scheduler().close();
        LOG.info("whisk container factory: stopped ({})", why);
    }

    /** The factory running now, for tests. */
    Optional<MesosContainerFactory> factory() {
        Running r = running;
        return Optional.ofNullable(r).map(Running::factory);
    }
}
