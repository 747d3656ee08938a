package io.mesowhisk.mesos.constraints.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.constraints.Attribute;
import io.mesowhisk.mesos.constraints.CompiledConstraint;
import io.mesowhisk.mesos.constraints.ConstraintOperator;
import io.mesowhisk.mesos.constraints.ConstraintSet;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PlacedTask;
import io.mesowhisk.mesos.constraints.PlacementContext;
import io.mesowhisk.mesos.constraints.PlacementResult;
import io.mesowhisk.mesos.constraints.PlacementResult.Assignment;
import io.mesowhisk.mesos.constraints.PlacementStrategy;
import io.mesowhisk.mesos.constraints.TaskRequest;
import io.mesowhisk.mesos.constraints.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DefaultPlacementEngineTest {

    private final ConstraintRegistry registry = new ConstraintRegistry();
    private final DefaultPlacementEngine engine = new DefaultPlacementEngine();

    DefaultPlacementEngineTest() {
        registry.register("LIKE", new LikeOperator());
        registry.register("UNLIKE", new UnlikeOperator());
        // a placement-dependent operator for the tests: at most one task of the group per value
        registry.register("ONE_PER", c -> new CompiledConstraint() {
            @Override
            public Verdict evaluate(OfferView offer, PlacementContext ctx) {
                String v = offer.valueOf(c.attribute());
                return v != null && ctx.placedCount(c.attribute(), v) == 0 ? Verdict.FITS
                        : Verdict.no(c + ": " + v + " already used");
            }
        });
    }

    private static OfferView offer(String host, double cpus, double mem, String zone, long portBegin, long portEnd) {
        return OfferView.builder("o-" + host, host).cpus(cpus).mem(mem).disk(1000).ports(portBegin, portEnd)
                .attribute(Attribute.text("zone", zone)).build();
    }

    private static TaskRequest task(String id, double cpus, double mem, int ports, ConstraintSet cs) {
        return TaskRequest.builder(id).cpus(cpus).mem(mem).ports(ports).constraints(cs).group("action").build();
    }

    private static List<TaskRequest> tasks(int n, double cpus, double mem, int ports, ConstraintSet cs) {
        List<TaskRequest> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(task("t" + i, cpus, mem, ports, cs));
        }
        return l;
    }

    /** Checks the invariants every result must satisfy: no over-commit, distinct ports within an offer's ranges. */
    private static void assertConsistent(PlacementResult r) {
        Map<String, double[]> used = new HashMap<>();
        Map<String, Set<Integer>> ports = new HashMap<>();
        for (Assignment a : r.assignments()) {
            double[] u = used.computeIfAbsent(a.offer().id(), k -> new double[3]);
            u[0] += a.task().cpusMilli();
            u[1] += a.task().memMilli();
            u[2] += a.task().diskMilli();
            assertTrue(u[0] <= a.offer().cpusMilli() && u[1] <= a.offer().memMilli() && u[2] <= a.offer().diskMilli(),
                    "over-commit on " + a.offer());
            assertEquals(a.task().ports(), a.ports().size());
            for (int p : a.ports()) {
                assertTrue(ports.computeIfAbsent(a.offer().id(), k -> new HashSet<>()).add(p), "port reused " + p);
                assertTrue(a.offer().ports().stream().anyMatch(rg -> p >= rg.begin() && p <= rg.end()), "port " + p);
            }
        }
    }

    @Test
    void placesSeveralTasksPerOfferWithDistinctPortsAndNoOvercommit() {
        List<OfferView> offers = List.of(offer("h1", 1, 1024, "a", 31000, 31001),
                OfferView.builder("o-h2", "h2").cpus(2).mem(2048).ports(1, 1).ports(5, 6).build());
        PlacementResult r = engine.place(tasks(10, 0.25, 256, 1, ConstraintSet.NONE), offers, List.of(),
                PlacementStrategy.BIN_PACK);
        assertConsistent(r);
        // h1 is limited by its 2 ports, h2 by its 3 ports
        assertEquals(5, r.assignments().size());
        assertEquals(5, r.unplaced().size());
        assertEquals(List.of(1, 5, 6), r.byOffer().get("o-h2").stream().flatMap(a -> a.ports().stream()).toList());
        assertTrue(r.unplaced().get(0).reason().contains("lack resources (e.g. h1 has 0 ports free, needs 1)"),
                r.unplaced().get(0).reason());
    }

    @Test
    void binPackFillsTheFullestAgentFirst() {
        List<OfferView> offers = List.of(offer("big", 8, 8192, "a", 1, 100), offer("small", 1, 1024, "a", 1, 100));
        PlacementResult r = engine.place(tasks(5, 0.25, 128, 1, ConstraintSet.NONE), offers, List.of(),
                PlacementStrategy.BIN_PACK);
        assertConsistent(r);
        assertEquals(4, r.byOffer().get("o-small").size());
        assertEquals(1, r.byOffer().get("o-big").size());
        assertEquals("o-small", r.assignments().get(0).offer().id());
    }

    @Test
    void spreadPutsConsecutiveTasksOnDifferentAgents() {
        List<OfferView> offers = List.of(offer("h1", 4, 4096, "a", 1, 100), offer("h2", 4, 4096, "a", 1, 100),
                offer("h3", 4, 4096, "a", 1, 100));
        PlacementResult r = engine.place(tasks(6, 0.25, 128, 1, ConstraintSet.NONE), offers, List.of(),
                PlacementStrategy.SPREAD);
        assertConsistent(r);
        assertEquals(3, r.byOffer().size());
        r.byOffer().values().forEach(l -> assertEquals(2, l.size()));
    }

    @Test
    void constraintsRestrictOffersAndExplainWhy() {
        ConstraintSet zoneA = registry.compile(List.of("zone LIKE a"), " ");
        List<OfferView> offers = List.of(offer("h1", 1, 1024, "a", 1, 100), offer("h2", 8, 8192, "b", 1, 100));
        PlacementResult r = engine.place(tasks(6, 0.25, 128, 0, zoneA), offers, List.of(), PlacementStrategy.SPREAD);
        assertConsistent(r);
        assertEquals(4, r.assignments().size());
        r.assignments().forEach(a -> assertEquals("h1", a.offer().hostname()));
        String reason = r.unplaced().get(0).reason();
        assertEquals("none of 2 offers fits; 1 fail the constraints (e.g. zone LIKE a: agent h2 has zone=b); "
                + "1 lack resources (e.g. h1 has cpus 0.0 free, needs 0.25)", reason);
    }

    @Test
    void mixedShapesAreAllPlacedInOnePass() {
        ConstraintSet zoneA = registry.compile(List.of("zone LIKE a"), " ");
        List<OfferView> offers = List.of(offer("h1", 2, 2048, "a", 1, 100), offer("h2", 2, 2048, "b", 1, 100));
        List<TaskRequest> pending = new ArrayList<>();
        pending.add(task("big", 1.5, 1024, 1, ConstraintSet.NONE));
        pending.add(task("a1", 0.5, 512, 1, zoneA));
        pending.add(task("small", 0.5, 512, 1, ConstraintSet.NONE));
        pending.add(task("a2", 0.5, 512, 1, zoneA));
        PlacementResult r = engine.place(pending, offers, List.of(), PlacementStrategy.BIN_PACK);
        assertConsistent(r);
        // big takes h1 (first in order), a1 fits the rest of h1, small goes to h2, a2 finds no room in zone a
        assertEquals(List.of("big", "a1", "small"), r.assignments().stream().map(a -> a.task().id()).toList());
        assertEquals("a2", r.unplaced().get(0).task().id());
    }

    @Test
    void placementDependentConstraintsSeeRunningAndSamePassPlacements() {
        ConstraintSet onePerZone = registry.compile(List.of("zone ONE_PER"), " ");
        assertTrue(onePerZone.dependsOnPlacements());
        List<OfferView> offers = List.of(offer("h1", 8, 8192, "a", 1, 100), offer("h2", 8, 8192, "b", 1, 100),
                offer("h3", 8, 8192, "c", 1, 100));
        List<PlacedTask> running = List.of(new PlacedTask("action", "elsewhere", List.of(Attribute.text("zone", "c"))),
                new PlacedTask("other", "h1", List.of(Attribute.text("zone", "a"))));
        PlacementResult r = engine.place(tasks(3, 0.25, 128, 0, onePerZone), offers, running,
                PlacementStrategy.BIN_PACK);
        assertConsistent(r);
        assertEquals(Set.of("h1", "h2"), Set.copyOf(r.assignments().stream().map(a -> a.offer().hostname()).toList()));
        assertEquals(1, r.unplaced().size());
        assertTrue(r.unplaced().get(0).reason().contains("3 fail the constraints"), r.unplaced().get(0).reason());
    }

    @Test
    void setWithUnavailableOperatorIsReportedNotIgnored() {
        ConstraintOperator any = c -> (o, ctx) -> Verdict.FITS;
        Map<String, Object> props = Map.of(ConstraintOperator.NAME_PROPERTY, "ANY");
        registry.addOperator(any, props);
        ConstraintSet set = registry.compile(List.of("zone ANY"), " ");
        registry.removeOperator(any, props);
        PlacementResult r = engine.place(tasks(1, 0.1, 1, 0, set), List.of(offer("h1", 1, 1024, "a", 1, 2)),
                List.of(), PlacementStrategy.BIN_PACK);
        assertEquals(0, r.assignments().size());
        assertEquals("constraint 'zone ANY': operator ANY is not available", r.unplaced().get(0).reason());
    }

    @Test
    void noOffersIsAReasonToo() {
        PlacementResult r = engine.place(tasks(1, 0.1, 1, 0, ConstraintSet.NONE), List.of(), List.of(),
                PlacementStrategy.SPREAD);
        assertEquals("no offers available", r.unplaced().get(0).reason());
    }

    @Test
    void placesAsManyAsFitInOnePassAtScale() {
        ConstraintSet cs = registry.compile(List.of("zone LIKE [ab]", "pool UNLIKE blackbox"), " ");
        List<OfferView> offers = new ArrayList<>();
        String[] zones = {"a", "b", "c"};
        for (int i = 0; i < 300; i++) {
            offers.add(OfferView.builder("o" + i, "h" + i).cpus(8).mem(32768).ports(31000, 31999)
                    .attribute(Attribute.text("zone", zones[i % 3]))
                    .attribute(Attribute.text("pool", i % 10 == 0 ? "blackbox" : "managed")).build());
        }
        int eligible = 0;
        for (int i = 0; i < 300; i++) {
            if (i % 3 != 2 && i % 10 != 0) {
                eligible++;
            }
        }
        for (PlacementStrategy s : List.of(PlacementStrategy.BIN_PACK, PlacementStrategy.SPREAD)) {
            PlacementResult r = engine.place(tasks(10_000, 0.25, 256, 1, cs), offers, List.of(), s);
            assertConsistent(r);
            // 32 tasks per 8-cpu agent: the pass must fill every eligible agent
            assertEquals(eligible * 32, r.assignments().size(), s.name());
        }
    }
}
