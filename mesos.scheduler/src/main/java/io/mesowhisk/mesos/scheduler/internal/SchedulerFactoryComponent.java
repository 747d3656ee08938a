package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.api.MesosClientConfig;
import io.mesowhisk.mesos.constraints.PlacementEngine;
import io.mesowhisk.mesos.scheduler.FileFrameworkIdStore;
import io.mesowhisk.mesos.scheduler.FrameworkIdStore;
import io.mesowhisk.mesos.scheduler.FrameworkSettings;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.MesosSchedulerFactory;
import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import io.mesowhisk.mesos.scheduler.SchedulerSettings;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * The {@link MesosSchedulerFactory} service: schedulers wired to the {@link PlacementEngine} service and to a
 * {@link FrameworkIdStore} service when one is registered (read at each {@link #create}), otherwise a file per
 * framework name and role in the directory named by the launch property {@code mesos.scheduler.state.dir}, or in
 * this bundle's data area when that property is not set. Each scheduler is registered as a {@link MesosScheduler} and a
 * {@link SchedulerMetrics} service until it stops; the schedulers still running when this component deactivates are
 * closed (stream closed, or TEARDOWN if their settings say so).
 */
@Component(service = MesosSchedulerFactory.class)
public final class SchedulerFactoryComponent implements MesosSchedulerFactory {

    /**
     * Launch (framework or system) property: the directory for the framework id files, so that the id survives a
     * restart of a product whose bundle cache is fresh at every start. Relative paths resolve against the working
     * directory.
     */
    static final String STATE_DIR_PROPERTY = "mesos.scheduler.state.dir";

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerFactoryComponent.class);

    private final BundleContext context;
    private final PlacementEngine placement;
    private final Map<MesosScheduler, List<ServiceRegistration<?>>> created = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile FrameworkIdStore idStore;

    /** Constructor injection of the static references. */
    @Activate
    public SchedulerFactoryComponent(BundleContext context, @Reference PlacementEngine placement) {
        this.context = context;
        this.placement = placement;
    }

    @Override
    public MesosScheduler create(MesosClientConfig client, FrameworkSettings framework, SchedulerSettings settings) {
        FrameworkIdStore store = idStore;
        if (store == null) {
            store = new FileFrameworkIdStore(idFile(context, framework.name(), framework.role()));
        }
        MesosScheduler scheduler = MesosScheduler.builder().client(client).framework(framework).settings(settings)
                .idStore(store).placementEngine(placement).build();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("mesos.framework.name", framework.name());
        props.put("mesos.framework.role", framework.role());
        List<ServiceRegistration<?>> regs = new ArrayList<>();
        regs.add(context.registerService(MesosScheduler.class, scheduler, props));
        regs.add(context.registerService(SchedulerMetrics.class, scheduler.metrics(), props));
        created.put(scheduler, regs);
        ((SchedulerEngine) scheduler).whenStopped().whenComplete((v, e) -> unregister(scheduler));
        return scheduler;
    }

    private void unregister(MesosScheduler scheduler) {
        List<ServiceRegistration<?>> regs = created.remove(scheduler);
        if (regs != null) {
            for (ServiceRegistration<?> r : regs) {
                try {
                    r.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the bundle stopped first
                }
            }
        }
    }

    /** Closes the schedulers still running. */
    @Deactivate
    void deactivate() {
        for (MesosScheduler s : new ArrayList<>(created.keySet())) {
            LOG.info("closing {} as its factory goes away", s);
            s.close();
            unregister(s);
        }
    }

    /**
     * The framework id file of a framework name and role: in the directory named by the launch property
     * {@value #STATE_DIR_PROPERTY} when it is set (created if missing), else in the bundle's data area.
     *
     * @throws IllegalStateException naming the property if its directory cannot be created or is not writable, or
     *         when neither the property nor a bundle data area is available
     */
    static Path idFile(BundleContext context, String name, String role) {
        String fileName = "framework-id-" + fileSafe(name) + "-" + fileSafe(role);
        String dirProperty = context.getProperty(STATE_DIR_PROPERTY);
        if (dirProperty != null && !dirProperty.isBlank()) {
            Path dir;
            try {
                dir = Path.of(dirProperty.trim()).toAbsolutePath();
            } catch (InvalidPathException e) {
                throw new IllegalStateException(STATE_DIR_PROPERTY + "=" + dirProperty + " is not a valid path: "
                        + e.getMessage(), e);
            }
            try {
                Files.createDirectories(dir);
            } catch (IOException | SecurityException e) {
                throw new IllegalStateException("cannot create the directory " + dir + " named by "
                        + STATE_DIR_PROPERTY + " (for the framework id file): " + e, e);
            }
            if (!Files.isWritable(dir)) {
                throw new IllegalStateException("the directory " + dir + " named by " + STATE_DIR_PROPERTY
                        + " (for the framework id file) is not writable");
            }
            return dir.resolve(fileName);
        }
        File file = context.getDataFile(fileName);
        if (file == null) {
            throw new IllegalStateException("the framework has no bundle data area for the framework id file;"
                    + " set the launch property " + STATE_DIR_PROPERTY + " or register a FrameworkIdStore service");
        }
        return file.toPath();
    }

    private static String fileSafe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '_');
        }
        return b.toString();
    }
}
