package io.mesowhisk.mesos.constraints;

import java.util.List;
import java.util.SortedSet;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Compiles constraint configurations against the operators currently registered (one {@link ConstraintOperator}
 * service per name). Provided as an OSGi service by the core bundle. Thread-safe.
 *
 * <p>Use: compile each configured list once ({@code whisk.mesos.constraints} and {@code blackbox-constraints}); keep
 * the returned {@link ConstraintSet}s. If a new configuration is rejected, keep using the previous sets: they are
 * unaffected. When operators change, {@link #generation()} increases and listeners are told; sets recompile
 * themselves lazily, and {@link ConstraintSet#problem()} reports a missing operator.
 */
@ProviderType
public interface ConstraintCompiler {

    /**
     * Parses and compiles {@code constraints}, each {@code <attribute><delimiter><OPERATOR>[<delimiter><value>]}.
     * Regexes and numbers are compiled once here. Equal constraint lists give the same (interned) instance.
     *
     * @throws ConstraintException for the first malformed constraint, unknown/unavailable operator (the message lists
     *         the available ones) or value the operator rejects; the message quotes the constraint
     */
    ConstraintSet compile(List<String> constraints, String delimiter);

    /** Operator names available now, sorted. */
    SortedSet<String> availableOperators();

    /** Increases on every change of the available operators. */
    long generation();

    /** Registers a listener for operator changes. */
    void addListener(OperatorListener listener);

    /** Removes a listener registered with {@link #addListener}. */
    void removeListener(OperatorListener listener);
}
