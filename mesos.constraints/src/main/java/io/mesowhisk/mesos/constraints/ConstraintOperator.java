package io.mesowhisk.mesos.constraints;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A constraint operator, registered as an OSGi service with the service property {@value #NAME_PROPERTY} naming it
 * (e.g. {@code constraint.operator=LIKE}); one service per operator name. The core bundle provides LIKE and UNLIKE;
 * other bundles add operators at runtime. When a service goes away, every constraint set using its name reports
 * "operator NAME is not available" until a service of that name comes back.
 *
 * <p>Implementations are thread-safe.
 */
@ConsumerType
public interface ConstraintOperator {

    /** Service property naming the operator: an upper-case name, {@code [A-Z][A-Z0-9_]*}. */
    String NAME_PROPERTY = "constraint.operator";

    /**
     * Compiles one constraint whose operator is this one: validates the value (required or forbidden, regex, number)
     * and prepares everything evaluation needs.
     *
     * @throws IllegalArgumentException with a message saying what value was expected
     */
    CompiledConstraint compile(Constraint constraint);
}
