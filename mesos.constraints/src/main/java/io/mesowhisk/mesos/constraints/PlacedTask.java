package io.mesowhisk.mesos.constraints;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A task already running (or launched), as the Marathon-style operators count it: its placement group and the agent
 * it runs on (hostname and attributes). Immutable.
 */
public final class PlacedTask {

    private final String group;
    private final String hostname;
    private final Map<String, String> values = new HashMap<>();

    public PlacedTask(String group, String hostname, List<Attribute> attributes) {
        this.group = Objects.requireNonNull(group, "group");
        if (hostname == null || hostname.isEmpty()) {
            throw new IllegalArgumentException("placed task of group '" + group + "': hostname must not be empty");
        }
        this.hostname = hostname;
        for (Attribute a : attributes) {
            values.putIfAbsent(a.name(), a.text());
        }
    }

    /** A task of {@code group} running on the agent of {@code offer}. */
    public static PlacedTask on(String group, OfferView offer) {
        return new PlacedTask(group, offer.hostname(), offer.attributes());
    }

    public String group() {
        return group;
    }

    public String hostname() {
        return hostname;
    }

    /** Like {@link OfferView#valueOf(String)}: hostname for {@value OfferView#HOSTNAME}, else the attribute's text. */
    public String valueOf(String field) {
        return OfferView.HOSTNAME.equals(field) ? hostname : values.get(field);
    }
}
