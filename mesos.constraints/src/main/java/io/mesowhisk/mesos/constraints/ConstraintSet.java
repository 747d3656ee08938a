package io.mesowhisk.mesos.constraints;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A compiled, interned list of constraints (all must hold). The {@link ConstraintCompiler} returns the same instance
 * for the same constraints, so identity is a cheap cache key. A set keeps working across operator changes: when an
 * operator it uses disappears, {@link #evaluate} answers "operator NAME is not available" and {@link #problem()}
 * says so; when the operator comes back, the set recompiles itself on its next use.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface ConstraintSet {

    /** The constraint set without constraints: every offer fits. */
    ConstraintSet NONE = new ConstraintSet() {
        @Override
        public List<Constraint> constraints() {
            return List.of();
        }

        @Override
        public Verdict evaluate(OfferView offer, PlacementContext context) {
            return Verdict.FITS;
        }

        @Override
        public boolean dependsOnPlacements() {
            return false;
        }

        @Override
        public Optional<String> problem() {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "[]";
        }
    };

    /** The constraints, in configuration order. */
    List<Constraint> constraints();

    /** The first failing constraint's verdict, or {@link Verdict#FITS}. Never throws for "does not fit". */
    Verdict evaluate(OfferView offer, PlacementContext context);

    /** Whether any constraint depends on what is placed (then verdicts are not cached per offer). */
    boolean dependsOnPlacements();

    /** Why this set cannot be evaluated now (e.g. "operator UNIQUE is not available"), or empty when it can. */
    Optional<String> problem();
}
