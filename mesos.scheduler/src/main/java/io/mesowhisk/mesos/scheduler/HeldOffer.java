package io.mesowhisk.mesos.scheduler;

import io.mesowhisk.mesos.constraints.PortRange;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An offer the scheduler holds for quick launches ({@link SchedulerSettings#holdOffers()}); the
 * {@code mesos:offers} command lists them. A snapshot; immutable.
 *
 * @param offerId the offer id
 * @param agentId the agent it is on
 * @param hostname the agent's host name
 * @param cpus unreserved cpus left in it
 * @param memMb memory left, MB
 * @param diskMb disk left, MB
 * @param ports port ranges left
 * @param received when it arrived
 * @param expires when it will be declined if unused
 */
public record HeldOffer(String offerId, String agentId, String hostname, double cpus, double memMb, double diskMb,
        List<PortRange> ports, Instant received, Instant expires) {

    /** Copies the list; checks that nothing is null. */
    public HeldOffer {
        Objects.requireNonNull(offerId, "offerId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(hostname, "hostname");
        ports = List.copyOf(ports);
        Objects.requireNonNull(received, "received");
        Objects.requireNonNull(expires, "expires");
    }
}
