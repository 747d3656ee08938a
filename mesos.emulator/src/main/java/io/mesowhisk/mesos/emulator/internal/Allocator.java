package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.internal.Model.Agent;
import io.mesowhisk.mesos.emulator.internal.Model.AgentState;
import io.mesowhisk.mesos.emulator.internal.Model.Filter;
import io.mesowhisk.mesos.emulator.internal.Model.Framework;
import io.mesowhisk.mesos.emulator.internal.Model.Offer;
import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The hierarchical DRF allocator's part of the master: allocation rounds, offers and their return, DECLINE
 * filters, SUPPRESS and REVIVE. Its state is the {@link Master}'s (offers, frameworks' filters, agents' available
 * resources) and, like it, lives on the master loop: every method runs on that one thread.
 */
final class Allocator {

    private static final double MAX_REFUSE_SECONDS = 365.0 * 24 * 3600;

    private final Master master;

    Allocator(Master master) {
        this.master = master;
    }

    /**
     * The allocator's side of a changed FrameworkInfo (SUBSCRIBE of a known framework or UPDATE_FRAMEWORK; the
     * caller then sets the new suppressed roles), as {@code HierarchicalAllocatorProcess::updateFramework} does it:
     * a role the framework left loses its filters; a role that leaves the suppressed set is revived, its filters
     * cleared.
     */
    void updateRoles(Framework f, List<String> oldRoles, List<String> newSuppressed) {
        List<String> roles = f.roles();
        for (String r : oldRoles) {
            if (!roles.contains(r)) {
                clearFilters(f, r);
            }
        }
        for (String r : f.suppressed) {
            if (!newSuppressed.contains(r) && roles.contains(r)) {
                clearFilters(f, r);
            }
        }
    }

    /**
     * One allocation round, as Mesos's hierarchical DRF allocator makes it: agent by agent, the roles in order of
     * their dominant share, and within a role its master.frameworks in order of theirs (the share of a resource is what is
     * allocated, held master.offers and live tasks, over the cluster's total; the dominant share is the largest; ties go
     * by name), each framework offered all that the agent still has for that role. Shares are updated after every
     * offer, so freed resources go to whoever holds least. Agents are visited in index order (Mesos shuffles them).
     */
    public void allocate() {
        if (master.leader < 0) {
            return;
        }
        List<Framework> active = new ArrayList<>();
        for (Framework f : master.frameworks.values()) {
            if (f.active()) {
                active.add(f);
            }
        }
        if (active.isEmpty() || master.agents.isEmpty()) {
            return;
        }
        Shares shares = new Shares(active);
        Map<Framework, List<Protos.Offer>> batches = new LinkedHashMap<>();
        long now = System.nanoTime();
        for (Agent a : master.agents) {
            if (a.state != AgentState.ACTIVE || a.available.isEmpty()) {
                continue;
            }
            boolean gpuAgent = a.total.scalar("gpus") > 0;
            for (String role : shares.rolesInOrder()) {
                for (Framework f : shares.frameworksInOrder(role)) {
                    if (a.available.isEmpty()) {
                        break;
                    }
                    if (f.suppressed.contains(role)
                        || gpuAgent && !f.has(FrameworkInfo.Capability.Type.GPU_RESOURCES)) {
                        continue; // GPU agents only for GPU_RESOURCES frameworks (--filter_gpu_resources)
                    }
                    ResourceBag offerable = a.available.allocatableTo(role);
                    if (!allocatable(f, role, offerable) || filtered(f, a, role, offerable, now)) {
                        continue;
                    }
                    batches.computeIfAbsent(f, k -> new ArrayList<>()).add(makeOffer(f, a, role, offerable));
                    shares.allocated(f, role, offerable);
                }
            }
        }
        for (Map.Entry<Framework, List<Protos.Offer>> e : batches.entrySet()) {
            e.getKey().stream.send(Event.newBuilder().setType(Event.Type.OFFERS)
                .setOffers(Event.Offers.newBuilder().addAllOffers(e.getValue())).build());
        }
    }

    /**
     * The allocator's minimum: the framework's {@code offer_filters[role].min_allocatable_resources} when it sets
     * them (an empty list allows anything), else the master's default {@code cpus:0.01|mem:32}; resources are
     * allocatable when they hold at least one of the listed quantity sets.
     */
    static boolean allocatable(Framework f, String role, ResourceBag offerable) {
        if (offerable.isEmpty()) {
            return false;
        }
        Protos.OfferFilters filters = f.info.getOfferFiltersMap().get(role);
        if (filters == null || !filters.hasMinAllocatableResources()) {
            return offerable.scalar("cpus") >= 0.01 || offerable.scalar("mem") >= 32;
        }
        List<Protos.OfferFilters.ResourceQuantities> any = filters.getMinAllocatableResources().getQuantitiesList();
        if (any.isEmpty()) {
            return true;
        }
        for (Protos.OfferFilters.ResourceQuantities quantities : any) {
            boolean holds = true;
            for (Map.Entry<String, Protos.Value.Scalar> q : quantities.getQuantitiesMap().entrySet()) {
                if (quantity(offerable, q.getKey()) < q.getValue().getValue()) {
                    holds = false;
                    break;
                }
            }
            if (holds) {
                return true;
            }
        }
        return false;
    }

    /** How much of {@code name} a bag holds: a scalar's amount, a range's number of values, a set's size. */
    static double quantity(ResourceBag bag, String name) {
        double q = 0;
        for (Map.Entry<ResourceBag.Key, ResourceBag.Amount> e : bag.entries().entrySet()) {
            if (!e.getKey().name().equals(name)) {
                continue;
            }
            if (e.getValue() instanceof ResourceBag.Scalar s) {
                q += s.value();
            } else if (e.getValue() instanceof ResourceBag.Ranges r) {
                q += r.count();
            } else if (e.getValue() instanceof ResourceBag.Items items) {
                q += items.items().size();
            }
        }
        return q;
    }

    /** A DECLINE filter blocks while it lasts and its refused resources hold all that is offerable. */
    static boolean filtered(Framework f, Agent a, String role, ResourceBag offerable, long now) {
        List<Filter> list = f.filters.get(new Model.FilterKey(a.id, role));
        if (list == null) {
            return false;
        }
        list.removeIf(filter -> filter.expiresNanos - now <= 0);
        if (list.isEmpty()) {
            f.filters.remove(new Model.FilterKey(a.id, role));
            return false;
        }
        for (Filter filter : list) {
            if (filter.refused.contains(offerable)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Dominant resource shares for one allocation round (M:src/master/allocator/sorter/drf): per role over all its
     * master.frameworks, and per framework within each role; every framework's live tasks and held master.offers count, the
     * candidates are the active master.frameworks.
     */
    final class Shares {
        private final Map<String, Double> total = new HashMap<>();
        private final Map<String, Map<String, Double>> byRole = new HashMap<>();
        private final Map<Framework, Map<String, Map<String, Double>>> byFramework = new HashMap<>();
        private final Map<String, List<Framework>> candidates = new java.util.TreeMap<>();
        /** One framework in one role (the usual case): nothing to order, so no shares are counted. */
        private final boolean single;
        private final List<String> roles;

        Shares(List<Framework> active) {
            for (Framework f : active) {
                for (String role : f.roles()) {
                    candidates.computeIfAbsent(role, r -> new ArrayList<>()).add(f);
                }
            }
            roles = new ArrayList<>(candidates.keySet());
            single = roles.size() == 1 && candidates.get(roles.get(0)).size() == 1;
            if (single) {
                return;
            }
            for (Agent a : master.agents) {
                if (a.state == AgentState.ACTIVE) {
                    addScalars(total, a.total);
                }
            }
            for (Framework f : master.frameworks.values()) {
                for (Task t : f.tasks.values()) {
                    if (!t.resourcesReleased() && t.agent.state == AgentState.ACTIVE) {
                        allocated(f, t.role, t.resources);
                    }
                }
                for (Offer o : f.offers.values()) {
                    allocated(f, o.role, o.resources);
                }
            }
        }

        void allocated(Framework f, String role, ResourceBag resources) {
            if (single) {
                return;
            }
            addScalars(byRole.computeIfAbsent(role, r -> new HashMap<>()), resources);
            addScalars(byFramework.computeIfAbsent(f, k -> new HashMap<>()).computeIfAbsent(role,
                r -> new HashMap<>()), resources);
        }

        List<String> rolesInOrder() {
            if (single) {
                return roles;
            }
            List<String> sorted = new ArrayList<>(roles);
            sorted.sort(java.util.Comparator.comparingDouble((String r) -> dominant(byRole.get(r))));
            return sorted;
        }

        List<Framework> frameworksInOrder(String role) {
            if (single) {
                return candidates.get(role);
            }
            List<Framework> list = new ArrayList<>(candidates.get(role));
            list.sort(java.util.Comparator.comparingDouble((Framework f) -> dominant(
                byFramework.getOrDefault(f, Map.of()).get(role))).thenComparing(f -> f.id));
            return list;
        }

        private double dominant(Map<String, Double> allocation) {
            double share = 0;
            if (allocation != null) {
                for (Map.Entry<String, Double> e : allocation.entrySet()) {
                    double of = total.getOrDefault(e.getKey(), 0.0);
                    if (of > 0) {
                        share = Math.max(share, e.getValue() / of);
                    }
                }
            }
            return share;
        }

        private void addScalars(Map<String, Double> into, ResourceBag bag) {
            for (Map.Entry<ResourceBag.Key, ResourceBag.Amount> e : bag.entries().entrySet()) {
                if (e.getValue() instanceof ResourceBag.Scalar s) {
                    into.merge(e.getKey().name(), s.value(), Double::sum);
                }
            }
        }
    }

    Protos.Offer makeOffer(Framework f, Agent a, String role, ResourceBag resources) {
        String id = master.masterId + "-O" + master.nextOfferId++;
        a.available.subtract(resources);
        Offer o = new Offer(id, f, a, role, resources);
        master.offers.put(id, o);
        f.offers.put(id, o);
        a.offers.add(id);
        if (master.config.offerTimeout() != null) {
            o.timeout = master.loop.schedule(master.guard(() -> {
                if (master.offers.get(id) == o) {
                    rescind(o);
                }
            }), master.config.offerTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        boolean multiRole = f.multiRole();
        Protos.Offer.Builder b = Protos.Offer.newBuilder()
            .setId(OfferID.newBuilder().setValue(id))
            .setFrameworkId(FrameworkID.newBuilder().setValue(f.id))
            .setAgentId(AgentID.newBuilder().setValue(a.id))
            .setHostname(a.hostname)
            .setUrl(Protos.URL.newBuilder().setScheme("http")
                .setAddress(Protos.Address.newBuilder().setHostname(a.hostname).setIp(master.ip)
                    .setPort(a.httpPort))
                .setPath("/slave(1)"))
            .addAllResources(resources.toProtos(
                f.has(FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT), multiRole ? role : null))
            .addAllAttributes(a.attributes);
        if (multiRole) {
            b.setAllocationInfo(Protos.Resource.AllocationInfo.newBuilder().setRole(role));
        }
        return b.build();
    }

    /** Returns an offer's resources to its agent; sends RESCIND when asked to. */
    void removeOffer(Offer o, boolean sendRescind) {
        if (master.offers.remove(o.id) == null) {
            return;
        }
        o.framework.offers.remove(o.id);
        o.agent.offers.remove(o.id);
        if (o.agent.state != AgentState.GONE) {
            o.agent.available.add(o.resources);
        }
        if (o.timeout != null) {
            o.timeout.cancel(false);
        }
        if (sendRescind && o.framework.active()) {
            o.framework.stream.send(Event.newBuilder().setType(Event.Type.RESCIND)
                .setRescind(Event.Rescind.newBuilder().setOfferId(OfferID.newBuilder().setValue(o.id))).build());
        }
    }

    void rescind(Offer o) {
        removeOffer(o, true);
    }

    void decline(Framework f, List<OfferID> ids, Protos.Filters filters) {
        for (OfferID id : ids) {
            Offer o = f.offers.get(id.getValue());
            if (o == null) {
                continue; // stale or foreign ids are ignored
            }
            removeOffer(o, false);
            addFilter(f, o.agent, o.role, o.resources, filters);
        }
    }

    void addFilter(Framework f, Agent a, String role, ResourceBag refused, Protos.Filters filters) {
        double seconds = filters.getRefuseSeconds(); // default 5.0
        if (seconds < 0) {
            seconds = 5.0;
        }
        if (seconds > MAX_REFUSE_SECONDS) {
            seconds = MAX_REFUSE_SECONDS;
        }
        if (seconds == 0 || refused.isEmpty()) {
            return;
        }
        long nanos = Math.max((long) (seconds * 1e9), master.config.allocationInterval().toNanos());
        // each DECLINE adds a filter of its own (the allocator keeps a set per agent and role)
        f.filters.computeIfAbsent(new Model.FilterKey(a.id, role), k -> new ArrayList<>())
            .add(new Filter(refused, System.nanoTime() + nanos));
    }

    void clearFilters(Framework f, String role) {
        f.filters.keySet().removeIf(k -> k.role().equals(role));
    }

    void revive(Framework f, List<String> roles) {
        List<String> target = roles.isEmpty() ? f.roles() : roles;
        for (String r : target) {
            if (!f.roles().contains(r)) {
                return; // the whole call is dropped
            }
        }
        for (String r : target) {
            clearFilters(f, r);
            f.suppressed.remove(r);
        }
        allocate();
    }

    void suppress(Framework f, List<String> roles) {
        List<String> target = roles.isEmpty() ? f.roles() : roles;
        for (String r : target) {
            if (!f.roles().contains(r)) {
                return;
            }
        }
        f.suppressed.addAll(target);
    }

    void rescindOffers(Agent a) {
        for (String oid : new ArrayList<>(a.offers)) {
            rescind(master.offers.get(oid));
        }
    }

    public void rescindAll() {
        for (Offer o : new ArrayList<>(master.offers.values())) {
            rescind(o);
        }
    }
}
