package io.mesowhisk.mesos.constraints.internal;

import io.mesowhisk.mesos.constraints.PlacementContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What is placed for one placement group during one pass: running tasks plus tasks placed earlier in the pass.
 * Per-field counts are built on first use and then kept up to date incrementally. Not thread-safe (one pass).
 */
final class GroupState implements PlacementContext {

    private final String group;
    /** For each placed task: field name to the value on its agent. */
    private final List<UnaryOperator<String>> placed = new ArrayList<>();
    private final Map<String, Map<String, Integer>> counts = new HashMap<>();
    private final Map<String, Map<String, Integer>> views = new HashMap<>();

    GroupState(String group) {
        this.group = group;
    }

    void add(UnaryOperator<String> valueOf) {
        placed.add(valueOf);
        for (Map.Entry<String, Map<String, Integer>> e : counts.entrySet()) {
            String v = valueOf.apply(e.getKey());
            if (v != null) {
                e.getValue().merge(v, 1, Integer::sum);
            }
        }
    }

    @Override
    public String group() {
        return group;
    }

    @Override
    public int placedCount() {
        return placed.size();
    }

    @Override
    public int placedCount(String field, String value) {
        Integer c = placedCounts(field).get(value);
        return c == null ? 0 : c;
    }

    @Override
    public Map<String, Integer> placedCounts(String field) {
        Map<String, Integer> view = views.get(field);
        if (view == null) {
            Map<String, Integer> m = new HashMap<>();
            for (UnaryOperator<String> p : placed) {
                String v = p.apply(field);
                if (v != null) {
                    m.merge(v, 1, Integer::sum);
                }
            }
            counts.put(field, m);
            view = Collections.unmodifiableMap(m);
            views.put(field, view);
        }
        return view;
    }
}
