package io.mesowhisk.mesos.emulator.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.v1.Protos;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * DECLINE filters as the hierarchical allocator keeps them (M:src/master/allocator/mesos/hierarchical.cpp): a set per
 * framework, agent and role, each filter blocking while it lasts and its refused resources hold all that is
 * offerable, expired ones dropped.
 */
class DeclineFiltersTest {

    private final Model.Framework framework = new Model.Framework("f", Protos.FrameworkInfo.newBuilder()
        .setUser("u").setName("n").build());
    private final Model.Agent agent = new Model.Agent(0, "a", "host", SpecParser.resources("cpus:2;mem:256"),
        List.of());

    private void filter(String refused, long expiresNanos) {
        framework.filters.computeIfAbsent(new Model.FilterKey("a", "*"), k -> new ArrayList<>())
            .add(new Model.Filter(SpecParser.resources(refused), expiresNanos));
    }

    @Test
    void aLaterShortFilterDoesNotLiftAnEarlierLongOne() {
        long now = System.nanoTime();
        filter("cpus:1;mem:128", now + TimeUnit.HOURS.toNanos(1));
        filter("cpus:2;mem:256", now + TimeUnit.MILLISECONDS.toNanos(50));
        long later = now + TimeUnit.SECONDS.toNanos(1);
        // the short filter has expired; the long one still holds the smaller offer back, but not the larger one
        assertTrue(Allocator.filtered(framework, agent, "*", SpecParser.resources("cpus:1;mem:128"), later));
        assertFalse(Allocator.filtered(framework, agent, "*", SpecParser.resources("cpus:2;mem:256"), later));
        assertTrue(framework.filters.get(new Model.FilterKey("a", "*")).size() == 1, "the expired filter is dropped");
    }

    @Test
    void allExpiredMeansNoFilterLeft() {
        long now = System.nanoTime();
        filter("cpus:2;mem:256", now + 10);
        assertFalse(Allocator.filtered(framework, agent, "*", SpecParser.resources("cpus:1"), now + 20));
        assertFalse(framework.filters.containsKey(new Model.FilterKey("a", "*")));
    }
}
