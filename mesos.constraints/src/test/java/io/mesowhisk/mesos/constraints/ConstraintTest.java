package io.mesowhisk.mesos.constraints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConstraintTest {

    @Test
    void parsesAttributeOperatorValue() {
        Constraint c = Constraint.parse("zone LIKE us-east-1[ab]", " ");
        assertEquals(new Constraint("zone", "LIKE", "us-east-1[ab]"), c);
        assertEquals("zone LIKE us-east-1[ab]", c.toString());
    }

    @Test
    void valueIsOptionalForOperatorsWithoutOne() {
        Constraint c = Constraint.parse("hostname UNIQUE", " ");
        assertEquals("hostname", c.attribute());
        assertEquals("UNIQUE", c.operator());
        assertNull(c.value());
    }

    @Test
    void valueKeepsFurtherDelimiters() {
        assertEquals("a b|c", Constraint.parse("rack LIKE a b|c", " ").value());
    }

    @Test
    void customDelimiter() {
        Constraint c = Constraint.parse("zone::UNLIKE::a b", "::");
        assertEquals(new Constraint("zone", "UNLIKE", "a b"), c);
    }

    @Test
    void malformedConstraintsQuoteTheInputAndTheExpectedForm() {
        for (String bad : new String[] {"zone", "zone  LIKE x", " zone LIKE x", "zone LIKE ", "zone like x"}) {
            ConstraintException e = assertThrows(ConstraintException.class, () -> Constraint.parse(bad, " "), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("<attribute><delimiter><OPERATOR>[<delimiter><value>]"), e.getMessage());
            assertEquals(bad, e.constraint());
        }
    }

    @Test
    void emptyInputAndDelimiterAreRejected() {
        assertThrows(ConstraintException.class, () -> Constraint.parse("", " "));
        assertThrows(ConstraintException.class, () -> Constraint.parse(null, " "));
        ConstraintException e = assertThrows(ConstraintException.class, () -> Constraint.parse("a LIKE b", ""));
        assertTrue(e.getMessage().contains("delimiter"), e.getMessage());
    }

    @Test
    void wrongDelimiterIsReportedWithTheDelimiter() {
        ConstraintException e = assertThrows(ConstraintException.class, () -> Constraint.parse("zone LIKE a", "|"));
        assertTrue(e.getMessage().contains("delimiter '|'"), e.getMessage());
    }
}
