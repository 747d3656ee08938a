package io.mesowhisk.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.constraints.Attribute;
import io.mesowhisk.mesos.constraints.ConstraintCompiler;
import io.mesowhisk.mesos.constraints.ConstraintException;
import io.mesowhisk.mesos.constraints.ConstraintSet;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.OperatorListener;
import io.mesowhisk.mesos.constraints.PlacementEngine;
import io.mesowhisk.mesos.constraints.PlacementResult;
import io.mesowhisk.mesos.constraints.PlacementStrategy;
import io.mesowhisk.mesos.constraints.TaskRequest;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

/**
 * The Marathon operator bundle of the product is stopped, started, uninstalled and installed again while the
 * framework runs: its operators are usable as soon as it is started, every set using them fails clearly
 * ("operator UNIQUE is not available") while it is stopped or gone, and the same sets heal when it is started again.
 * The bundle is installed again from a copy embedded in this test bundle ({@code marathon-operators.jar}), so
 * "install at runtime" is real; it is left ACTIVE, as the product runs it.
 */
class ConstraintOperatorsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final String MARATHON = "mesos.constraints.marathon";
    private static final Set<String> MARATHON_OPERATORS = Set.of("UNIQUE", "CLUSTER", "GROUP_BY", "MAX_PER", "IS");

    private final OsgiContext osgi = new OsgiContext();

    @AfterEach
    void close() throws Exception {
        // whatever happened, the product's operators are back for the next test
        Bundle b = marathon();
        if (b == null) {
            b = installMarathon();
        }
        b.start();
        osgi.close();
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, DEADLINE, condition);
    }

    private Bundle marathon() {
        for (Bundle b : osgi.bundleContext().getBundles()) {
            if (MARATHON.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private Bundle installMarathon() throws Exception {
        try (InputStream in = ConstraintOperatorsIT.class.getResourceAsStream("/marathon-operators.jar")) {
            assertNotNull(in, "marathon-operators.jar must be embedded in the test bundle");
            return osgi.bundleContext().installBundle("itest:" + MARATHON, in);
        }
    }

    private static List<OfferView> agents() {
        List<OfferView> l = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            l.add(OfferView.builder("o" + i, "h" + i).cpus(4).mem(4096).ports(31000, 31009)
                    .attribute(Attribute.text("zone", i % 2 == 0 ? "a" : "b")).build());
        }
        return l;
    }

    private static List<TaskRequest> tasks(ConstraintSet cs, int n) {
        List<TaskRequest> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(TaskRequest.builder("t" + i).cpus(0.25).mem(128).ports(1).group("action").constraints(cs).build());
        }
        return l;
    }

    @Test
    void marathonOperatorsComeAndGoWithTheirBundle() throws Exception {
        Bundle marathon = marathon();
        assertNotNull(marathon, "the product runs the Marathon operator bundle");
        assertEquals(Bundle.ACTIVE, marathon.getState());
        ConstraintCompiler compiler = osgi.service(ConstraintCompiler.class);
        PlacementEngine engine = osgi.service(PlacementEngine.class);
        await("LIKE, UNLIKE and the Marathon operators",
                () -> compiler.availableOperators().containsAll(Set.of("LIKE", "UNLIKE"))
                        && compiler.availableOperators().containsAll(MARATHON_OPERATORS));
        ConstraintSet unique = compiler.compile(List.of("zone LIKE [ab]", "hostname UNIQUE"), " ");
        PlacementResult r = engine.place(tasks(unique, 6), agents(), List.of(), PlacementStrategy.BIN_PACK);
        assertEquals(4, r.assignments().size(), "one task per agent");
        assertEquals(4, r.assignments().stream().map(a -> a.offer().hostname()).distinct().count());

        List<SortedSet<String>> changes = new ArrayList<>();
        OperatorListener listener = (available, generation) -> {
            synchronized (changes) {
                changes.add(available);
            }
        };
        compiler.addListener(listener);
        try {
            // stop: never silently ignored, every set using UNIQUE fails clearly
            marathon.stop();
            await("Marathon operators gone", () -> !compiler.availableOperators().contains("UNIQUE"));
            await("listeners told about operators leaving", () -> {
                synchronized (changes) {
                    return changes.stream().anyMatch(available -> !available.contains("UNIQUE"));
                }
            });
            assertEquals("constraint 'hostname UNIQUE': operator UNIQUE is not available",
                    unique.problem().orElseThrow());
            PlacementResult stopped = engine.place(tasks(unique, 2), agents(), List.of(), PlacementStrategy.BIN_PACK);
            assertEquals(0, stopped.assignments().size());
            assertEquals("constraint 'hostname UNIQUE': operator UNIQUE is not available",
                    stopped.unplaced().get(0).reason());
            ConstraintException e = assertThrows(ConstraintException.class,
                    () -> compiler.compile(List.of("rack MAX_PER 2"), " "));
            assertTrue(e.getMessage().contains("operator MAX_PER is not available; available operators: LIKE, UNLIKE"),
                    e.getMessage());
            // sets without Marathon operators keep working
            ConstraintSet like = compiler.compile(List.of("zone LIKE a"), " ");
            assertEquals(2, engine.place(tasks(like, 2), agents(), List.of(), PlacementStrategy.SPREAD)
                    .assignments().size());

            // start again: the very same set heals
            marathon.start();
            await("Marathon operators back", () -> compiler.availableOperators().contains("UNIQUE"));
            assertTrue(unique.problem().isEmpty());
            assertSame(unique, compiler.compile(List.of("zone LIKE [ab]", "hostname UNIQUE"), " "));
            PlacementResult healed = engine.place(tasks(unique, 6), agents(), List.of(), PlacementStrategy.SPREAD);
            assertEquals(4, healed.assignments().size());

            // uninstall, then install at runtime: usable at once, no restart of anything else
            marathon.uninstall();
            await("Marathon operators gone with the bundle",
                    () -> !compiler.availableOperators().contains("UNIQUE"));
            assertTrue(unique.problem().isPresent());
            Bundle again = installMarathon();
            again.start();
            await("Marathon operators registered by the new bundle",
                    () -> compiler.availableOperators().containsAll(MARATHON_OPERATORS));
            assertTrue(unique.problem().isEmpty());
            assertEquals(4, engine.place(tasks(unique, 6), agents(), List.of(), PlacementStrategy.BIN_PACK)
                    .assignments().size());
        } finally {
            compiler.removeListener(listener);
        }
    }
}
