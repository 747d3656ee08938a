package io.mesowhisk.mesos.constraints.marathon.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.constraints.Attribute;
import io.mesowhisk.mesos.constraints.ConstraintException;
import io.mesowhisk.mesos.constraints.ConstraintSet;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PlacedTask;
import io.mesowhisk.mesos.constraints.PlacementResult;
import io.mesowhisk.mesos.constraints.PlacementStrategy;
import io.mesowhisk.mesos.constraints.TaskRequest;
import io.mesowhisk.mesos.constraints.internal.ConstraintRegistry;
import io.mesowhisk.mesos.constraints.internal.DefaultPlacementEngine;
import io.mesowhisk.mesos.constraints.internal.LikeOperator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Marathon semantics, checked through the real compiler and engine (placements of the same pass count). */
class MarathonOperatorsTest {

    private final ConstraintRegistry registry = new ConstraintRegistry();
    private final DefaultPlacementEngine engine = new DefaultPlacementEngine();

    MarathonOperatorsTest() {
        registry.register("LIKE", new LikeOperator());
        registry.register("UNIQUE", new UniqueOperator());
        registry.register("CLUSTER", new ClusterOperator());
        registry.register("GROUP_BY", new GroupByOperator());
        registry.register("MAX_PER", new MaxPerOperator());
        registry.register("IS", new IsOperator());
    }

    /** 6 roomy agents: h0..h5, rack r0/r1/r2 (two agents each); h5 has no rack. */
    private static List<OfferView> agents() {
        List<OfferView> l = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            OfferView.Builder b = OfferView.builder("o" + i, "h" + i).cpus(16).mem(65536).ports(31000, 31999)
                    .attribute(Attribute.scalar("gen", i < 3 ? 2.5 : 3));
            if (i < 5) {
                b.attribute(Attribute.text("rack", "r" + (i % 3)));
            }
            l.add(b.build());
        }
        return l;
    }

    private PlacementResult place(int n, String constraint, List<PlacedTask> running) {
        ConstraintSet cs = registry.compile(List.of(constraint), " ");
        List<TaskRequest> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(TaskRequest.builder("t" + i).cpus(0.1).mem(64).ports(1).group("app").constraints(cs).build());
        }
        return engine.place(tasks, agents(), running, PlacementStrategy.BIN_PACK);
    }

    private static Map<String, Integer> perHost(PlacementResult r) {
        Map<String, Integer> m = new TreeMap<>();
        r.assignments().forEach(a -> m.merge(a.offer().hostname(), 1, Integer::sum));
        return m;
    }

    private static Map<String, Integer> perRack(PlacementResult r) {
        Map<String, Integer> m = new TreeMap<>();
        r.assignments().forEach(a -> m.merge(String.valueOf(a.offer().valueOf("rack")), 1, Integer::sum));
        return m;
    }

    @Test
    void uniqueHostnamePlacesOnePerAgentInOnePass() {
        PlacementResult r = place(10, "hostname UNIQUE", List.of());
        assertEquals(6, r.assignments().size());
        perHost(r).values().forEach(n -> assertEquals(1, n));
        assertTrue(r.unplaced().get(0).reason().contains("task(s) of group 'app' already on hostname="),
                r.unplaced().get(0).reason());
    }

    @Test
    void spreadWithMaxPerHostnameFillsEveryAgentEvenly() {
        ConstraintSet cs = registry.compile(List.of("hostname MAX_PER 2"), " ");
        List<TaskRequest> tasks = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            tasks.add(TaskRequest.builder("t" + i).cpus(0.1).mem(64).group("app").constraints(cs).build());
        }
        PlacementResult r = engine.place(tasks, agents(), List.of(), PlacementStrategy.SPREAD);
        assertEquals(12, r.assignments().size());
        perHost(r).values().forEach(n -> assertEquals(2, n));
        // round robin: the first six tasks go to six different agents
        assertEquals(6, r.assignments().subList(0, 6).stream().map(a -> a.offer().hostname()).distinct().count());
    }

    @Test
    void uniqueCountsRunningTasksOfTheSameGroupOnly() {
        List<PlacedTask> running = List.of(PlacedTask.on("app", agents().get(0)), PlacedTask.on("other", agents().get(1)));
        PlacementResult r = place(10, "rack UNIQUE", running);
        // r0 is taken by a running task of the group; r1 and r2 remain; h5 has no rack
        assertEquals(Map.of("r1", 1, "r2", 1), perRack(r));
    }

    @Test
    void clusterWithoutValueFollowsTheFirstPlacement() {
        PlacementResult r = place(4, "rack CLUSTER", List.of());
        assertEquals(4, r.assignments().size());
        assertEquals(1, perRack(r).size());
        List<PlacedTask> running = List.of(PlacedTask.on("app", agents().get(2)));   // r2
        assertEquals(Map.of("r2", 3), perRack(place(3, "rack CLUSTER", running)));
    }

    @Test
    void clusterWithValueAndIsRequireTheValue() {
        assertEquals(Map.of("r1", 5), perRack(place(5, "rack CLUSTER r1", List.of())));
        assertEquals(Map.of("r1", 5), perRack(place(5, "rack IS r1", List.of())));
        // IS compares Mesos's text form of scalars
        place(6, "gen IS 2.5", List.of()).assignments()
                .forEach(a -> assertEquals("2.5", a.offer().valueOf("gen")));
        assertEquals("h3", place(1, "hostname IS h3", List.of()).assignments().get(0).offer().hostname());
    }

    @Test
    void groupByWithTheNumberOfValuesSpreadsEvenly() {
        PlacementResult r = place(9, "rack GROUP_BY 3", List.of());
        assertEquals(9, r.assignments().size());
        assertEquals(Map.of("r0", 3, "r1", 3, "r2", 3), perRack(r));
    }

    @Test
    void groupByWithoutMinimumOnlyBalancesValuesThatHaveTasks() {
        // Marathon's rule: with one group so far, that group is the smallest, so first fit keeps using it
        assertEquals(Map.of("r0", 4), perRack(place(4, "rack GROUP_BY", List.of())));
        // r0=2, r1=1 running: r0 is refused until r1 catches up (r2, still empty, would fit too, but first fit
        // reaches h0/h1 first): r1, then r0, then r1 again
        List<PlacedTask> running = List.of(PlacedTask.on("app", agents().get(0)), PlacedTask.on("app", agents().get(0)),
                PlacedTask.on("app", agents().get(1)));
        PlacementResult r = place(3, "rack GROUP_BY", running);
        assertEquals(List.of("h1", "h0", "h1"), r.assignments().stream().map(a -> a.offer().hostname()).toList());
    }

    @Test
    void groupByMinimumWaitsForEnoughGroups() {
        // 2 running tasks on r0 and r1; with a minimum of 4 groups a value that already has tasks never fits,
        // so only the new value r2 can be used, once
        List<PlacedTask> running = List.of(PlacedTask.on("app", agents().get(0)), PlacedTask.on("app", agents().get(1)));
        PlacementResult r = place(3, "rack GROUP_BY 4", running);
        assertEquals(Map.of("r2", 1), perRack(r));
        assertTrue(r.unplaced().get(0).reason().contains("fewer than 4 groups"), r.unplaced().get(0).reason());
    }

    @Test
    void groupByCountsTasksWithoutTheAttributeAsAGroup() {
        OfferView noRack = agents().get(5);
        List<PlacedTask> running = List.of(PlacedTask.on("app", noRack), PlacedTask.on("app", noRack),
                PlacedTask.on("app", agents().get(0)), PlacedTask.on("app", agents().get(1)),
                PlacedTask.on("app", agents().get(2)));
        // groups: none=2, r0=1, r1=1, r2=1: each rack may take one more, then they are level with "none"
        assertEquals(Map.of("r0", 1, "r1", 1, "r2", 1), perRack(place(3, "rack GROUP_BY", running)));
    }

    @Test
    void maxPerLimitsTasksPerValue() {
        PlacementResult r = place(10, "rack MAX_PER 2", List.of());
        assertEquals(Map.of("r0", 2, "r1", 2, "r2", 2), perRack(r));
        assertEquals(4, r.unplaced().size());
    }

    @Test
    void missingAttributeFailsMarathonOperators() {
        OfferView noRack = agents().get(5);
        for (String c : List.of("rack UNIQUE", "rack CLUSTER", "rack GROUP_BY", "rack MAX_PER 1", "rack IS r0")) {
            ConstraintSet cs = registry.compile(List.of(c), " ");
            var v = cs.evaluate(noRack, new EmptyContext());
            assertFalse(v.fits(), c);
            assertEquals(c + ": agent h5 has no attribute rack", v.reason());
        }
    }

    @Test
    void badValuesAreRejectedWithTheExpectedForm() {
        assertEquals("constraint 'hostname UNIQUE x': UNIQUE takes no value, e.g. 'hostname UNIQUE'",
                assertThrows(ConstraintException.class, () -> registry.compile(List.of("hostname UNIQUE x"), " "))
                        .getMessage());
        assertEquals("constraint 'rack MAX_PER': MAX_PER needs a value, e.g. 'rack MAX_PER 2'",
                assertThrows(ConstraintException.class, () -> registry.compile(List.of("rack MAX_PER"), " "))
                        .getMessage());
        assertEquals("constraint 'rack MAX_PER 0': MAX_PER needs a whole number >= 1, got '0'",
                assertThrows(ConstraintException.class, () -> registry.compile(List.of("rack MAX_PER 0"), " "))
                        .getMessage());
        assertEquals("constraint 'rack GROUP_BY x': GROUP_BY needs a whole number >= 0 or 'inf', got 'x'",
                assertThrows(ConstraintException.class, () -> registry.compile(List.of("rack GROUP_BY x"), " "))
                        .getMessage());
        assertThrows(ConstraintException.class, () -> registry.compile(List.of("rack IS"), " "));
        registry.compile(List.of("rack GROUP_BY inf"), " ");
    }

    @Test
    void placementDependenceIsDeclared() {
        assertTrue(registry.compile(List.of("hostname UNIQUE"), " ").dependsOnPlacements());
        assertFalse(registry.compile(List.of("rack IS r1"), " ").dependsOnPlacements());
        assertFalse(registry.compile(List.of("rack CLUSTER r1"), " ").dependsOnPlacements());
        assertTrue(registry.compile(List.of("rack CLUSTER"), " ").dependsOnPlacements());
    }

    private static final class EmptyContext implements io.mesowhisk.mesos.constraints.PlacementContext {
        @Override
        public String group() {
            return "app";
        }

        @Override
        public int placedCount() {
            return 0;
        }

        @Override
        public int placedCount(String field, String value) {
            return 0;
        }

        @Override
        public Map<String, Integer> placedCounts(String field) {
            return Map.of();
        }
    }
}
