package io.mesowhisk.mesos.scheduler;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An agent the scheduler has seen in offers (the {@code mesos:agents} command). A snapshot; immutable.
 *
 * @param agentId the agent id
 * @param hostname its host name
 * @param attributes its attributes, by name, in text form
 * @param lastOffer when an offer of it last arrived
 * @param offeredCpus cpus in its last offer
 * @param offeredMemMb memory in its last offer, MB
 * @param tasks tasks of this scheduler launched there and not yet ended
 * @param blacklistedPorts host ports avoided there after a docker run failed on them (exit 125)
 */
public record AgentView(String agentId, String hostname, Map<String, String> attributes, Instant lastOffer,
        double offeredCpus, double offeredMemMb, int tasks, Set<Integer> blacklistedPorts) {

    /** Copies the collections; checks that nothing is null. */
    public AgentView {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(hostname, "hostname");
        attributes = Map.copyOf(attributes);
        Objects.requireNonNull(lastOffer, "lastOffer");
        blacklistedPorts = Set.copyOf(blacklistedPorts);
    }
}
