package io.mesowhisk.mesos.constraints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link OfferView}: fixed-point scalars, attributes given at once or read from a source on first use, the tag. */
class OfferViewTest {

    @Test
    void scalarsAreMesosFixedPointAndPortsKeepTheirOrder() {
        OfferView v = OfferView.builder("o1", "h1").agentId("a1").cpus(0.25).mem(1024.0004).disk(0)
                .ports(31000, 31001).ports(30000, 30000).build();
        assertEquals(250, v.cpusMilli());
        assertEquals(1_024_000, v.memMilli());
        assertEquals(List.of(new PortRange(31000, 31001), new PortRange(30000, 30000)), v.ports());
        assertEquals("a1", v.agentId());
        assertEquals("o1", OfferView.builder("o1", "h1").build().agentId(), "the agent id defaults to the offer id");
        assertThrows(IllegalArgumentException.class, () -> OfferView.builder("o1", "h1").cpus(-1));
        assertThrows(IllegalArgumentException.class, () -> OfferView.builder("o1", "h1").ports(1, 70000));
    }

    @Test
    void attributesFromASourceAreReadOnceOnFirstUseAndLookedUpLikeGivenOnes() {
        AtomicInteger reads = new AtomicInteger();
        OfferView lazy = OfferView.builder("o1", "h1").attributes(() -> {
            reads.incrementAndGet();
            return List.of(Attribute.text("zone", "a"), Attribute.scalar("gen", 2.5), Attribute.text("zone", "b"));
        }).build();
        OfferView eager = OfferView.builder("o2", "h1").attribute(Attribute.text("zone", "a"))
                .attribute(Attribute.scalar("gen", 2.5)).attribute(Attribute.text("zone", "b")).build();
        assertEquals(0, reads.get(), "nothing read before placement asks");
        for (OfferView v : List.of(lazy, eager)) {
            assertEquals("a", v.valueOf("zone"), "the first attribute of a name, as Mesos looks it up");
            assertEquals("2.5", v.valueOf("gen"));
            assertEquals("h1", v.valueOf(OfferView.HOSTNAME));
            assertNull(v.valueOf("rack"));
            assertEquals(3, v.attributes().size());
        }
        assertEquals(1, reads.get());
        assertEquals(eager.attributes(), lazy.attributes());
    }

    @Test
    void manyAttributesAreFoundByNameEitherWay() {
        List<Attribute> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(Attribute.text("k" + i, "v" + i));
        }
        many.add(Attribute.text("k3", "second"));
        OfferView lazy = OfferView.builder("o1", "h1").attributes(() -> many).build();
        OfferView.Builder b = OfferView.builder("o2", "h1");
        many.forEach(b::attribute);
        for (OfferView v : List.of(lazy, b.build())) {
            assertEquals("v19", v.valueOf("k19"));
            assertEquals("v3", v.valueOf("k3"));
            assertNull(v.attribute("k20"));
        }
    }

    @Test
    void attributesComeEitherOneByOneOrFromASourceNotBoth() {
        assertThrows(IllegalStateException.class, () -> OfferView.builder("o1", "h1")
                .attribute(Attribute.text("zone", "a")).attributes(List::of));
        assertThrows(IllegalStateException.class, () -> OfferView.builder("o1", "h1").attributes(List::of)
                .attribute(Attribute.text("zone", "a")));
    }

    @Test
    void theTagLeadsBackToWhatTheViewWasMadeFrom() {
        Object offer = new Object();
        assertSame(offer, OfferView.builder("o1", "h1").tag(offer).build().tag());
        assertNull(OfferView.builder("o1", "h1").build().tag());
    }
}
