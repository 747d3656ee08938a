package io.mesowhisk.mesos.constraints.internal;

import io.mesowhisk.mesos.constraints.ConstraintSet;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PlacedTask;
import io.mesowhisk.mesos.constraints.PlacementEngine;
import io.mesowhisk.mesos.constraints.PlacementResult;
import io.mesowhisk.mesos.constraints.PlacementResult.Assignment;
import io.mesowhisk.mesos.constraints.PlacementResult.Unplaced;
import io.mesowhisk.mesos.constraints.PlacementStrategy;
import io.mesowhisk.mesos.constraints.PortRange;
import io.mesowhisk.mesos.constraints.TaskRequest;
import io.mesowhisk.mesos.constraints.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.osgi.service.component.annotations.Component;

/**
 * The {@link PlacementEngine}. One pass, tasks in the order given:
 * <ul>
 * <li>Tasks with the same constraint set and the same resource shape share a "shape": a circular list of the offers
 * still worth trying, in the strategy's order. An offer that lacks resources for the shape is dropped from it for the
 * rest of the pass (resources only shrink during a pass); so is an offer that fails a constraint set that does not
 * depend on placements. Bin-pack starts at the list head each time (first fit), spread starts after the previous
 * placement (round robin). For placement-independent sets this makes a pass O(tasks + offers x shapes).</li>
 * <li>Verdicts of placement-independent sets are cached per (set, offer) for the pass; other sets are evaluated per
 * task and offer with the group's {@link GroupState}, which includes this pass's placements.</li>
 * </ul>
 * Stateless; each call builds its own pass state, so concurrent calls are safe.
 */
@Component(service = PlacementEngine.class)
public final class DefaultPlacementEngine implements PlacementEngine {

    @Override
    public PlacementResult place(List<TaskRequest> pending, List<OfferView> offers, List<PlacedTask> running,
            PlacementStrategy strategy) {
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(offers, "offers");
        Objects.requireNonNull(running, "running");
        Objects.requireNonNull(strategy, "strategy");
        return new Pass(offers, running, strategy).run(pending);
    }

    /** Remaining resources of one offer during the pass. */
    private static final class OfferState {
        final OfferView view;
        long cpus;
        long mem;
        long disk;
        long portsLeft;
        int rangeIndex;
        long nextPort;

        OfferState(OfferView view) {
            this.view = view;
            this.cpus = view.cpusMilli();
            this.mem = view.memMilli();
            this.disk = view.diskMilli();
            for (PortRange r : view.ports()) {
                portsLeft += r.size();
            }
            if (!view.ports().isEmpty()) {
                nextPort = view.ports().get(0).begin();
            }
        }

        boolean fits(TaskRequest t) {
            return cpus >= t.cpusMilli() && mem >= t.memMilli() && disk >= t.diskMilli() && portsLeft >= t.ports();
        }

        /** Why {@code t} does not fit, or {@code null}. */
        String shortage(TaskRequest t) {
            if (cpus < t.cpusMilli()) {
                return view.hostname() + " has cpus " + cpus / 1000.0 + " free, needs " + t.cpusMilli() / 1000.0;
            }
            if (mem < t.memMilli()) {
                return view.hostname() + " has mem " + mem / 1000.0 + " MB free, needs " + t.memMilli() / 1000.0;
            }
            if (disk < t.diskMilli()) {
                return view.hostname() + " has disk " + disk / 1000.0 + " MB free, needs " + t.diskMilli() / 1000.0;
            }
            if (portsLeft < t.ports()) {
                return view.hostname() + " has " + portsLeft + " ports free, needs " + t.ports();
            }
            return null;
        }

        List<Integer> take(TaskRequest t) {
            cpus -= t.cpusMilli();
            mem -= t.memMilli();
            disk -= t.diskMilli();
            int k = t.ports();
            portsLeft -= k;
            if (k == 0) {
                return List.of();
            }
            if (k == 1) {
                while (nextPort > view.ports().get(rangeIndex).end()) {
                    rangeIndex++;
                    nextPort = view.ports().get(rangeIndex).begin();
                }
                return List.of((int) nextPort++);
            }
            Integer[] ports = new Integer[k];
            List<PortRange> ranges = view.ports();
            for (int i = 0; i < k; i++) {
                while (nextPort > ranges.get(rangeIndex).end()) {
                    rangeIndex++;
                    nextPort = ranges.get(rangeIndex).begin();
                }
                ports[i] = (int) nextPort++;
            }
            return List.of(ports);
        }
    }

    /** Per distinct constraint set in the pass: its problem and cached verdicts. */
    private static final class SetSlot {
        final ConstraintSet set;
        final String problem;
        final boolean depends;
        final byte[] verdicts;   // 0 unknown, 1 fits, 2 does not (only when !depends)

        SetSlot(ConstraintSet set, int offers) {
            this.set = set;
            this.problem = set.problem().orElse(null);
            this.depends = set.dependsOnPlacements();
            this.verdicts = depends ? null : new byte[offers];
        }
    }

    private record ShapeKey(ConstraintSet set, long cpus, long mem, long disk, int ports) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ShapeKey k && k.set == set && k.cpus == cpus && k.mem == mem && k.disk == disk
                    && k.ports == ports;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(set) * 31 + Long.hashCode(cpus * 1_000_003 + mem * 31 + disk) + ports;
        }
    }

    /** Offers still worth trying for one shape: a circular doubly linked list over offer indexes. */
    private static final class Shape {
        final SetSlot slot;
        final int[] next;
        final int[] prev;
        int head;
        int cursor;
        int alive;
        String reason;   // cached "why not" once the shape is exhausted

        Shape(SetSlot slot, int n) {
            this.slot = slot;
            next = new int[n];
            prev = new int[n];
            for (int i = 0; i < n; i++) {
                next[i] = i + 1;
                prev[i] = i - 1;
            }
            if (n > 0) {
                next[n - 1] = 0;
                prev[0] = n - 1;
            }
            alive = n;
        }

        void remove(int i) {
            alive--;
            if (alive == 0) {
                return;
            }
            int p = prev[i];
            int nx = next[i];
            next[p] = nx;
            prev[nx] = p;
            if (head == i) {
                head = nx;
            }
            if (cursor == i) {
                cursor = nx;
            }
        }
    }

    private static final class Pass {
        private final OfferState[] offers;
        private final PlacementStrategy strategy;
        private final Map<String, GroupState> groups = new HashMap<>();
        private final Map<ConstraintSet, SetSlot> slots = new IdentityHashMap<>();
        private final Map<ShapeKey, Shape> shapes = new HashMap<>();

        Pass(List<OfferView> offerList, List<PlacedTask> running, PlacementStrategy strategy) {
            this.strategy = strategy;
            List<OfferView> sorted = new ArrayList<>(offerList);
            sorted.sort(strategy.order());
            offers = new OfferState[sorted.size()];
            for (int i = 0; i < offers.length; i++) {
                offers[i] = new OfferState(Objects.requireNonNull(sorted.get(i), "offer"));
            }
            for (PlacedTask p : running) {
                group(p.group()).add(p::valueOf);
            }
        }

        private GroupState group(String name) {
            return groups.computeIfAbsent(name, GroupState::new);
        }

        PlacementResult run(List<TaskRequest> pending) {
            List<Assignment> assigned = new ArrayList<>(Math.min(pending.size(), 1024));
            List<Unplaced> unplaced = new ArrayList<>();
            TaskRequest previous = null;   // pending lists come in runs of one shape: skip the lookups then
            Shape shape = null;
            GroupState group = null;
            for (TaskRequest t : pending) {
                if (previous == null || !sameShape(previous, t)) {
                    SetSlot slot = slots.computeIfAbsent(t.constraints(), s -> new SetSlot(s, offers.length));
                    shape = slot.problem != null ? null : shapes.computeIfAbsent(
                            new ShapeKey(t.constraints(), t.cpusMilli(), t.memMilli(), t.diskMilli(), t.ports()),
                            k -> new Shape(slot, offers.length));
                    previous = t;
                }
                if (shape == null) {
                    unplaced.add(new Unplaced(t, slots.get(t.constraints()).problem));
                    continue;
                }
                if (group == null || !group.group().equals(t.group())) {
                    group = group(t.group());
                }
                int i = find(shape, t, group);
                if (i < 0) {
                    unplaced.add(new Unplaced(t, reason(shape, t, group)));
                    continue;
                }
                OfferState o = offers[i];
                assigned.add(new Assignment(t, o.view, o.take(t)));
                group.add(o.view::valueOf);
            }
            return new PlacementResult(assigned, unplaced);
        }

        private static boolean sameShape(TaskRequest a, TaskRequest b) {
            return a.constraints() == b.constraints() && a.cpusMilli() == b.cpusMilli() && a.memMilli() == b.memMilli()
                    && a.diskMilli() == b.diskMilli() && a.ports() == b.ports();
        }

        private int find(Shape shape, TaskRequest t, GroupState group) {
            if (shape.alive == 0) {
                return -1;
            }
            int i = strategy.rotate() ? shape.cursor : shape.head;
            for (int steps = shape.alive; steps > 0 && shape.alive > 0; steps--) {
                int next = shape.next[i];
                if (!offers[i].fits(t)) {
                    shape.remove(i);
                } else if (constraintsFit(shape.slot, i, group)) {
                    shape.cursor = strategy.rotate() ? next : i;
                    return i;
                } else if (!shape.slot.depends) {
                    shape.remove(i);
                }
                i = next;
            }
            return -1;
        }

        private boolean constraintsFit(SetSlot slot, int i, GroupState group) {
            if (slot.depends) {
                return slot.set.evaluate(offers[i].view, group).fits();
            }
            byte v = slot.verdicts[i];
            if (v == 0) {
                v = slot.set.evaluate(offers[i].view, group).fits() ? (byte) 1 : (byte) 2;
                slot.verdicts[i] = v;
            }
            return v == 1;
        }

        /** Why no offer took {@code t}: counts and one example of each kind of refusal. */
        private String reason(Shape shape, TaskRequest t, GroupState group) {
            if (shape.reason != null) {
                return shape.reason;
            }
            String r;
            if (offers.length == 0) {
                r = "no offers available";
            } else {
                int refused = 0;
                int short_ = 0;
                String refusedExample = null;
                String shortExample = null;
                for (OfferState o : offers) {
                    Verdict v = shape.slot.set.evaluate(o.view, group);
                    if (!v.fits()) {
                        if (refused++ == 0) {
                            refusedExample = v.reason();
                        }
                        continue;
                    }
                    String s = o.shortage(t);
                    if (s != null && short_++ == 0) {
                        shortExample = s;
                    }
                }
                StringBuilder sb = new StringBuilder("none of ").append(offers.length).append(" offers fits");
                if (refused > 0) {
                    sb.append("; ").append(refused).append(" fail the constraints (e.g. ").append(refusedExample)
                            .append(')');
                }
                if (short_ > 0) {
                    sb.append("; ").append(short_).append(" lack resources (e.g. ").append(shortExample).append(')');
                }
                r = sb.toString();
            }
            if (!shape.slot.depends) {
                shape.reason = r;   // nothing in this pass can make the shape fit again
            }
            return r;
        }
    }
}
