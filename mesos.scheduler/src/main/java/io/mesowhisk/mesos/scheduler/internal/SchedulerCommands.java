package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.scheduler.AgentView;
import io.mesowhisk.mesos.scheduler.HeldOffer;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import io.mesowhisk.mesos.scheduler.SchedulerStatus;
import io.mesowhisk.mesos.scheduler.TaskView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Gogo commands over every registered {@link MesosScheduler}: {@code mesos:status}, {@code mesos:tasks},
 * {@code mesos:offers}, {@code mesos:agents}, {@code mesos:metrics}. They return data (records holding the API's
 * records, for scripts) that print as readable text ({@link SchedulerReports}).
 */
@Component(service = SchedulerCommands.class, property = {"osgi.command.scope=mesos",
    "osgi.command.function=status", "osgi.command.function=tasks", "osgi.command.function=offers",
    "osgi.command.function=agents", "osgi.command.function=metrics"})
public final class SchedulerCommands {

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private final List<MesosScheduler> schedulers = new CopyOnWriteArrayList<>();

    /** Usage: {@code mesos:status} — state, framework id, leader, last heartbeat and tasks per phase of each. */
    public SchedulerReports.StatusReport status() {
        List<SchedulerStatus> out = new ArrayList<>();
        schedulers.forEach(s -> out.add(s.status()));
        return new SchedulerReports.StatusReport(out);
    }

    /** Usage: {@code mesos:tasks} — every task of every scheduler. */
    public SchedulerReports.TaskTable tasks() {
        List<TaskView> out = new ArrayList<>();
        schedulers.forEach(s -> out.addAll(s.tasks()));
        return new SchedulerReports.TaskTable(out);
    }

    /** Usage: {@code mesos:offers} — offers held for quick launches. */
    public SchedulerReports.OfferTable offers() {
        List<HeldOffer> out = new ArrayList<>();
        schedulers.forEach(s -> out.addAll(s.heldOffers()));
        return new SchedulerReports.OfferTable(out);
    }

    /** Usage: {@code mesos:agents} — agents seen in offers. */
    public SchedulerReports.AgentTable agents() {
        List<AgentView> out = new ArrayList<>();
        schedulers.forEach(s -> out.addAll(s.agents()));
        return new SchedulerReports.AgentTable(out);
    }

    /** Usage: {@code mesos:metrics} — counters and latency histograms of each scheduler. */
    public SchedulerReports.MetricsReport metrics() {
        List<SchedulerMetrics.Snapshot> out = new ArrayList<>();
        schedulers.forEach(s -> out.add(s.metrics().snapshot()));
        return new SchedulerReports.MetricsReport(out);
    }
}
