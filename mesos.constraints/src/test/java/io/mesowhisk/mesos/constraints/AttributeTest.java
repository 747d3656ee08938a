package io.mesowhisk.mesos.constraints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Text forms as Mesos prints them (src/common/values.cpp operator<<). */
class AttributeTest {

    @Test
    void scalarTextFormMatchesMesos() {
        assertEquals("2", Attribute.scalarText(2));
        assertEquals("2.5", Attribute.scalarText(2.5));
        assertEquals("0.125", Attribute.scalarText(0.125));
        assertEquals("1.235", Attribute.scalarText(1.2345));    // 3-decimal fixed point, half away from zero
        assertEquals("0", Attribute.scalarText(0.0004));
        assertEquals("-2.5", Attribute.scalarText(-2.5));
        assertEquals("32768", Attribute.scalarText(32768));
        assertEquals("123456789012345", Attribute.scalarText(123456789012345.0));
        assertEquals("1e+20", Attribute.scalarText(1e20));
        assertEquals("1.5e+15", Attribute.scalarText(1.5e15));
        assertThrows(IllegalArgumentException.class, () -> Attribute.scalarText(Double.NaN));
    }

    /** The fast path (no BigDecimal, below 1e12) gives exactly the text of the definition. */
    @Test
    void scalarTextFastPathAgreesWithTheDefinition() {
        java.util.Random random = new java.util.Random(7);
        double[] edges = {0, -0.0, 0.0004, 0.0005, -0.0005, 0.001, 0.1, 0.2, 0.3, 1.0005, 2.0045, 999.9995,
            999999999999.999, 999999999999.9996, -999999999999.9996, 1e12 - 1e-3, 123456.789, 8, 32768, 0.25};
        for (double v : edges) {
            assertEquals(Attribute.scalarTextExact(v), Attribute.scalarText(v), "value " + v);
        }
        for (int i = 0; i < 200_000; i++) {
            double v = switch (i % 4) {
                case 0 -> random.nextInt(100_000_000) / 1000.0;                    // Mesos fixed-point values
                case 1 -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(16) - 3);
                case 2 -> random.nextLong() % 1_000_000_000_000_000L / 1000.0;
                default -> Double.longBitsToDouble(random.nextLong());
            };
            if (Double.isFinite(v)) {
                assertEquals(Attribute.scalarTextExact(v), Attribute.scalarText(v), "value " + v);
            }
        }
    }

    @Test
    void rangesAndSetTextForms() {
        assertEquals("[31000-31999]", Attribute.ranges("p", List.of(new PortRange(31000, 31999))).text());
        assertEquals("[1-2, 4-5]", Attribute.ranges("p", List.of(new PortRange(1, 2), new PortRange(4, 5))).text());
        assertEquals("{a, b}", Attribute.set("s", List.of("a", "b")).text());
        assertEquals("{}", Attribute.set("s", List.of()).text());
        assertEquals(AttributeType.SET, Attribute.set("s", List.of("a")).type());
    }

    @Test
    void offerValueOfUsesHostnameAndFirstAttribute() {
        OfferView o = OfferView.builder("o1", "h1").attribute(Attribute.text("zone", "a"))
                .attribute(Attribute.text("zone", "b")).attribute(Attribute.scalar("gen", 3)).build();
        assertEquals("h1", o.valueOf("hostname"));
        assertEquals("a", o.valueOf("zone"));
        assertEquals("3", o.valueOf("gen"));
        assertNull(o.valueOf("rack"));

        // many attributes: looked up through a map, still the first of a name
        OfferView.Builder many = OfferView.builder("o2", "h2");
        for (int i = 0; i < 20; i++) {
            many.attribute(Attribute.text("a" + i, "v" + i));
        }
        OfferView big = many.attribute(Attribute.text("a3", "later")).build();
        assertEquals("v3", big.valueOf("a3"));
        assertEquals("v19", big.attribute("a19").text());
        assertNull(big.valueOf("zone"));
        assertEquals(21, big.attributes().size());
    }

    @Test
    void buildersRejectBadInputNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OfferView.builder("o1", "h1").cpus(-1));
        assertEquals("offer o1: cpus must be a finite number >= 0, got -1.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OfferView.builder("o1", ""));
        assertThrows(IllegalArgumentException.class, () -> TaskRequest.builder("t").ports(-1));
        assertThrows(IllegalArgumentException.class, () -> new PortRange(5, 4));
    }
}
