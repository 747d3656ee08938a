package io.mesowhisk.mesos.constraints;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;

/**
 * The outcome of one placement pass: every pending task is either assigned (offer and host ports) or unplaced with a
 * reason. Immutable.
 *
 * @param assignments tasks placed, in the order of the pending list
 * @param unplaced tasks not placed, with why, in the order of the pending list
 */
public record PlacementResult(List<Assignment> assignments, List<Unplaced> unplaced) {

    public PlacementResult {
        assignments = List.copyOf(assignments);
        unplaced = List.copyOf(unplaced);
    }

    /** One placed task. */
    public record Assignment(TaskRequest task, OfferView offer, List<Integer> ports) {
        public Assignment {
            ports = List.copyOf(ports);
        }
    }

    /** One task left pending, and why (for the "why is this task still pending" view). */
    public record Unplaced(TaskRequest task, String reason) {
    }

    /** Assignments grouped by offer id, offers in first-use order: one ACCEPT per offer. */
    public Map<String, List<Assignment>> byOffer() {
        Map<String, List<Assignment>> m = new LinkedHashMap<>();
        for (Assignment a : assignments) {
            m.computeIfAbsent(a.offer().id(), k -> new ArrayList<>()).add(a);
        }
        return m;
    }
}
