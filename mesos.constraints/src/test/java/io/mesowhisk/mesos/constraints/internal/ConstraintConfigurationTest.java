package io.mesowhisk.mesos.constraints.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mesowhisk.mesos.constraints.ConstraintConfiguration;
import io.mesowhisk.mesos.constraints.ConstraintException;
import io.mesowhisk.mesos.constraints.ConstraintSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConstraintConfigurationTest {

    private final ConstraintRegistry registry = new ConstraintRegistry();

    ConstraintConfigurationTest() {
        registry.register("LIKE", new LikeOperator());
        registry.register("UNLIKE", new UnlikeOperator());
    }

    @Test
    void managedAndBlackboxListsAreCompiledSeparately() {
        ConstraintConfiguration c = ConstraintConfiguration.compile(registry, List.of("pool UNLIKE blackbox"),
                List.of("pool LIKE blackbox"), ConstraintConfiguration.DEFAULT_DELIMITER);
        assertEquals("[pool UNLIKE blackbox]", c.forImage(false).toString());
        assertEquals("[pool LIKE blackbox]", c.forImage(true).toString());
        assertSame(ConstraintSet.NONE,
                ConstraintConfiguration.compile(registry, List.of(), List.of(), " ").forImage(true));
    }

    @Test
    void errorsNameTheListAndQuoteTheConstraint() {
        ConstraintException e = assertThrows(ConstraintException.class, () -> ConstraintConfiguration.compile(registry,
                List.of("zone LIKE a"), List.of("zone WHATEVER a"), " "));
        assertEquals("blackbox-constraints: constraint 'zone WHATEVER a': operator WHATEVER is not available; "
                + "available operators: LIKE, UNLIKE", e.getMessage());
        e = assertThrows(ConstraintException.class, () -> ConstraintConfiguration.compile(registry,
                List.of("zone:LIKE:a"), List.of(), " "));
        assertEquals("constraints: malformed constraint 'zone:LIKE:a' (the delimiter does not occur): expected "
                + "<attribute><delimiter><OPERATOR>[<delimiter><value>] with delimiter ' ', e.g. "
                + "'zone LIKE us-east-1[ab]' or 'hostname UNIQUE'", e.getMessage());
    }
}
