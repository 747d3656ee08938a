package io.mesowhisk.mesos.constraints.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.constraints.Attribute;
import io.mesowhisk.mesos.constraints.CompiledConstraint;
import io.mesowhisk.mesos.constraints.ConstraintException;
import io.mesowhisk.mesos.constraints.ConstraintOperator;
import io.mesowhisk.mesos.constraints.ConstraintSet;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PortRange;
import io.mesowhisk.mesos.constraints.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConstraintRegistryTest {

    private final ConstraintRegistry registry = new ConstraintRegistry();
    private final GroupState none = new GroupState("g");

    ConstraintRegistryTest() {
        registry.register("LIKE", new LikeOperator());
        registry.register("UNLIKE", new UnlikeOperator());
    }

    private static OfferView agent(String host, Attribute... attributes) {
        OfferView.Builder b = OfferView.builder("offer-" + host, host);
        for (Attribute a : attributes) {
            b.attribute(a);
        }
        return b.build();
    }

    private Verdict eval(String constraint, OfferView offer) {
        return registry.compile(List.of(constraint), " ").evaluate(offer, none);
    }

    @Test
    void likeMatchesTheWholeTextValue() {
        OfferView a = agent("h1", Attribute.text("zone", "a"));
        OfferView ab = agent("h2", Attribute.text("zone", "ab"));
        assertTrue(eval("zone LIKE [ab]", a).fits());
        Verdict v = eval("zone LIKE [ab]", ab);
        assertFalse(v.fits());
        assertEquals("zone LIKE [ab]: agent h2 has zone=ab", v.reason());
        assertTrue(eval("zone UNLIKE [ab]", ab).fits());
        assertFalse(eval("zone UNLIKE [ab]", a).fits());
    }

    @Test
    void missingAttributeFailsLikeAndUnlike() {
        OfferView bare = agent("h1", Attribute.text("zone", "a"));
        Verdict like = eval("pool LIKE blackbox", bare);
        assertFalse(like.fits());
        assertEquals("pool LIKE blackbox: agent h1 has no attribute pool", like.reason());
        Verdict unlike = eval("pool UNLIKE blackbox", bare);
        assertFalse(unlike.fits());
        assertEquals("pool UNLIKE blackbox: agent h1 has no attribute pool (UNLIKE needs the attribute, as LIKE does)",
                unlike.reason());
        // a regex that would match anything does not change that: the attribute itself is missing
        assertFalse(eval("pool UNLIKE x^", bare).fits());
        // with the attribute, UNLIKE is the negation of LIKE
        assertTrue(eval("pool UNLIKE blackbox", agent("h2", Attribute.text("pool", "managed"))).fits());
        assertFalse(eval("pool UNLIKE blackbox", agent("h3", Attribute.text("pool", "blackbox"))).fits());
    }

    @Test
    void scalarRangesAndSetCompareMesosTextForms() {
        OfferView o = agent("h1", Attribute.scalar("gen", 2.5), Attribute.ranges("ids",
                List.of(new PortRange(1, 2), new PortRange(4, 5))), Attribute.set("tags", List.of("ssd", "gpu")));
        assertTrue(eval("gen LIKE 2\\.5", o).fits());
        assertTrue(eval("gen LIKE 2\\.[0-9]+", o).fits());
        assertTrue(eval("ids LIKE \\[1-2, 4-5\\]", o).fits());
        assertTrue(eval("tags LIKE \\{.*gpu.*\\}", o).fits());
        assertTrue(eval("tags UNLIKE \\{ssd\\}", o).fits());
    }

    @Test
    void hostnameIsTheSpecialField() {
        assertTrue(eval("hostname LIKE web-[0-9]+", agent("web-12")).fits());
        assertFalse(eval("hostname UNLIKE web-.*", agent("web-12")).fits());
    }

    @Test
    void invalidRegexAndMissingValueAreRejectedWithTheConstraintQuoted() {
        ConstraintException e = assertThrows(ConstraintException.class,
                () -> registry.compile(List.of("zone LIKE [ab"), " "));
        assertTrue(e.getMessage().startsWith("constraint 'zone LIKE [ab': '[ab' is not a valid Java regular expression"),
                e.getMessage());
        e = assertThrows(ConstraintException.class, () -> registry.compile(List.of("zone LIKE"), " "));
        assertTrue(e.getMessage().contains("LIKE needs a value"), e.getMessage());
    }

    @Test
    void unknownOperatorListsAvailableOnes() {
        ConstraintException e = assertThrows(ConstraintException.class,
                () -> registry.compile(List.of("zone LIKE a", "hostname UNIQUE"), " "));
        assertEquals("constraint 'hostname UNIQUE': operator UNIQUE is not available; available operators: "
                + "LIKE, UNLIKE", e.getMessage());
        assertEquals("hostname UNIQUE", e.constraint());
    }

    @Test
    void previousConfigurationKeepsWorkingAfterARejectedOne() {
        ConstraintSet good = registry.compile(List.of("zone LIKE a"), " ");
        assertThrows(ConstraintException.class, () -> registry.compile(List.of("zone FOO a"), " "));
        assertTrue(good.evaluate(agent("h", Attribute.text("zone", "a")), none).fits());
        assertTrue(good.problem().isEmpty());
    }

    @Test
    void equalConfigurationsAreInterned() {
        ConstraintSet a = registry.compile(List.of("zone LIKE [ab]", "pool UNLIKE blackbox"), " ");
        ConstraintSet b = registry.compile(List.of("zone|LIKE|[ab]", "pool|UNLIKE|blackbox"), "|");
        assertSame(a, b);
        assertNotSame(a, registry.compile(List.of("zone LIKE [ab]"), " "));
        assertSame(ConstraintSet.NONE, registry.compile(List.of(), " "));
        assertFalse(a.dependsOnPlacements());
    }

    @Test
    void regexIsCompiledOncePerConfiguration() {
        AtomicInteger compiles = new AtomicInteger();
        LikeOperator like = new LikeOperator();
        registry.register("COUNTED", c -> {
            compiles.incrementAndGet();
            return like.compile(c);
        });
        ConstraintSet set = registry.compile(List.of("zone COUNTED a"), " ");
        for (int i = 0; i < 100; i++) {
            set.evaluate(agent("h" + i, Attribute.text("zone", "a")), none);
        }
        assertEquals(1, compiles.get());
        // another operator coming and going does not recompile constraints whose operator is unchanged
        ConstraintOperator other = c -> (o, x) -> Verdict.FITS;
        registry.addOperator(other, Map.of(ConstraintOperator.NAME_PROPERTY, "OTHER"));
        registry.removeOperator(other, Map.of(ConstraintOperator.NAME_PROPERTY, "OTHER"));
        assertTrue(set.evaluate(agent("h", Attribute.text("zone", "a")), none).fits());
        assertEquals(1, compiles.get());
    }

    @Test
    void removedOperatorMakesSetsFailClearlyAndReturningHeals() {
        ConstraintOperator custom = c -> new CompiledConstraint() {
            @Override
            public Verdict evaluate(OfferView offer, io.mesowhisk.mesos.constraints.PlacementContext ctx) {
                return Verdict.FITS;
            }
        };
        Map<String, Object> props = Map.of(ConstraintOperator.NAME_PROPERTY, "ANY");
        List<Long> generations = new ArrayList<>();
        List<SortedSet<String>> seen = new ArrayList<>();
        registry.addListener((available, generation) -> {
            seen.add(available);
            generations.add(generation);
        });
        registry.addOperator(custom, props);
        ConstraintSet set = registry.compile(List.of("zone LIKE a", "rack ANY"), " ");
        OfferView o = agent("h", Attribute.text("zone", "a"));
        assertTrue(set.evaluate(o, none).fits());

        long before = registry.generation();
        registry.removeOperator(custom, props);
        assertTrue(registry.generation() > before);
        Verdict v = set.evaluate(o, none);
        assertFalse(v.fits());
        assertEquals("constraint 'rack ANY': operator ANY is not available", v.reason());
        assertEquals("constraint 'rack ANY': operator ANY is not available", set.problem().orElseThrow());
        assertEquals(List.of("LIKE", "UNLIKE"), List.copyOf(seen.get(seen.size() - 1)));

        registry.addOperator(custom, props);
        assertTrue(set.evaluate(o, none).fits());
        assertTrue(set.problem().isEmpty());
        assertEquals(3, generations.size());
    }

    @Test
    void highestRankedServiceWinsForADuplicateName() {
        ConstraintOperator yes = c -> (offer, ctx) -> Verdict.FITS;
        ConstraintOperator no = c -> (offer, ctx) -> Verdict.no("ranked higher");
        registry.addOperator(yes, Map.of(ConstraintOperator.NAME_PROPERTY, "DUP", "service.id", 10L));
        registry.addOperator(no, Map.of(ConstraintOperator.NAME_PROPERTY, "DUP", "service.id", 11L,
                "service.ranking", 5));
        assertEquals("ranked higher", eval("a DUP", agent("h")).reason());
        registry.removeOperator(no, Map.of(ConstraintOperator.NAME_PROPERTY, "DUP"));
        assertTrue(eval("a DUP", agent("h")).fits());
    }

    @Test
    void serviceWithoutAValidNameIsNotRegistered() {
        registry.addOperator(c -> (o, x) -> Verdict.FITS, Map.of(ConstraintOperator.NAME_PROPERTY, "lower"));
        assertEquals(List.of("LIKE", "UNLIKE"), List.copyOf(registry.availableOperators()));
    }
}
