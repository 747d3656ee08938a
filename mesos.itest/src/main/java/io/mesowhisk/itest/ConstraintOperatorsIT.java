package io.mesowhisk.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * The Marathon operator bundle is installed, stopped and started while the framework runs: its operators are usable
 * as soon as it is started, every set using them fails clearly ("operator UNIQUE is not available") while it is
 * stopped, and the same sets heal when it is started again. The bundle jar is embedded in this test bundle
 * ({@code marathon-operators.jar}) and is not part of the run, so "install at runtime" is real.
 */
class ConstraintOperatorsIT {

    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final String MARATHON = "mesos.constraints.marathon";

    private final OsgiContext osgi = new OsgiContext();
    private final List<Bundle> installed = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (Bundle b : installed) {
            b.uninstall();
        }
        osgi.close();
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, DEADLINE, condition);
    }

    private Bundle installMarathon() throws Exception {
        try (InputStream in = ConstraintOperatorsIT.class.getResourceAsStream("/marathon-operators.jar")) {
            assertNotNull(in, "marathon-operators.jar must be embedded in the test bundle");
            Bundle b = osgi.bundleContext().installBundle("itest:" + MARATHON, in);
            installed.add(b);
            return b;
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
        for (Bundle b : osgi.bundleContext().getBundles()) {
            assertFalse(MARATHON.equals(b.getSymbolicName()), "the Marathon bundle must not be part of the run");
        }
        ConstraintCompiler compiler = osgi.service(ConstraintCompiler.class);
        PlacementEngine engine = osgi.service(PlacementEngine.class);
        await("LIKE and UNLIKE from the core bundle",
                () -> compiler.availableOperators().containsAll(Set.of("LIKE", "UNLIKE")));

        // before the bundle is installed: a configuration using UNIQUE is rejected, listing what is available
        ConstraintException rejected = assertThrows(ConstraintException.class,
                () -> compiler.compile(List.of("hostname UNIQUE"), " "));
        assertTrue(rejected.getMessage().contains("operator UNIQUE is not available; available operators: LIKE, UNLIKE"),
                rejected.getMessage());

        List<SortedSet<String>> changes = new ArrayList<>();
        OperatorListener listener = (available, generation) -> {
            synchronized (changes) {
                changes.add(available);
            }
        };
        compiler.addListener(listener);
        try {
            // install + start at runtime: usable at once, no restart of anything else
            Bundle marathon = installMarathon();
            marathon.start();
            await("Marathon operators registered", () -> compiler.availableOperators()
                    .containsAll(Set.of("UNIQUE", "CLUSTER", "GROUP_BY", "MAX_PER", "IS")));
            ConstraintSet unique = compiler.compile(List.of("zone LIKE [ab]", "hostname UNIQUE"), " ");
            PlacementResult r = engine.place(tasks(unique, 6), agents(), List.of(), PlacementStrategy.BIN_PACK);
            assertEquals(4, r.assignments().size(), "one task per agent");
            assertEquals(4, r.assignments().stream().map(a -> a.offer().hostname()).distinct().count());
            synchronized (changes) {
                assertFalse(changes.isEmpty(), "listeners are told about new operators");
            }

            // stop: never silently ignored, every set using UNIQUE fails clearly
            marathon.stop();
            await("Marathon operators gone", () -> !compiler.availableOperators().contains("UNIQUE"));
            assertEquals("constraint 'hostname UNIQUE': operator UNIQUE is not available",
                    unique.problem().orElseThrow());
            PlacementResult stopped = engine.place(tasks(unique, 2), agents(), List.of(), PlacementStrategy.BIN_PACK);
            assertEquals(0, stopped.assignments().size());
            assertEquals("constraint 'hostname UNIQUE': operator UNIQUE is not available",
                    stopped.unplaced().get(0).reason());
            ConstraintException e = assertThrows(ConstraintException.class,
                    () -> compiler.compile(List.of("rack MAX_PER 2"), " "));
            assertTrue(e.getMessage().contains("operator MAX_PER is not available"), e.getMessage());
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
        } finally {
            compiler.removeListener(listener);
        }
    }
}
