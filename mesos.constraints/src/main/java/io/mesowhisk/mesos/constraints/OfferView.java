package io.mesowhisk.mesos.constraints;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What placement needs to know about one offer (or several offers of one agent merged by the scheduler): ids,
 * hostname, the unreserved scalar resources and port ranges usable by the framework's role, and the agent's
 * attributes. Neutral: the scheduler converts Mesos {@code Offer}s to it, nothing here depends on protobuf.
 *
 * <p>Scalars are kept in Mesos's 3-decimal fixed point (milli-units), so sums never drift: 0.25 cpus is 250.
 * Attributes may be given as a {@link Builder#attributes(Supplier) source} read on first use: placement reads them
 * only for the offers it tries against a constraint, and offer intake is a hot path (an OFFERS event can hold
 * thousands of offers). A view may also carry a {@link #tag() tag} of its maker's, so that an assignment leads back to
 * the offer it came from without a lookup.
 * Immutable and thread-safe; build with {@link #builder(String, String)}.
 */
public final class OfferView {

    /** The pseudo-attribute that constraints use for the agent's hostname (Marathon's {@code hostname} field). */
    public static final String HOSTNAME = "hostname";

    private final String id;
    private final String agentId;
    private final String hostname;
    private final long cpusMilli;
    private final long memMilli;
    private final long diskMilli;
    private final List<PortRange> ports;
    private final Object tag;
    /** Set once: by the builder, or from {@link #source} on first use (a race computes equal lists). */
    private volatile Attributes attributes;
    private final Supplier<List<Attribute>> source;

    /** The attributes in order and, only for agents with many, by name (a short list is scanned faster). */
    private record Attributes(List<Attribute> list, Map<String, Attribute> byName) {

        static final Attributes NONE = new Attributes(List.of(), null);

        static Attributes of(List<Attribute> attributes) {
            List<Attribute> list = List.copyOf(attributes);
            if (list.isEmpty()) {
                return NONE;
            }
            if (list.size() <= SCAN_LIMIT) {
                return new Attributes(list, null);
            }
            Map<String, Attribute> m = new HashMap<>();
            for (Attribute a : list) {
                // Mesos's own attribute lookups take the first attribute of a name
                m.putIfAbsent(a.name(), a);
            }
            return new Attributes(list, m);
        }
    }

    /** Up to this many attributes, lookups scan the list (no map per offer: offer intake is a hot path). */
    private static final int SCAN_LIMIT = 8;

    private OfferView(Builder b) {
        this.id = b.id;
        this.agentId = b.agentId == null ? b.id : b.agentId;
        this.hostname = b.hostname;
        this.cpusMilli = b.cpusMilli;
        this.memMilli = b.memMilli;
        this.diskMilli = b.diskMilli;
        this.ports = List.copyOf(b.ports);
        this.tag = b.tag;
        this.source = b.source;
        this.attributes = b.source != null ? null : Attributes.of(b.attributes);
    }

    /** Starts an offer view; {@code id} is the offer id (or any id the scheduler uses to find its offers again). */
    public static Builder builder(String id, String hostname) {
        return new Builder(id, hostname);
    }

    public String id() {
        return id;
    }

    /** The agent id; defaults to {@link #id()} when not set. */
    public String agentId() {
        return agentId;
    }

    public String hostname() {
        return hostname;
    }

    /** cpus in milli-cpus (Mesos fixed point). */
    public long cpusMilli() {
        return cpusMilli;
    }

    /** mem in thousandths of a MB. */
    public long memMilli() {
        return memMilli;
    }

    /** disk in thousandths of a MB. */
    public long diskMilli() {
        return diskMilli;
    }

    public double cpus() {
        return cpusMilli / 1000.0;
    }

    public double mem() {
        return memMilli / 1000.0;
    }

    public double disk() {
        return diskMilli / 1000.0;
    }

    /** Port ranges offered, in the order given. */
    public List<PortRange> ports() {
        return ports;
    }

    /** What the view's maker attached with {@link Builder#tag(Object)}, or {@code null}. */
    public Object tag() {
        return tag;
    }

    /** Agent attributes, in the agent's order. */
    public List<Attribute> attributes() {
        return loadedAttributes().list();
    }

    private Attributes loadedAttributes() {
        Attributes a = attributes;
        if (a == null) {
            a = Attributes.of(source.get());
            attributes = a;
        }
        return a;
    }

    /** The first attribute with this name, or {@code null}. */
    public Attribute attribute(String name) {
        Attributes loaded = loadedAttributes();
        if (loaded.byName() != null) {
            return loaded.byName().get(name);
        }
        List<Attribute> list = loaded.list();
        for (int i = 0, n = list.size(); i < n; i++) {
            Attribute a = list.get(i);
            if (a.name().equals(name)) {
                return a;   // the first of that name, as Mesos's own lookups take it
            }
        }
        return null;
    }

    /**
     * The value a constraint on {@code field} compares: the hostname for {@value #HOSTNAME}, otherwise the text form
     * of the attribute of that name, or {@code null} if the agent has no such attribute.
     */
    public String valueOf(String field) {
        if (HOSTNAME.equals(field)) {
            return hostname;
        }
        Attribute a = attribute(field);
        return a == null ? null : a.text();
    }

    @Override
    public String toString() {
        return "offer " + id + " on " + hostname;
    }

    /** Builder; validates at once and names the offending field. Not thread-safe. */
    public static final class Builder {
        private final String id;
        private final String hostname;
        private String agentId;
        private long cpusMilli;
        private long memMilli;
        private long diskMilli;
        // allocated on first use: a builder is made for every offer of every OFFERS event
        private List<PortRange> ports = List.of();
        private List<Attribute> attributes = List.of();
        private Supplier<List<Attribute>> source;
        private Object tag;

        private Builder(String id, String hostname) {
            if (id == null || id.isEmpty()) {
                throw new IllegalArgumentException("offer id must not be empty");
            }
            if (hostname == null || hostname.isEmpty()) {
                throw new IllegalArgumentException("offer " + id + ": hostname must not be empty");
            }
            this.id = id;
            this.hostname = hostname;
        }

        public Builder agentId(String agentId) {
            this.agentId = Objects.requireNonNull(agentId, "agentId");
            return this;
        }

        public Builder cpus(double cpus) {
            this.cpusMilli = milli("cpus", cpus);
            return this;
        }

        public Builder mem(double mem) {
            this.memMilli = milli("mem", mem);
            return this;
        }

        public Builder disk(double disk) {
            this.diskMilli = milli("disk", disk);
            return this;
        }

        public Builder ports(long begin, long end) {
            if (end > 65535) {
                throw new IllegalArgumentException("offer " + id + ": port range " + begin + "-" + end + " exceeds 65535");
            }
            if (ports.isEmpty()) {
                ports = new ArrayList<>(2);
            }
            ports.add(new PortRange(begin, end));
            return this;
        }

        /** Adds an attribute; not together with {@link #attributes(Supplier)}. */
        public Builder attribute(Attribute attribute) {
            if (source != null) {
                throw new IllegalStateException("offer " + id + ": attributes already come from a source");
            }
            if (attributes.isEmpty()) {
                attributes = new ArrayList<>(8);
            }
            attributes.add(Objects.requireNonNull(attribute, "attribute"));
            return this;
        }

        /**
         * The attributes, read from {@code source} when first asked for, possibly on another thread (and, when two
         * threads ask at once, more than once): the source must be thread-safe, give equal lists each time and not
         * throw. Not together with {@link #attribute(Attribute)}.
         */
        public Builder attributes(Supplier<List<Attribute>> source) {
            if (!attributes.isEmpty()) {
                throw new IllegalStateException("offer " + id + ": attributes already added one by one");
            }
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** An object of the caller's carried by the view, e.g. the Mesos offer it was made from. */
        public Builder tag(Object tag) {
            this.tag = tag;
            return this;
        }

        public OfferView build() {
            return new OfferView(this);
        }

        private long milli(String what, double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("offer " + id + ": " + what + " must be a finite number >= 0, got " + value);
            }
            return Math.round(value * 1000);
        }
    }
}
