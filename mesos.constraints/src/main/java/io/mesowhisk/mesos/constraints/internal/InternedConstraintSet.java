package io.mesowhisk.mesos.constraints.internal;

import io.mesowhisk.mesos.constraints.CompiledConstraint;
import io.mesowhisk.mesos.constraints.Constraint;
import io.mesowhisk.mesos.constraints.ConstraintException;
import io.mesowhisk.mesos.constraints.ConstraintOperator;
import io.mesowhisk.mesos.constraints.ConstraintSet;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PlacementContext;
import io.mesowhisk.mesos.constraints.Verdict;
import java.util.List;
import java.util.Optional;

/**
 * A constraint set owned by a {@link ConstraintRegistry}. It holds one immutable {@link Binding} (compiled
 * constraints for one operator generation, or the problem that prevents compiling) and rebinds when the registry's
 * generation moves on. Identity is the interning key's identity: equal constraint lists share one instance.
 */
final class InternedConstraintSet implements ConstraintSet {

    /**
     * Compiled constraints for one generation, with the operator service each was compiled by; {@code problem != null}
     * means "cannot be evaluated".
     */
    record Binding(long generation, CompiledConstraint[] compiled, ConstraintOperator[] operators, String problem) {
        boolean dependsOnPlacements() {
            if (compiled == null) {
                return false;
            }
            for (CompiledConstraint c : compiled) {
                if (c.dependsOnPlacements()) {
                    return true;
                }
            }
            return false;
        }
    }

    private final ConstraintRegistry registry;
    private final List<Constraint> constraints;
    private final String text;
    private volatile Binding binding;
    private volatile boolean depends;

    InternedConstraintSet(ConstraintRegistry registry, List<Constraint> constraints, Binding initial) {
        this.registry = registry;
        this.constraints = constraints;
        this.text = constraints.toString();
        this.binding = initial;
        this.depends = initial.dependsOnPlacements();
    }

    /** The binding for the registry's current snapshot, recompiling if the operators changed. */
    Binding binding(ConstraintRegistry.Snapshot s) {
        Binding b = binding;
        if (b.generation() == s.generation()) {
            return b;
        }
        synchronized (this) {
            b = binding;
            if (b.generation() >= s.generation()) {
                return b;
            }
            Binding nb;
            try {
                CompiledConstraint[] compiled = new CompiledConstraint[constraints.size()];
                ConstraintOperator[] operators = new ConstraintOperator[compiled.length];
                for (int i = 0; i < compiled.length; i++) {
                    Constraint c = constraints.get(i);
                    ConstraintOperator op = s.operators().get(c.operator());
                    if (op == null) {
                        throw new ConstraintException(c.toString(), "constraint '" + c + "': operator "
                                + c.operator() + " is not available");
                    }
                    operators[i] = op;
                    // same operator service as before: keep its compiled form (a regex stays compiled once)
                    compiled[i] = b.operators() != null && b.operators()[i] == op ? b.compiled()[i]
                            : ConstraintRegistry.compileOne(c, s);
                }
                nb = new Binding(s.generation(), compiled, operators, null);
            } catch (ConstraintException e) {
                nb = new Binding(s.generation(), null, null, e.getMessage());
            }
            depends = nb.dependsOnPlacements();
            binding = nb;
            return nb;
        }
    }

    private Binding current() {
        return binding(registry.snapshot());
    }

    @Override
    public List<Constraint> constraints() {
        return constraints;
    }

    @Override
    public Verdict evaluate(OfferView offer, PlacementContext context) {
        Binding b = current();
        if (b.problem() != null) {
            return Verdict.no(b.problem());
        }
        for (CompiledConstraint c : b.compiled()) {
            Verdict v = c.evaluate(offer, context);
            if (!v.fits()) {
                return v;
            }
        }
        return Verdict.FITS;
    }

    @Override
    public boolean dependsOnPlacements() {
        current();
        return depends;
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(current().problem());
    }

    @Override
    public String toString() {
        return text;
    }
}
