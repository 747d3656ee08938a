package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PlacementResult;
import io.mesowhisk.mesos.scheduler.LaunchException.Kind;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import java.util.List;

/**
 * The capacity failure: a pending task that no offer fitted in {@code maxUnplacedCycles} offer cycles fails its
 * launch with NO_CAPACITY, naming the last reason and the largest offers seen. Confined to the scheduler's event loop
 * thread.
 */
final class CapacityCheck {

    private CapacityCheck() {
    }

    /** Counts one offer cycle for each unplaced task; fails the ones at the limit. */
    static void countUnplaced(SchedulerEngine engine, List<PlacementResult.Unplaced> unplaced,
            List<OfferView> offers) {
        int max = engine.settings.maxUnplacedCycles();
        for (PlacementResult.Unplaced u : unplaced) {
            TaskRecord r = engine.tasks.pending.get(u.task().id());
            if (r == null) {
                continue;
            }
            r.unplacedCycles++;
            r.why = u.reason();
            if (max > 0 && r.unplacedCycles >= max) {
                String message = "no offer fitted " + r.request + " in " + r.unplacedCycles + " offer cycles (last"
                        + " reason: " + u.reason() + "); largest offers seen: " + largest(offers);
                engine.tasks.failLaunch(r, Kind.NO_CAPACITY, message, null);
                engine.tasks.end(r, TaskState.TASK_DROPPED, null, message, false);
            }
        }
    }

    private static String largest(List<OfferView> offers) {
        if (offers.isEmpty()) {
            return "none";
        }
        OfferView byCpus = offers.get(0);
        OfferView byMem = offers.get(0);
        for (OfferView o : offers) {
            if (o.cpusMilli() > byCpus.cpusMilli()) {
                byCpus = o;
            }
            if (o.memMilli() > byMem.memMilli()) {
                byMem = o;
            }
        }
        return byCpus == byMem ? describe(byCpus) : describe(byCpus) + " and " + describe(byMem);
    }

    private static String describe(OfferView o) {
        long ports = o.ports().stream().mapToLong(p -> p.size()).sum();
        return o.hostname() + " (cpus " + o.cpus() + ", mem " + o.mem() + " MB, disk " + o.disk() + " MB, " + ports
                + " ports)";
    }
}
