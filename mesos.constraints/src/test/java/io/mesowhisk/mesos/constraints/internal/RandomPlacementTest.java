package io.mesowhisk.mesos.constraints.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.constraints.Attribute;
import io.mesowhisk.mesos.constraints.ConstraintSet;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PlacementResult;
import io.mesowhisk.mesos.constraints.PlacementResult.Assignment;
import io.mesowhisk.mesos.constraints.PlacementResult.Unplaced;
import io.mesowhisk.mesos.constraints.PlacementStrategy;
import io.mesowhisk.mesos.constraints.PortRange;
import io.mesowhisk.mesos.constraints.TaskRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random workloads (fixed seeds) checked against the engine's contract: no over-commit, distinct ports inside the
 * offered ranges, every task either assigned or unplaced exactly once, constraints hold for every assignment, and the
 * one pass is maximal: after it, no unplaced task fits any offer's remaining resources and constraints.
 */
class RandomPlacementTest {

    private final ConstraintRegistry registry = new ConstraintRegistry();
    private final DefaultPlacementEngine engine = new DefaultPlacementEngine();

    RandomPlacementTest() {
        registry.register("LIKE", new LikeOperator());
        registry.register("UNLIKE", new UnlikeOperator());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void passIsConsistentAndMaximal(long seed) {
        Random rnd = new Random(seed);
        List<ConstraintSet> sets = List.of(ConstraintSet.NONE, registry.compile(List.of("zone LIKE [ab]"), " "),
                registry.compile(List.of("zone LIKE [ab]", "pool UNLIKE blackbox"), " "),
                registry.compile(List.of("hostname LIKE h[0-9]*[02468]"), " "));
        List<OfferView> offers = new ArrayList<>();
        for (int i = 0, n = 5 + rnd.nextInt(40); i < n; i++) {
            OfferView.Builder b = OfferView.builder("o" + i, "h" + i).cpus(rnd.nextInt(9) + rnd.nextInt(4) * 0.25)
                    .mem(rnd.nextInt(8) * 512).disk(rnd.nextInt(3) * 1000);
            long p = 31000;
            for (int r = rnd.nextInt(3); r > 0; r--) {
                long begin = p + rnd.nextInt(5);
                long end = begin + rnd.nextInt(4);
                b.ports(begin, end);
                p = end + 2;
            }
            if (rnd.nextInt(5) > 0) {
                b.attribute(Attribute.text("zone", String.valueOf((char) ('a' + rnd.nextInt(3)))));
            }
            if (rnd.nextBoolean()) {
                b.attribute(Attribute.text("pool", rnd.nextBoolean() ? "blackbox" : "managed"));
            }
            offers.add(b.build());
        }
        List<TaskRequest> tasks = new ArrayList<>();
        for (int i = 0, n = rnd.nextInt(400); i < n; i++) {
            tasks.add(TaskRequest.builder("t" + i).cpus(rnd.nextInt(5) * 0.25).mem(rnd.nextInt(4) * 256)
                    .disk(rnd.nextInt(2) * 500).ports(rnd.nextInt(3)).constraints(sets.get(rnd.nextInt(sets.size())))
                    .build());
        }
        for (PlacementStrategy strategy : List.of(PlacementStrategy.BIN_PACK, PlacementStrategy.SPREAD)) {
            check(tasks, offers, engine.place(tasks, offers, List.of(), strategy));
        }
    }

    private static void check(List<TaskRequest> tasks, List<OfferView> offers, PlacementResult r) {
        Set<String> seen = new HashSet<>();
        r.assignments().forEach(a -> assertTrue(seen.add(a.task().id())));
        r.unplaced().forEach(u -> assertTrue(seen.add(u.task().id())));
        assertEquals(tasks.size(), seen.size());

        Map<String, long[]> left = new HashMap<>();
        Map<String, Set<Integer>> usedPorts = new HashMap<>();
        for (OfferView o : offers) {
            long ports = o.ports().stream().mapToLong(PortRange::size).sum();
            left.put(o.id(), new long[] {o.cpusMilli(), o.memMilli(), o.diskMilli(), ports});
            usedPorts.put(o.id(), new HashSet<>());
        }
        GroupState ctx = new GroupState("");
        for (Assignment a : r.assignments()) {
            long[] l = left.get(a.offer().id());
            l[0] -= a.task().cpusMilli();
            l[1] -= a.task().memMilli();
            l[2] -= a.task().diskMilli();
            l[3] -= a.task().ports();
            for (long v : l) {
                assertTrue(v >= 0, "over-commit on " + a.offer());
            }
            assertEquals(a.task().ports(), a.ports().size());
            for (int p : a.ports()) {
                assertTrue(usedPorts.get(a.offer().id()).add(p), "port " + p + " used twice on " + a.offer());
                assertTrue(a.offer().ports().stream().anyMatch(rg -> p >= rg.begin() && p <= rg.end()));
            }
            assertTrue(a.task().constraints().evaluate(a.offer(), ctx).fits());
        }
        for (Unplaced u : r.unplaced()) {
            TaskRequest t = u.task();
            for (OfferView o : offers) {
                long[] l = left.get(o.id());
                boolean room = l[0] >= t.cpusMilli() && l[1] >= t.memMilli() && l[2] >= t.diskMilli()
                        && l[3] >= t.ports();
                assertFalse(room && t.constraints().evaluate(o, ctx).fits(),
                        "unplaced " + t + " would fit " + o + " (" + u.reason() + ")");
            }
            assertFalse(u.reason().isEmpty());
        }
    }
}
