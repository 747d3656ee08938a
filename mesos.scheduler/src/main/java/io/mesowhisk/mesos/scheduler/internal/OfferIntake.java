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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offer intake: one protobuf {@link Offer} to the placement engine's {@link OfferView}. One idea, kept in one place so
 * it can be replaced by a faster converter: sum the cpus, mem and disk scalars and collect the port ranges that this
 * framework's role may use (unreserved {@code *} or reserved for the role; revocable resources skipped), minus the
 * agent's blacklisted ports. The attributes are converted only when placement first reads them (most offers of a big
 * OFFERS event are never tried against a constraint), and the view is tagged with its offer.
 *
 * <p>Stateless and thread-safe.
 */
public final class OfferIntake {

    private static final Logger LOG = LoggerFactory.getLogger(OfferIntake.class);

    private final String role;

    /** @param role the framework's role (resources reserved for it are usable too) */
    public OfferIntake(String role) {
        this.role = role;
    }

    /** One offer as placement sees it, for a framework in {@code role}, with no blacklisted ports. */
    public static OfferView toView(Offer offer, String role) {
        return new OfferIntake(role).convert(offer, Set.of());
    }

    /** Every offer of an OFFERS event, in order, for a framework in {@code role}, with no blacklisted ports. */
    public static List<OfferView> toViews(List<Offer> offers, String role) {
        OfferIntake intake = new OfferIntake(role);
        List<OfferView> views = new ArrayList<>(offers.size());
        for (Offer o : offers) {
            views.add(intake.convert(o, Set.of()));
        }
        return views;
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
        // one pass over the resources straight into the builder: this runs for every offer of every OFFERS event
        OfferView.Builder b = OfferView.builder(offer.getId().getValue(), offer.getHostname())
                .agentId(offer.getAgentId().getValue());
        double cpus = 0;
        double mem = 0;
        double disk = 0;
        for (int i = 0, n = offer.getResourcesCount(); i < n; i++) {
            Resource r = offer.getResources(i);
            if (!usable(r)) {
                continue;
            }
            switch (r.getName()) {
                case "cpus" -> cpus += r.getScalar().getValue();
                case "mem" -> mem += r.getScalar().getValue();
                case "disk" -> disk += r.getScalar().getValue();
                case "ports" -> {
                    Value.Ranges ranges = r.getRanges();
                    for (int k = 0, m = ranges.getRangeCount(); k < m; k++) {
                        Value.Range range = ranges.getRange(k);
                        addRange(b, range.getBegin(), range.getEnd(), blacklistedPorts);
                    }
                }
                default -> { }
            }
        }
        b.cpus(cpus).mem(mem).disk(disk).tag(offer);
        if (offer.getAttributesCount() > 0) {
            b.attributes(() -> attributes(offer));
        }
        return b.build();
    }

    /** The offer a view was made from by {@link #convert}. */
    static Offer offerOf(OfferView view) {
        return (Offer) view.tag();
    }

    /**
     * The offer's attributes, for placement; one that cannot be represented is left out (so constraints on it fail,
     * as on an agent without it): Mesos validates agent attributes, so this takes a master that does not.
     */
    private static List<Attribute> attributes(Offer offer) {
        List<Attribute> out = new ArrayList<>(offer.getAttributesCount());
        for (int i = 0, n = offer.getAttributesCount(); i < n; i++) {
            io.mesowhisk.mesos.v1.Protos.Attribute a = offer.getAttributes(i);
            try {
                out.add(attribute(a));
            } catch (IllegalArgumentException e) {
                LOG.warn("Offer {} from agent {}: attribute '{}' left out: {}", offer.getId().getValue(),
                        offer.getHostname(), a.getName(), e.getMessage());
            }
        }
        return out;
    }

    private static void addRange(OfferView.Builder out, long begin, long end, Set<Integer> blacklist) {
        if (end > 65535 || begin > end) {
            return;
        }
        if (blacklist.isEmpty()) {
            out.ports(begin, end);
            return;
        }
        long start = begin;
        for (long p = begin; p <= end; p++) {
            if (blacklist.contains((int) p)) {
                if (p > start) {
                    out.ports(start, p - 1);
                }
                start = p + 1;
            }
        }
        if (start <= end) {
            out.ports(start, end);
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
