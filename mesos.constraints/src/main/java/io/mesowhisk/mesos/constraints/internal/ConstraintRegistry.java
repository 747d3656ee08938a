package io.mesowhisk.mesos.constraints.internal;

import io.mesowhisk.mesos.constraints.CompiledConstraint;
import io.mesowhisk.mesos.constraints.Constraint;
import io.mesowhisk.mesos.constraints.ConstraintCompiler;
import io.mesowhisk.mesos.constraints.ConstraintException;
import io.mesowhisk.mesos.constraints.ConstraintOperator;
import io.mesowhisk.mesos.constraints.ConstraintSet;
import io.mesowhisk.mesos.constraints.OperatorListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ConstraintCompiler}: collects the {@link ConstraintOperator} services (dynamic, multiple, greedy) into
 * an immutable sorted snapshot, compiles configurations against it and interns the resulting sets.
 *
 * <p>Operator changes replace the snapshot and bump the generation; interned sets notice the new generation on their
 * next use and rebind (so a set never keeps a stopped bundle's classes beyond its next evaluation, and rebinding is
 * done eagerly here too). Thread-safe: the snapshot is read once per operation; changes are serialised on a lock.
 */
@Component(service = ConstraintCompiler.class)
public final class ConstraintRegistry implements ConstraintCompiler {

    private static final Logger LOG = LoggerFactory.getLogger(ConstraintRegistry.class);

    /** Immutable view of the operators: name to the best-ranked service of that name. */
    record Snapshot(long generation, SortedMap<String, ConstraintOperator> operators) {
    }

    private record Registration(String name, int ranking, long serviceId, ConstraintOperator operator) {
    }

    private final Object lock = new Object();
    private final List<Registration> registrations = new ArrayList<>();   // guarded by lock
    private long nextLocalId = Long.MAX_VALUE;                            // guarded by lock
    private volatile Snapshot snapshot = new Snapshot(0, Collections.emptySortedMap());
    /** Every distinct configuration compiled so far; configurations are few (two lists per scheduler config). */
    private final Map<List<Constraint>, InternedConstraintSet> interned = new ConcurrentHashMap<>();
    private final List<OperatorListener> listeners = new CopyOnWriteArrayList<>();

    /** DS: an operator service appeared. Also usable without OSGi (tests, benchmarks). */
    @Reference(service = ConstraintOperator.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "removeOperator")
    public void addOperator(ConstraintOperator operator, Map<String, Object> properties) {
        Object name = properties.get(ConstraintOperator.NAME_PROPERTY);
        if (!(name instanceof String n) || !n.matches("[A-Z][A-Z0-9_]*")) {
            LOG.error("Ignoring constraint operator service {}: its property {} is '{}', expected an upper-case name",
                    operator, ConstraintOperator.NAME_PROPERTY, name);
            return;
        }
        int ranking = properties.get(Constants.SERVICE_RANKING) instanceof Integer r ? r : 0;
        Snapshot s;
        synchronized (lock) {
            long id = properties.get(Constants.SERVICE_ID) instanceof Long l ? l : nextLocalId--;
            registrations.add(new Registration(n, ranking, id, operator));
            s = publish();
        }
        LOG.info("Constraint operator {} available; operators now {}", n, s.operators().keySet());
        changed(s);
    }

    /** DS: an operator service went away. */
    public void removeOperator(ConstraintOperator operator, Map<String, Object> properties) {
        Snapshot s;
        synchronized (lock) {
            if (!registrations.removeIf(r -> r.operator == operator)) {
                return;
            }
            s = publish();
        }
        LOG.info("Constraint operator {} removed; operators now {}",
                properties.get(ConstraintOperator.NAME_PROPERTY), s.operators().keySet());
        changed(s);
    }

    /** Convenience for plain Java use: registers {@code operator} under {@code name}. */
    public void register(String name, ConstraintOperator operator) {
        addOperator(operator, Map.of(ConstraintOperator.NAME_PROPERTY, name));
    }

    private Snapshot publish() {
        List<Registration> sorted = new ArrayList<>(registrations);
        // best first: highest ranking, then lowest service id (OSGi's rule)
        sorted.sort((a, b) -> a.ranking != b.ranking ? Integer.compare(b.ranking, a.ranking)
                : Long.compare(a.serviceId, b.serviceId));
        TreeMap<String, ConstraintOperator> ops = new TreeMap<>();
        for (Registration r : sorted) {
            ops.putIfAbsent(r.name, r.operator);
        }
        Snapshot s = new Snapshot(snapshot.generation() + 1, Collections.unmodifiableSortedMap(ops));
        snapshot = s;
        return s;
    }

    private void changed(Snapshot s) {
        for (InternedConstraintSet set : interned.values()) {
            set.binding(s);   // rebind now: releases classes of a stopped operator bundle
        }
        SortedSet<String> names = Collections.unmodifiableSortedSet(new TreeSet<>(s.operators().keySet()));
        for (OperatorListener l : listeners) {
            try {
                l.operatorsChanged(names, s.generation());
            } catch (RuntimeException e) {
                LOG.error("Operator listener {} failed", l, e);
            }
        }
    }

    Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public ConstraintSet compile(List<String> constraints, String delimiter) {
        if (constraints == null) {
            throw new ConstraintException(null, "constraint list must not be null");
        }
        List<Constraint> parsed = new ArrayList<>(constraints.size());
        for (String text : constraints) {
            parsed.add(Constraint.parse(text, delimiter));
        }
        return compileParsed(parsed);
    }

    /** Compiles already parsed constraints (same rules as {@link #compile}). */
    public ConstraintSet compileParsed(List<Constraint> parsed) {
        if (parsed.isEmpty()) {
            return ConstraintSet.NONE;
        }
        Snapshot s = snapshot;
        CompiledConstraint[] compiled = new CompiledConstraint[parsed.size()];
        ConstraintOperator[] operators = new ConstraintOperator[compiled.length];
        for (int i = 0; i < compiled.length; i++) {
            compiled[i] = compileOne(parsed.get(i), s);
            operators[i] = s.operators().get(parsed.get(i).operator());
        }
        List<Constraint> key = List.copyOf(parsed);
        InternedConstraintSet set = interned.computeIfAbsent(key, k -> new InternedConstraintSet(this, k,
                new InternedConstraintSet.Binding(s.generation(), compiled, operators, null)));
        set.binding(snapshot);
        return set;
    }

    /** Compiles one constraint with the snapshot's operator; errors quote the constraint. */
    static CompiledConstraint compileOne(Constraint c, Snapshot s) {
        ConstraintOperator op = s.operators().get(c.operator());
        if (op == null) {
            throw new ConstraintException(c.toString(), notAvailable(c, s));
        }
        try {
            CompiledConstraint cc = op.compile(c);
            if (cc == null) {
                throw new ConstraintException(c.toString(), "constraint '" + c + "': operator " + c.operator()
                        + " returned no compiled constraint");
            }
            return cc;
        } catch (ConstraintException e) {
            throw e;
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new ConstraintException(c.toString(), msg.contains(c.toString()) ? msg
                    : "constraint '" + c + "': " + msg, e);
        }
    }

    static String notAvailable(Constraint c, Snapshot s) {
        return "constraint '" + c + "': operator " + c.operator() + " is not available; available operators: "
                + String.join(", ", s.operators().keySet());
    }

    @Override
    public SortedSet<String> availableOperators() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(snapshot.operators().keySet()));
    }

    @Override
    public long generation() {
        return snapshot.generation();
    }

    @Override
    public void addListener(OperatorListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(OperatorListener listener) {
        listeners.remove(listener);
    }
}
