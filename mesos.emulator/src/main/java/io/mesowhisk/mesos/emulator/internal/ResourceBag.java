package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.v1.Protos.Resource;
import io.mesowhisk.mesos.v1.Protos.Value;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A multiset of agent resources keyed by (name, reservation role), with Mesos's arithmetic: scalars in 3-decimal
 * fixed point, ranges merged, sets as sets, each amount typed ({@link Amount}). Unreserved resources have role
 * {@code *}. Not thread-safe: owned by the master loop.
 */
public final class ResourceBag {

    /** Identity of a resource: its name and the role it is reserved for ({@code *} = unreserved). */
    public record Key(String name, String role) {
    }

    /**
     * The amount of one resource: a scalar in thousandths (Mesos's 3-decimal fixed point), ranges as sorted, merged
     * {@code [begin, end, begin, end, ...]} bounds, or a set's items.
     */
    sealed interface Amount permits Scalar, Ranges, Items {
    }

    record Scalar(long millis) implements Amount {
        double value() {
            return millis / 1000.0;
        }
    }

    record Ranges(long[] bounds) implements Amount {
        /** How many values the ranges hold. */
        long count() {
            long n = 0;
            for (int i = 0; i + 1 < bounds.length; i += 2) {
                n += bounds[i + 1] - bounds[i] + 1;
            }
            return n;
        }
    }

    /** A set's items; the set is this bag's own (copied when the bag is). */
    record Items(TreeSet<String> items) implements Amount {
    }

    private final Map<Key, Amount> entries = new LinkedHashMap<>();

    public ResourceBag copy() {
        ResourceBag c = new ResourceBag();
        for (Map.Entry<Key, Amount> e : entries.entrySet()) {
            c.entries.put(e.getKey(), copyOf(e.getValue()));
        }
        return c;
    }

    private static Amount copyOf(Amount a) {
        if (a instanceof Ranges r) {
            return new Ranges(r.bounds().clone());
        }
        if (a instanceof Items s) {
            return new Items(new TreeSet<>(s.items()));
        }
        return a; // a Scalar is immutable
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The bag's resources; read-only use. */
    Map<Key, Amount> entries() {
        return entries;
    }

    /** The scalar amount of {@code name} over all roles, e.g. cpus. */
    public double scalar(String name) {
        long sum = 0;
        for (Map.Entry<Key, Amount> e : entries.entrySet()) {
            if (e.getKey().name.equals(name) && e.getValue() instanceof Scalar l) {
                sum += l.millis();
            }
        }
        return sum / 1000.0;
    }

    public void addScalar(String name, String role, double value) {
        long millis = Math.round(value * 1000.0);
        if (millis <= 0) {
            return;
        }
        addMillis(new Key(name, role), millis);
    }

    private void addMillis(Key k, long millis) {
        Amount old = entries.get(k);
        entries.put(k, new Scalar(old instanceof Scalar s ? s.millis() + millis : millis));
    }

    public void addRanges(String name, String role, long[] ranges) {
        Key k = new Key(name, role);
        Amount old = entries.get(k);
        long[] merged = old instanceof Ranges o ? union(o.bounds(), ranges) : normalize(ranges);
        if (merged.length > 0) {
            entries.put(k, new Ranges(merged));
        }
    }

    public void addSet(String name, String role, Iterable<String> items) {
        Key k = new Key(name, role);
        Amount old = entries.get(k);
        TreeSet<String> set;
        if (old instanceof Items i) {
            set = i.items();
        } else {
            set = new TreeSet<>();
            entries.put(k, new Items(set));
        }
        for (String i : items) {
            set.add(i);
        }
        if (set.isEmpty()) {
            entries.remove(k);
        }
    }

    public void add(ResourceBag other) {
        for (Map.Entry<Key, Amount> e : other.entries.entrySet()) {
            Key k = e.getKey();
            Amount v = e.getValue();
            if (v instanceof Scalar l) {
                addMillis(k, l.millis());
            } else if (v instanceof Ranges r) {
                addRanges(k.name, k.role, r.bounds());
            } else if (v instanceof Items s) {
                addSet(k.name, k.role, s.items());
            }
        }
    }

    /** Removes {@code other}; the caller has checked {@link #contains}. */
    public void subtract(ResourceBag other) {
        for (Map.Entry<Key, Amount> e : other.entries.entrySet()) {
            Key k = e.getKey();
            Amount mine = entries.get(k);
            if (mine == null) {
                continue;
            }
            Amount v = e.getValue();
            if (mine instanceof Scalar l && v instanceof Scalar o) {
                long rest = l.millis() - o.millis();
                if (rest <= 0) {
                    entries.remove(k);
                } else {
                    entries.put(k, new Scalar(rest));
                }
            } else if (mine instanceof Ranges r && v instanceof Ranges o) {
                long[] rest = difference(r.bounds(), o.bounds());
                if (rest.length == 0) {
                    entries.remove(k);
                } else {
                    entries.put(k, new Ranges(rest));
                }
            } else if (mine instanceof Items s && v instanceof Items o) {
                s.items().removeAll(o.items());
                if (s.items().isEmpty()) {
                    entries.remove(k);
                }
            }
        }
    }

    public boolean contains(ResourceBag other) {
        for (Map.Entry<Key, Amount> e : other.entries.entrySet()) {
            Amount mine = entries.get(e.getKey());
            Amount v = e.getValue();
            if (mine instanceof Scalar l && v instanceof Scalar o) {
                if (o.millis() > l.millis()) {
                    return false;
                }
            } else if (mine instanceof Ranges r && v instanceof Ranges o) {
                if (difference(o.bounds(), r.bounds()).length != 0) {
                    return false;
                }
            } else if (mine instanceof Items s && v instanceof Items o) {
                if (!s.items().containsAll(o.items())) {
                    return false;
                }
            } else {
                return false; // missing, or another type
            }
        }
        return true;
    }

    /** The part of this bag a framework may be offered under {@code role}: unreserved plus reserved to the role. */
    public ResourceBag allocatableTo(String role) {
        ResourceBag b = new ResourceBag();
        for (Map.Entry<Key, Amount> e : entries.entrySet()) {
            String r = e.getKey().role;
            if (r.equals("*") || r.equals(role)) {
                b.entries.put(e.getKey(), copyOf(e.getValue()));
            }
        }
        return b;
    }

    /** Whether any port of {@code port} is in the ranges named {@code name}. */
    public boolean rangesContain(String name, long value) {
        for (Map.Entry<Key, Amount> e : entries.entrySet()) {
            if (e.getKey().name.equals(name) && e.getValue() instanceof Ranges rs) {
                long[] r = rs.bounds();
                for (int i = 0; i < r.length; i += 2) {
                    if (value >= r[i] && value <= r[i + 1]) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Every resource of the bag, written the way Mesos writes offered resources to a framework. */
    public List<Resource> toProtos(boolean refinement, String allocationRole) {
        List<Resource> out = new ArrayList<>(entries.size());
        for (Map.Entry<Key, Amount> e : entries.entrySet()) {
            Resource.Builder r = Resource.newBuilder().setName(e.getKey().name);
            Amount v = e.getValue();
            if (v instanceof Scalar l) {
                r.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(l.value()));
            } else if (v instanceof Ranges rs) {
                long[] ranges = rs.bounds();
                Value.Ranges.Builder rb = Value.Ranges.newBuilder();
                for (int i = 0; i < ranges.length; i += 2) {
                    rb.addRange(Value.Range.newBuilder().setBegin(ranges[i]).setEnd(ranges[i + 1]));
                }
                r.setType(Value.Type.RANGES).setRanges(rb);
            } else if (v instanceof Items items) {
                r.setType(Value.Type.SET).setSet(Value.Set.newBuilder().addAllItem(items.items()));
            }
            String role = e.getKey().role;
            if (refinement) {
                if (!role.equals("*")) {
                    r.addReservations(Resource.ReservationInfo.newBuilder()
                        .setType(Resource.ReservationInfo.Type.STATIC).setRole(role));
                }
            } else {
                r.setRole(role);
            }
            if (allocationRole != null) {
                r.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(allocationRole));
            }
            out.add(r.build());
        }
        return out;
    }

    /** Reads resources a framework sent back (either reservation format). */
    public static ResourceBag fromProtos(List<Resource> resources) throws IllegalArgumentException {
        ResourceBag b = new ResourceBag();
        for (Resource r : resources) {
            String role = r.getReservationsCount() > 0
                ? r.getReservations(r.getReservationsCount() - 1).getRole()
                : r.getRole();
            if (role.isEmpty()) {
                role = "*";
            }
            switch (r.getType()) {
                case SCALAR -> {
                    if (!r.hasScalar() || r.getScalar().getValue() < 0 || Double.isNaN(r.getScalar().getValue())
                        || Double.isInfinite(r.getScalar().getValue())) {
                        throw new IllegalArgumentException("Invalid scalar resource " + r.getName());
                    }
                    b.addScalar(r.getName(), role, r.getScalar().getValue());
                }
                case RANGES -> {
                    long[] ranges = new long[r.getRanges().getRangeCount() * 2];
                    for (int i = 0; i < r.getRanges().getRangeCount(); i++) {
                        Value.Range range = r.getRanges().getRange(i);
                        if (range.getBegin() > range.getEnd()) {
                            throw new IllegalArgumentException("Invalid ranges resource " + r.getName());
                        }
                        ranges[2 * i] = range.getBegin();
                        ranges[2 * i + 1] = range.getEnd();
                    }
                    b.addRanges(r.getName(), role, ranges);
                }
                case SET -> b.addSet(r.getName(), role, r.getSet().getItemList());
                default -> throw new IllegalArgumentException("Unsupported resource type " + r.getType());
            }
        }
        return b;
    }

    /**
     * Resources as Mesos's {@code /state} shows them (M:src/common/http.cpp {@code json(ObjectWriter*, Resources)}):
     * cpus, gpus, mem and disk always, 0 when absent; every scalar summed over its roles; the ranges of one name
     * merged into one ranges value and the items of one set joined, each written as Mesos stringifies a value
     * ({@code [31000-31099, 32000-32099]}, {@code {a, b}}). Scalars come first, then ranges, then sets.
     */
    public Map<String, Object> summary() {
        Map<String, Long> scalars = new LinkedHashMap<>();
        for (String name : List.of("cpus", "gpus", "mem", "disk")) {
            scalars.put(name, 0L);
        }
        Map<String, long[]> ranges = new LinkedHashMap<>();
        Map<String, TreeSet<String>> sets = new LinkedHashMap<>();
        for (Map.Entry<Key, Amount> e : entries.entrySet()) {
            String name = e.getKey().name;
            Amount v = e.getValue();
            if (v instanceof Scalar l) {
                scalars.merge(name, l.millis(), Long::sum);
            } else if (v instanceof Ranges r) {
                ranges.merge(name, r.bounds(), ResourceBag::union);
            } else if (v instanceof Items items) {
                sets.computeIfAbsent(name, k -> new TreeSet<>()).addAll(items.items());
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        scalars.forEach((name, millis) -> m.put(name, millis / 1000.0));
        ranges.forEach((name, r) -> m.put(name, rangesText(r)));
        sets.forEach((name, items) -> m.put(name, setText(items)));
        return m;
    }

    /** A set as Mesos stringifies a {@code Value.Set} (M:src/common/values.cpp): {@code {a, b}}. */
    public static String setText(Iterable<String> items) {
        return "{" + String.join(", ", items) + "}";
    }

    public static String rangesText(long[] r) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < r.length; i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(r[i]).append('-').append(r[i + 1]);
        }
        return sb.append(']').toString();
    }

    static long[] normalize(long[] ranges) {
        List<long[]> list = new ArrayList<>();
        for (int i = 0; i + 1 < ranges.length; i += 2) {
            list.add(new long[] {ranges[i], ranges[i + 1]});
        }
        list.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : list) {
            if (!merged.isEmpty() && r[0] <= merged.get(merged.size() - 1)[1] + 1) {
                long[] last = merged.get(merged.size() - 1);
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(r);
            }
        }
        long[] out = new long[merged.size() * 2];
        for (int i = 0; i < merged.size(); i++) {
            out[2 * i] = merged.get(i)[0];
            out[2 * i + 1] = merged.get(i)[1];
        }
        return out;
    }

    static long[] union(long[] a, long[] b) {
        long[] all = new long[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return normalize(all);
    }

    /** a minus b. */
    static long[] difference(long[] a, long[] b) {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < a.length; i += 2) {
            out.add(new long[] {a[i], a[i + 1]});
        }
        for (int j = 0; j < b.length; j += 2) {
            long bs = b[j];
            long be = b[j + 1];
            List<long[]> next = new ArrayList<>();
            for (Iterator<long[]> it = out.iterator(); it.hasNext();) {
                long[] r = it.next();
                if (be < r[0] || bs > r[1]) {
                    next.add(r);
                    continue;
                }
                if (bs > r[0]) {
                    next.add(new long[] {r[0], bs - 1});
                }
                if (be < r[1]) {
                    next.add(new long[] {be + 1, r[1]});
                }
            }
            out = next;
        }
        long[] res = new long[out.size() * 2];
        for (int i = 0; i < out.size(); i++) {
            res[2 * i] = out.get(i)[0];
            res[2 * i + 1] = out.get(i)[1];
        }
        return normalize(res);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ResourceBag other)) {
            return false;
        }
        return contains(other) && other.contains(this);
    }

    @Override
    public int hashCode() {
        return Objects.hash(entries.keySet());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Key, Amount> e : entries.entrySet()) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(e.getKey().name).append('(').append(e.getKey().role).append("):");
            Amount v = e.getValue();
            if (v instanceof Scalar l) {
                sb.append(l.value());
            } else if (v instanceof Ranges r) {
                sb.append(rangesText(r.bounds()));
            } else if (v instanceof Items items) {
                sb.append('{').append(String.join(",", items.items())).append('}');
            }
        }
        return sb.toString();
    }
}
