package io.mesowhisk.mesos.constraints;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A constraint compiled once per configuration by its {@link ConstraintOperator} (a regex is compiled here, not per
 * check). Must be thread-safe and cheap: it runs once per offer and distinct constraint set in every placement pass.
 */
@ConsumerType
public interface CompiledConstraint {

    /** Whether {@code offer} satisfies the constraint; answers, never throws, for "does not fit". */
    Verdict evaluate(OfferView offer, PlacementContext context);

    /**
     * Whether the verdict can change with what is placed ({@link PlacementContext}). When {@code false} the engine
     * caches one verdict per offer and constraint set for the whole pass. The safe default is {@code true}.
     */
    default boolean dependsOnPlacements() {
        return true;
    }
}
