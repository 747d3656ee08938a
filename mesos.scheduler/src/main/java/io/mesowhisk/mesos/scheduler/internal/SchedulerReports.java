package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.scheduler.AgentView;
import io.mesowhisk.mesos.scheduler.HeldOffer;
import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import io.mesowhisk.mesos.scheduler.SchedulerStatus;
import io.mesowhisk.mesos.scheduler.TaskPhase;
import io.mesowhisk.mesos.scheduler.TaskView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the {@code mesos:} commands return: the API's records, kept as data for scripts, printed as the operator
 * reads them (one block per scheduler, one row per task, offer or agent).
 */
public final class SchedulerReports {

    private SchedulerReports() {
    }

    /** {@code mesos:status}: one block per scheduler. */
    public record StatusReport(List<SchedulerStatus> schedulers) implements Printable {
        @Override
        public String toString() {
            if (schedulers.isEmpty()) {
                return "no scheduler";
            }
            StringBuilder out = new StringBuilder();
            for (SchedulerStatus s : schedulers) {
                out.append(String.format("%-16s %s%n", "state", s.state()));
                out.append(String.format("%-16s %s%n", "framework id", s.frameworkId().orElse("(none yet)")));
                out.append(String.format("%-16s %s%n", "leading master", s.leader().map(Object::toString)
                        .orElse("(none)")));
                out.append(String.format("%-16s %s%n", "last event", s.lastHeartbeat().map(SchedulerReports::ago)
                        .orElse("(none)")));
                StringBuilder phases = new StringBuilder();
                for (TaskPhase p : TaskPhase.values()) {
                    Integer n = s.tasksByPhase().get(p);
                    if (n != null && n > 0) {
                        phases.append(phases.isEmpty() ? "" : ", ").append(p).append(' ').append(n);
                    }
                }
                out.append(String.format("%-16s %s%n", "tasks", phases.isEmpty() ? "none" : phases));
                s.problem().ifPresent(p -> out.append(String.format("%-16s %s%n", "problem", p)));
            }
            return out.toString();
        }
    }

    /** {@code mesos:tasks}: one row per task. */
    public record TaskTable(List<TaskView> tasks) implements Printable {
        @Override
        public String toString() {
            if (tasks.isEmpty()) {
                return "no tasks";
            }
            StringBuilder out = new StringBuilder(String.format("%-44s %-10s %-14s %-24s %-12s %s%n", "task",
                    "phase", "state", "host", "ports", "why"));
            for (TaskView t : tasks) {
                out.append(String.format("%-44s %-10s %-14s %-24s %-12s %s", t.taskId(), t.phase(),
                        t.lastState().map(Enum::name).orElse("-"), t.hostname().orElse("-"),
                        t.hostPorts().isEmpty() ? "-" : t.hostPorts().toString(), t.why()).stripTrailing())
                        .append('\n');
            }
            return out.toString();
        }
    }

    /** {@code mesos:offers}: one row per held offer. */
    public record OfferTable(List<HeldOffer> offers) implements Printable {
        @Override
        public String toString() {
            if (offers.isEmpty()) {
                return "no offers held";
            }
            StringBuilder out = new StringBuilder(String.format("%-44s %-24s %8s %10s %10s %-20s %s%n", "offer",
                    "host", "cpus", "mem MB", "disk MB", "ports", "expires in"));
            for (HeldOffer o : offers) {
                out.append(String.format("%-44s %-24s %8.3f %10.0f %10.0f %-20s %s%n", o.offerId(), o.hostname(),
                        o.cpus(), o.memMb(), o.diskMb(), o.ports(), until(o.expires())));
            }
            return out.toString();
        }
    }

    /** {@code mesos:agents}: one row per agent seen in offers. */
    public record AgentTable(List<AgentView> agents) implements Printable {
        @Override
        public String toString() {
            if (agents.isEmpty()) {
                return "no agents seen";
            }
            StringBuilder out = new StringBuilder(String.format("%-24s %6s %8s %10s %-12s %-14s %s%n", "host",
                    "tasks", "cpus", "mem MB", "last offer", "blacklisted", "attributes"));
            for (AgentView a : agents) {
                out.append(String.format("%-24s %6d %8.3f %10.0f %-12s %-14s %s%n", a.hostname(), a.tasks(),
                        a.offeredCpus(), a.offeredMemMb(), ago(a.lastOffer()),
                        a.blacklistedPorts().isEmpty() ? "-" : a.blacklistedPorts().toString(),
                        new TreeMap<>(a.attributes())));
            }
            return out.toString();
        }
    }

    /** {@code mesos:metrics}: counters, then latencies, per scheduler. */
    public record MetricsReport(List<SchedulerMetrics.Snapshot> snapshots) implements Printable {
        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            for (SchedulerMetrics.Snapshot s : snapshots) {
                for (Map.Entry<String, Long> c : new TreeMap<>(s.counters()).entrySet()) {
                    out.append(String.format("%-24s %d%n", c.getKey(), c.getValue()));
                }
                for (Map.Entry<String, SchedulerMetrics.Latency> l : new TreeMap<>(s.latencies()).entrySet()) {
                    SchedulerMetrics.Latency v = l.getValue();
                    out.append(String.format("%-24s count %d, mean %d µs, p50 %d µs, p99 %d µs, max %d µs%n",
                            l.getKey(), v.count(), v.meanMicros(), v.p50Micros(), v.p99Micros(), v.maxMicros()));
                }
            }
            return out.isEmpty() ? "no scheduler" : out.toString();
        }
    }

    private static String ago(Instant when) {
        return seconds(Duration.between(when, Instant.now())) + " ago";
    }

    private static String until(Instant when) {
        return seconds(Duration.between(Instant.now(), when));
    }

    private static String seconds(Duration d) {
        return Math.max(0, d.toMillis()) / 100 / 10.0 + " s";
    }
}
