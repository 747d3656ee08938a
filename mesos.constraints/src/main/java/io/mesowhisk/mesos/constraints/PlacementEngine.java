package io.mesowhisk.mesos.constraints;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Assigns pending tasks to offers in one pass: several tasks per offer, distinct host ports per offer, never more
 * cpus/mem/disk/ports than offered. Tasks are tried in the order given (put urgent ones first). Verdicts of constraint
 * sets that do not depend on placements are computed once per offer and set; the pass is near-linear in tasks +
 * offers for them. Sets that depend on placements (UNIQUE, GROUP_BY, ...) are evaluated per task and offer, with a
 * {@link PlacementContext} that includes tasks placed earlier in the same pass.
 *
 * <p>Stateless and thread-safe; each call is independent.
 */
@ProviderType
public interface PlacementEngine {

    /**
     * @param pending tasks to place, most urgent first
     * @param offers offers available now
     * @param running tasks already placed before this pass (for the Marathon-style operators)
     * @param strategy how to choose among fitting offers
     */
    PlacementResult place(List<TaskRequest> pending, List<OfferView> offers, List<PlacedTask> running,
            PlacementStrategy strategy);
}
