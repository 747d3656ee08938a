package io.mesowhisk.mesos.scheduler.internal;

import static io.mesowhisk.mesos.scheduler.internal.WireReader.FIXED64;
import static io.mesowhisk.mesos.scheduler.internal.WireReader.LENGTH_DELIMITED;
import static io.mesowhisk.mesos.scheduler.internal.WireReader.VARINT;
import static io.mesowhisk.mesos.scheduler.internal.WireReader.tag;

import io.mesowhisk.mesos.api.EncodedOffers;
import io.mesowhisk.mesos.api.MesosProtocolException;
import io.mesowhisk.mesos.constraints.Attribute;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PortRange;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.Resource;
import io.mesowhisk.mesos.v1.Protos.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offer intake: one offer of an OFFERS event, read from its wire form, to the placement engine's {@link OfferView}.
 * The offers are never decoded as a whole (10,000 of them take about 25 ms to decode): this reads the ids, the
 * hostname and the resources straight from the bytes, sums the cpus, mem and disk scalars and collects the port
 * ranges that this framework's role may use (unreserved {@code *} or reserved for the role; revocable resources
 * skipped). The view is tagged with a {@link Source} that decodes the offer when it is used (for the ACCEPT, or
 * for its attributes, which placement reads only for offers it tries against a constraint).
 *
 * <p>Fields, as numbered in {@code mesos.proto}: Offer {@code id=1 agent_id=3 hostname=4 resources=5
 * attributes=7}; OfferID and AgentID {@code value=1}; Resource {@code name=1 scalar=3 ranges=4 role=6 revocable=9
 * reservations=13}; Value.Scalar {@code value=1}; Value.Ranges {@code range=1}; Value.Range {@code begin=1 end=2};
 * ReservationInfo {@code role=3}. A field seen twice counts as protobuf merges it (the last scalar, every range).
 *
 * <p>Stateless and thread-safe.
 */
public final class OfferIntake {

    private static final Logger LOG = LoggerFactory.getLogger(OfferIntake.class);

    private static final int OFFER_ID = tag(1, LENGTH_DELIMITED);
    private static final int OFFER_AGENT_ID = tag(3, LENGTH_DELIMITED);
    private static final int OFFER_HOSTNAME = tag(4, LENGTH_DELIMITED);
    private static final int OFFER_RESOURCES = tag(5, LENGTH_DELIMITED);
    private static final int OFFER_ATTRIBUTES = tag(7, LENGTH_DELIMITED);
    private static final int ID_VALUE = tag(1, LENGTH_DELIMITED);
    private static final int RESOURCE_NAME = tag(1, LENGTH_DELIMITED);
    private static final int RESOURCE_SCALAR = tag(3, LENGTH_DELIMITED);
    private static final int RESOURCE_RANGES = tag(4, LENGTH_DELIMITED);
    private static final int RESOURCE_ROLE = tag(6, LENGTH_DELIMITED);
    private static final int RESOURCE_REVOCABLE = tag(9, LENGTH_DELIMITED);
    private static final int RESOURCE_RESERVATIONS = tag(13, LENGTH_DELIMITED);
    private static final int SCALAR_VALUE = tag(1, FIXED64);
    private static final int RANGES_RANGE = tag(1, LENGTH_DELIMITED);
    private static final int RANGE_BEGIN = tag(1, VARINT);
    private static final int RANGE_END = tag(2, VARINT);
    private static final int RESERVATION_ROLE = tag(3, LENGTH_DELIMITED);

    /** Resource names, in the order of the {@code CPUS}... indexes. */
    private static final byte[][] NAMES = {utf8("cpus"), utf8("mem"), utf8("disk"), utf8("ports")};
    private static final int CPUS = 0;
    private static final int MEM = 1;
    private static final int DISK = 2;
    private static final int PORTS = 3;

    private final String role;
    /** The roles a resource's (deprecated) role field may name for us: {@code *} (index 0) and ours (index 1). */
    private final byte[][] roles;
    private final byte[][] ownRole;

    /** @param role the framework's role (resources reserved for it are usable too) */
    public OfferIntake(String role) {
        this.role = role;
        this.roles = new byte[][] {utf8("*"), utf8(role)};
        this.ownRole = new byte[][] {utf8(role)};
    }

    /**
     * What a view was made from: offer {@code index} of an OFFERS event, decoded once, when first asked for. Only
     * the scheduler's event loop asks (for the ACCEPT, and for the attributes of a view placement reads them from,
     * on the same thread); a race would decode twice, equally.
     */
    static final class Source {
        final EncodedOffers offers;
        final int index;
        private volatile Offer offer;

        Source(EncodedOffers offers, int index) {
            this.offers = offers;
            this.index = index;
        }

        Offer offer() {
            Offer o = offer;
            if (o == null) {
                o = offers.offer(index);
                offer = o;
            }
            return o;
        }
    }

    /** Every offer of an OFFERS event, in order, for a framework in {@code role}. */
    public static List<OfferView> toViews(EncodedOffers offers, String role) {
        OfferIntake intake = new OfferIntake(role);
        List<OfferView> views = new ArrayList<>(offers.size());
        for (int i = 0, n = offers.size(); i < n; i++) {
            views.add(intake.convert(offers, i));
        }
        return views;
    }

    /** Whether the framework may use this resource of a decoded offer (the rule {@link #convert} applies). */
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
     * Reads offer {@code index} of {@code offers}.
     *
     * @throws IllegalArgumentException if its bytes are malformed, it lacks an id, agent id or hostname, or a value
     *         is out of range; the message says which
     */
    public OfferView convert(EncodedOffers offers, int index) {
        WireReader in = new WireReader(offers.array(), offers.offset(index), offers.length(index));
        String id = null;
        String agentId = null;
        String hostname = null;
        boolean hasAttributes = false;
        long[] ranges = null; // begin, end pairs of the usable ports
        int rangeCount = 0;
        double cpus = 0;
        double mem = 0;
        double disk = 0;
        for (int tag = in.tag(); tag != 0; tag = in.tag()) {
            if (tag == OFFER_RESOURCES) {
                int outer = in.enter();
                // one resource: its fields may come in any order, so it counts once it has been read whole
                int name = -1;
                double scalar = 0;
                boolean revocable = false;
                boolean reserved = false;
                boolean reservedForUs = false;
                int roleIndex = 0;   // the role field's default is "*"
                int rangesFrom = rangeCount;
                for (int t = in.tag(); t != 0; t = in.tag()) {
                    if (t == RESOURCE_NAME) {
                        name = in.oneOf(NAMES);
                    } else if (t == RESOURCE_SCALAR) {
                        int o = in.enter();
                        for (int s = in.tag(); s != 0; s = in.tag()) {
                            if (s == SCALAR_VALUE) {
                                scalar = in.doubleValue();
                            } else {
                                in.skip(s);
                            }
                        }
                        in.leave(o);
                    } else if (t == RESOURCE_RANGES) {
                        int o = in.enter();
                        for (int r = in.tag(); r != 0; r = in.tag()) {
                            if (r != RANGES_RANGE) {
                                in.skip(r);
                                continue;
                            }
                            int o2 = in.enter();
                            long begin = 0;
                            long end = 0;
                            for (int b = in.tag(); b != 0; b = in.tag()) {
                                if (b == RANGE_BEGIN) {
                                    begin = in.varint();
                                } else if (b == RANGE_END) {
                                    end = in.varint();
                                } else {
                                    in.skip(b);
                                }
                            }
                            in.leave(o2);
                            if (ranges == null) {
                                ranges = new long[4];
                            } else if (rangeCount + 2 > ranges.length) {
                                ranges = Arrays.copyOf(ranges, ranges.length * 2);
                            }
                            ranges[rangeCount++] = begin;
                            ranges[rangeCount++] = end;
                        }
                        in.leave(o);
                    } else if (t == RESOURCE_ROLE) {
                        roleIndex = in.oneOf(roles);
                    } else if (t == RESOURCE_REVOCABLE) {
                        revocable = true;
                        in.skip(t);
                    } else if (t == RESOURCE_RESERVATIONS) {
                        reserved = true;
                        reservedForUs = false; // the last reservation decides; one without a role is not ours
                        int o = in.enter();
                        for (int r = in.tag(); r != 0; r = in.tag()) {
                            if (r == RESERVATION_ROLE) {
                                reservedForUs = in.oneOf(ownRole) == 0;
                            } else {
                                in.skip(r);
                            }
                        }
                        in.leave(o);
                    } else {
                        in.skip(t);
                    }
                }
                in.leave(outer);
                boolean usable = !revocable && (reserved ? reservedForUs : roleIndex >= 0);
                if (!usable || name != PORTS) {
                    rangeCount = rangesFrom; // the ranges read were not usable ports
                }
                if (usable) {
                    switch (name) {
                        case CPUS -> cpus += scalar;
                        case MEM -> mem += scalar;
                        case DISK -> disk += scalar;
                        default -> { }
                    }
                }
            } else if (tag == OFFER_ID) {
                id = idValue(in);
            } else if (tag == OFFER_AGENT_ID) {
                agentId = idValue(in);
            } else if (tag == OFFER_HOSTNAME) {
                hostname = in.string();
            } else if (tag == OFFER_ATTRIBUTES) {
                hasAttributes = true;
                in.skip(tag);
            } else {
                in.skip(tag);
            }
        }
        if (id == null) {
            throw new IllegalArgumentException("the offer has no id");
        }
        if (agentId == null) {
            throw new IllegalArgumentException("offer " + id + " has no agent id");
        }
        Source source = new Source(offers, index);
        OfferView.Builder b = OfferView.builder(id, hostname).agentId(agentId);
        for (int i = 0; i < rangeCount; i += 2) {
            if (ranges[i + 1] <= 65535 && ranges[i] <= ranges[i + 1]) {
                b.ports(ranges[i], ranges[i + 1]);
            }
        }
        b.cpus(cpus).mem(mem).disk(disk).tag(source);
        if (hasAttributes) {
            b.attributes(() -> attributes(source));
        }
        return b.build();
    }

    /**
     * The view without these host ports (an agent's blacklist after docker could not run on them); the view itself
     * when none of them is in it.
     */
    static OfferView withoutPorts(OfferView view, Set<Integer> blacklist) {
        if (blacklist.isEmpty()) {
            return view;
        }
        OfferView.Builder b = OfferView.builder(view.id(), view.hostname()).agentId(view.agentId())
                .cpus(view.cpus()).mem(view.mem()).disk(view.disk()).tag(view.tag())
                .attributes(view::attributes);
        boolean changed = false;
        for (PortRange r : view.ports()) {
            long start = r.begin();
            for (long p = r.begin(); p <= r.end(); p++) {
                if (blacklist.contains((int) p)) {
                    changed = true;
                    if (p > start) {
                        b.ports(start, p - 1);
                    }
                    start = p + 1;
                }
            }
            if (start <= r.end()) {
                b.ports(start, r.end());
            }
        }
        return changed ? b.build() : view;
    }

    /** The offer a view was made from by {@link #convert}, decoded. */
    public static Offer offerOf(OfferView view) {
        return ((Source) view.tag()).offer();
    }

    private static String idValue(WireReader in) {
        String value = null;
        int outer = in.enter();
        for (int t = in.tag(); t != 0; t = in.tag()) {
            if (t == ID_VALUE) {
                value = in.string();
            } else {
                in.skip(t);
            }
        }
        in.leave(outer);
        return value == null ? "" : value;
    }

    /**
     * The offer's attributes, for placement; one that cannot be represented is left out (so constraints on it fail,
     * as on an agent without it): Mesos validates agent attributes, so this takes a master that does not. An offer
     * that cannot be decoded has none (placement reads attributes in the middle of its pass: it must not fail).
     */
    private static List<Attribute> attributes(Source source) {
        Offer offer;
        try {
            offer = source.offer();
        } catch (MesosProtocolException e) {
            LOG.warn("Offer {} of an OFFERS event: its attributes cannot be read, so it has none: {}", source.index,
                    e.getMessage());
            return List.of();
        }
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

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
