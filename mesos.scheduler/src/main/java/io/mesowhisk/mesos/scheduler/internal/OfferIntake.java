package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.constraints.Attribute;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PortRange;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.Resource;
import io.mesowhisk.mesos.v1.Protos.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Offer intake: one protobuf {@link Offer} to the placement engine's {@link OfferView}. One idea, kept in one place so
 * it can be replaced by a faster converter: sum the cpus, mem and disk scalars and collect the port ranges that this
 * framework's role may use (unreserved {@code *} or reserved for the role; revocable resources skipped), minus the
 * agent's blacklisted ports, and copy the attributes.
 *
 * <p>Stateless and thread-safe.
 */
public final class OfferIntake {

    private final String role;

    /** @param role the framework's role (resources reserved for it are usable too) */
    public OfferIntake(String role) {
        this.role = role;
    }

    /** Whether the framework may use this resource of an offer. */
    public boolean usable(Resource r) {
        if (r.hasRevocable()) {
            return false;
        }
        if (r.getReservationsCount() > 0) {
            return role.equals(r.getReservations(r.getReservationsCount() - 1).getRole());
        }
        String resourceRole = r.getRole();
        return "*".equals(resourceRole) || role.equals(resourceRole);
    }

    /**
     * Converts one offer.
     *
     * @param offer the offer
     * @param blacklistedPorts host ports of this agent not to use (docker run failed on them), usually empty
     */
    public OfferView convert(Offer offer, Set<Integer> blacklistedPorts) {
        double cpus = 0;
        double mem = 0;
        double disk = 0;
        List<PortRange> ports = new ArrayList<>(2);
        for (Resource r : offer.getResourcesList()) {
            if (!usable(r)) {
                continue;
            }
            switch (r.getName()) {
                case "cpus" -> cpus += r.getScalar().getValue();
                case "mem" -> mem += r.getScalar().getValue();
                case "disk" -> disk += r.getScalar().getValue();
                case "ports" -> {
                    for (Value.Range range : r.getRanges().getRangeList()) {
                        addRange(ports, range.getBegin(), range.getEnd(), blacklistedPorts);
                    }
                }
                default -> { }
            }
        }
        OfferView.Builder b = OfferView.builder(offer.getId().getValue(), offer.getHostname())
                .agentId(offer.getAgentId().getValue()).cpus(cpus).mem(mem).disk(disk);
        for (PortRange range : ports) {
            b.ports(range.begin(), range.end());
        }
        for (io.mesowhisk.mesos.v1.Protos.Attribute a : offer.getAttributesList()) {
            Attribute converted = attribute(a);
            if (converted != null) {
                b.attribute(converted);
            }
        }
        return b.build();
    }

    private static void addRange(List<PortRange> out, long begin, long end, Set<Integer> blacklist) {
        if (end > 65535 || begin > end) {
            return;
        }
        if (blacklist.isEmpty()) {
            out.add(new PortRange(begin, end));
            return;
        }
        long start = begin;
        for (long p = begin; p <= end; p++) {
            if (blacklist.contains((int) p)) {
                if (p > start) {
                    out.add(new PortRange(start, p - 1));
                }
                start = p + 1;
            }
        }
        if (start <= end) {
            out.add(new PortRange(start, end));
        }
    }

    private static Attribute attribute(io.mesowhisk.mesos.v1.Protos.Attribute a) {
        return switch (a.getType()) {
            case TEXT -> Attribute.text(a.getName(), a.getText().getValue());
            case SCALAR -> Attribute.scalar(a.getName(), a.getScalar().getValue());
            case RANGES -> {
                List<PortRange> ranges = new ArrayList<>();
                for (Value.Range r : a.getRanges().getRangeList()) {
                    ranges.add(new PortRange(r.getBegin(), r.getEnd()));
                }
                yield Attribute.ranges(a.getName(), ranges);
            }
            case SET -> Attribute.set(a.getName(), a.getSet().getItemList());
        };
    }
}
