package io.mesowhisk.mesos.scheduler.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.mesowhisk.mesos.api.EncodedOffers;
import io.mesowhisk.mesos.api.Mesos4xxException;
import io.mesowhisk.mesos.api.MesosProtocolException;
import io.mesowhisk.mesos.api.Subscription;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PlacedTask;
import io.mesowhisk.mesos.constraints.PlacementResult;
import io.mesowhisk.mesos.constraints.TaskRequest;
import io.mesowhisk.mesos.scheduler.HeldOffer;
import io.mesowhisk.mesos.scheduler.LaunchException.Kind;
import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import io.mesowhisk.mesos.scheduler.TaskPhase;
import io.mesowhisk.mesos.v1.Protos.Filters;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.TaskInfo;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers: one placement pass over the pending tasks and the offers at hand, one ACCEPT per agent used (the answer
 * handled here), DECLINE of the rest or holding them ({@code holdOffers}) until they expire; the unplaced-cycle count
 * is {@link CapacityCheck}'s, SUPPRESS/REVIVE {@link OfferSupply}'s. Offers never survive a (re)subscription.
 *
 * <p>Confined to the scheduler's event loop thread, except {@link #heldView}, a snapshot any thread may read.
 */
final class OfferFlow {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerEngine.class); // one logger name for the engine

    private record OfferEntry(OfferView view, Instant received, Instant expires) {

        OfferID offerId() {
            return OfferID.newBuilder().setValue(view.id()).build();
        }
    }

    private final SchedulerEngine engine;
    private final LinkedHashMap<String, OfferEntry> held = new LinkedHashMap<>();
    private volatile List<HeldOffer> heldView = List.of();

    OfferFlow(SchedulerEngine engine) {
        this.engine = engine;
    }

    /** The held offers; any thread. */
    List<HeldOffer> heldView() {
        return heldView;
    }

    // ------------------------------------------------------------------ subscription changes

    /** The stream is gone, or a new subscription starts: held offers are void. */
    void dropHeld() {
        held.clear();
        publishHeld();
    }

    /** Stopping: held offers declined on sub (if subscribed, else null), the call added to calls. */
    void stop(Subscription sub, List<CompletableFuture<Void>> calls) {
        if (sub != null && !held.isEmpty()) {
            List<OfferID> ids = new ArrayList<>();
            for (OfferEntry e : held.values()) {
                ids.add(e.offerId());
            }
            engine.metrics.count(SchedulerMetrics.OFFERS_DECLINED, ids.size());
            calls.add(sub.decline(ids, refuseFilter()).toCompletableFuture().exceptionally(e -> null));
        }
        held.clear();
        publishHeld();
    }

    // ------------------------------------------------------------------ offers in

    /** A task was added: placed at once on held offers, else offers are asked for. */
    void launched(TaskRecord rec) {
        if (engine.subscription.subscribed() && !held.isEmpty()
                && !placePending(new ArrayList<>(held.values()), false).isEmpty()) {
            publishHeld(); // the offers used are no longer held
        }
        if (rec.phase == TaskPhase.PENDING) {
            engine.supply.requestOffers();
        }
    }

    void onOffers(EncodedOffers offers) {
        engine.metrics.count(SchedulerMetrics.OFFERS_RECEIVED, offers.size());
        Instant now = Instant.now();
        Duration hold = engine.settings.holdOffers();
        Instant expires = now.plus(hold);
        List<OfferEntry> incoming = new ArrayList<>(offers.size());
        for (int i = 0, n = offers.size(); i < n; i++) {
            OfferView view;
            try {
                view = engine.intake.convert(offers, i);
            } catch (IllegalArgumentException e) {
                unusable(offers, i, e);
                continue;
            }
            Agents.Agent agent = engine.agents.getOrAdd(view.agentId());
            view = OfferIntake.withoutPorts(view, agent.blacklist);
            engine.agents.noteOffer(agent, view, now);
            incoming.add(new OfferEntry(view, now, expires));
        }
        List<OfferEntry> candidates = new ArrayList<>(held.size() + incoming.size());
        candidates.addAll(held.values());
        candidates.addAll(incoming);
        Set<String> used = engine.tasks.pending.isEmpty() ? Set.of() : placePending(candidates, true);
        List<OfferID> unused = new ArrayList<>();
        for (OfferEntry e : incoming) {
            if (used.contains(e.view().id())) {
                continue;
            }
            if (hold.isZero()) {
                unused.add(e.offerId());
            } else {
                held.put(e.view().id(), e);
            }
        }
        if (!unused.isEmpty()) {
            decline(unused);
        }
        publishHeld();
        if (engine.tasks.pending.isEmpty() && hold.isZero()) {
            engine.supply.noneWanted(); // with held offers, offers keep coming to be held
        }
    }

    /** An offer intake could not read: declined if its id can be found, and said. */
    private void unusable(EncodedOffers offers, int i, IllegalArgumentException why) {
        OfferID id = idOf(offers, i);
        if (id == null) {
            LOG.warn("{}: offer {} of an OFFERS event cannot be read ({}), nor its id: it cannot be declined",
                    engine.name, i, why.getMessage());
            return;
        }
        LOG.warn("{}: offer {} cannot be used ({}); declining it", engine.name, id.getValue(), why.getMessage());
        decline(List.of(id));
    }

    /** The id of offer {@code i}, read even when the offer lacks other required fields; null if it has none. */
    private static OfferID idOf(EncodedOffers offers, int i) {
        try {
            Offer partial = Offer.parser().parsePartialFrom(offers.array(), offers.offset(i), offers.length(i));
            return partial.hasId() ? partial.getId() : null;
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    void onRescind(String offerId) {
        engine.metrics.count(SchedulerMetrics.OFFERS_RESCINDED);
        if (held.remove(offerId) != null) {
            publishHeld();
        }
    }

    /** Once a second while subscribed: held offers past their time are declined. */
    void expireHeld() {
        if (held.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        List<OfferID> expired = new ArrayList<>();
        for (Iterator<OfferEntry> it = held.values().iterator(); it.hasNext();) {
            OfferEntry e = it.next();
            if (!e.expires().isAfter(now)) {
                expired.add(e.offerId());
                it.remove();
            }
        }
        if (!expired.isEmpty()) {
            decline(expired);
            publishHeld();
        }
    }

    // ------------------------------------------------------------------ placement and ACCEPT

    /**
     * One pass of the placement engine over every pending task and the given offers; sends one ACCEPT per agent
     * used. Held offers that were used are removed from {@link #held}.
     *
     * @param countCycle whether this is an offer cycle (an OFFERS event) for the NO_CAPACITY count
     * @return ids of the offers used
     */
    private Set<String> placePending(List<OfferEntry> offers, boolean countCycle) {
        long start = System.nanoTime();
        Map<String, TaskRecord> pending = engine.tasks.pending;
        List<TaskRequest> requests = new ArrayList<>(pending.size());
        boolean needsRunning = false;
        for (TaskRecord r : pending.values()) {
            requests.add(r.placement);
            needsRunning |= r.placement.constraints().dependsOnPlacements();
        }
        List<OfferView> views = new ArrayList<>(offers.size());
        for (OfferEntry e : offers) {
            views.add(e.view());
        }
        List<PlacedTask> running = List.of();
        if (needsRunning) {
            running = new ArrayList<>();
            for (TaskRecord r : engine.tasks.live()) {
                if (r.placed != null) {
                    running.add(r.placed);
                }
            }
        }
        PlacementResult result = engine.placement.place(requests, views, running,
                engine.settings.placementStrategy());

        // one ACCEPT per agent, combining every offer of that agent that got a task
        Map<String, List<PlacementResult.Assignment>> byAgent = new LinkedHashMap<>();
        for (PlacementResult.Assignment a : result.assignments()) {
            byAgent.computeIfAbsent(a.offer().agentId(), k -> new ArrayList<>()).add(a);
        }
        Set<String> used = new HashSet<>();
        for (List<PlacementResult.Assignment> group : byAgent.values()) {
            sendAccept(group, used);
        }
        if (countCycle) {
            CapacityCheck.countUnplaced(engine, result.unplaced(), views);
        } else {
            for (PlacementResult.Unplaced u : result.unplaced()) {
                TaskRecord r = pending.get(u.task().id());
                if (r != null) {
                    r.why = u.reason();
                }
            }
        }
        for (String id : used) {
            held.remove(id);
        }
        engine.metrics.record(SchedulerMetrics.OFFER_CYCLE_LATENCY, System.nanoTime() - start);
        return used;
    }

    private void sendAccept(List<PlacementResult.Assignment> group, Set<String> used) {
        Map<String, TaskRecord> pending = engine.tasks.pending;
        Map<String, OfferResources> resources = new LinkedHashMap<>();
        List<TaskInfo> infos = new ArrayList<>(group.size());
        List<TaskRecord> launched = new ArrayList<>(group.size());
        for (PlacementResult.Assignment a : group) {
            TaskRecord rec = pending.get(a.task().id());
            if (rec == null) {
                continue;
            }
            Offer offer;
            try {
                offer = OfferIntake.offerOf(a.offer());
            } catch (MesosProtocolException e) {
                LOG.warn("{}: offer {} cannot be decoded for the ACCEPT ({}); {} stays pending", engine.name,
                        a.offer().id(), e.getMessage(), rec);
                continue;
            }
            OfferResources res = resources.computeIfAbsent(a.offer().id(),
                    k -> new OfferResources(offer, engine.intake));
            TaskInfo info = TaskInfos.build(rec.request, res, a.ports());
            if (info == null) {
                LOG.warn("{}: offer {} does not hold what placement gave {}; it stays pending", engine.name,
                        a.offer().id(), rec);
                continue;
            }
            infos.add(info);
            launched.add(rec);
            pending.remove(rec.id);
            rec.agentId = offer.getAgentId().getValue();
            rec.hostname = offer.getHostname();
            Agents.Agent agent = engine.agents.get(rec.agentId);
            rec.agentUrl = agent != null && agent.url != null ? agent.url : Agents.agentUrl(offer);
            rec.hostPorts = a.ports();
            rec.placed = PlacedTask.on(rec.placement.group(), a.offer());
            rec.acceptAnswered = false;
            rec.launchedNanos = System.nanoTime();
            rec.lastReconcileNanos = rec.launchedNanos;
            rec.why = "";
            engine.tasks.setPhase(rec, TaskPhase.LAUNCHING);
        }
        if (infos.isEmpty()) {
            return;
        }
        List<OfferID> offerIds = new ArrayList<>(resources.size());
        for (OfferResources r : resources.values()) {
            offerIds.add(r.offer().getId());
            used.add(r.offer().getId().getValue());
        }
        Offer.Operation op = Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(infos)).build();
        engine.metrics.count(SchedulerMetrics.OFFERS_ACCEPTED, offerIds.size());
        engine.metrics.count(SchedulerMetrics.TASKS_LAUNCHED, infos.size());
        // leftovers come back at once while tasks still wait; otherwise they are refused like a decline
        Filters filters = pending.isEmpty() ? refuseFilter() : Filters.newBuilder().setRefuseSeconds(0).build();
        LOG.debug("{}: ACCEPT {} with {} task(s)", engine.name, offerIds, infos.size());
        engine.subscription.current().accept(offerIds, List.of(op), filters)
                .whenComplete((v, e) -> engine.loop.post(() -> onAcceptAnswer(launched, e)));
    }

    private void onAcceptAnswer(List<TaskRecord> launched, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        Tasks tasks = engine.tasks;
        for (TaskRecord rec : launched) {
            rec.acceptAnswered = true;
            if (tasks.get(rec.id) != rec) {
                continue; // ended meanwhile
            }
            if (cause == null) {
                if (rec.killRequested && !rec.killSent) {
                    engine.kills.sendKill(rec);
                }
                continue;
            }
            if (rec.phase != TaskPhase.LAUNCHING && rec.phase != TaskPhase.KILLING) {
                continue; // an update already arrived: the master had the ACCEPT
            }
            if (cause instanceof IllegalStateException) {
                // never sent: not subscribed
                if (rec.killRequested) {
                    tasks.end(rec, TaskState.TASK_KILLED, null, "killed before its launch reached Mesos", true);
                } else {
                    tasks.requeue(rec, "the ACCEPT was not sent: " + cause.getMessage());
                }
            } else if (cause instanceof Mesos4xxException && staleSubscription(cause.getMessage())) {
                // the master no longer knows this subscription (it failed over, or our stream was replaced): the
                // offers died with it and nothing was launched, so the task waits for the next subscription's offers
                if (rec.killRequested) {
                    tasks.end(rec, TaskState.TASK_KILLED, null, "killed before its launch reached Mesos", true);
                } else {
                    tasks.requeue(rec, "the master no longer knew the subscription: " + cause.getMessage());
                }
            } else if (cause instanceof Mesos4xxException) {
                tasks.failLaunch(rec, Kind.LAUNCH_FAILED, "Mesos refused the ACCEPT: " + cause.getMessage(), null);
                tasks.end(rec, TaskState.TASK_ERROR, null, "Mesos refused the ACCEPT: " + cause.getMessage(),
                        rec.killRequested);
            } else {
                LOG.warn("{}: ACCEPT for {} failed ({}); asking Mesos whether it arrived", engine.name, rec.id,
                        cause.toString());
                engine.reconciler.reconcile(List.of(rec));
            }
        }
    }

    /**
     * Whether a 4xx answer says the master does not know the calling subscription any more: Mesos answers a call of a
     * framework it has not (or no longer) registered with "Framework cannot be found", and a call on a replaced
     * stream with a stream id mismatch. Such a refusal is about the subscription, not about the launch.
     */
    private static boolean staleSubscription(String message) {
        return message != null && (message.contains("Framework cannot be found")
                || message.contains("is not subscribed") || message.contains("stream ID"));
    }

    // ------------------------------------------------------------------ DECLINE and the held view

    /** Declines offers on the current subscription (none: nothing to do). */
    void decline(List<OfferID> ids) {
        declineOn(engine.subscription.current(), ids);
    }

    /** DECLINE through {@code sub} (the current subscription, or one being replaced). */
    void declineOn(Subscription sub, List<OfferID> ids) {
        if (sub == null || ids.isEmpty()) {
            return;
        }
        engine.metrics.count(SchedulerMetrics.OFFERS_DECLINED, ids.size());
        sub.decline(ids, refuseFilter()).exceptionally(e -> {
            LOG.debug("{}: DECLINE failed: {}", engine.name, e.toString());
            return null;
        });
    }

    /** The ids of offers that will not be looked at (a stale subscription's): those whose id can be read. */
    static List<OfferID> offerIds(EncodedOffers offers) {
        List<OfferID> ids = new ArrayList<>(offers.size());
        for (int i = 0; i < offers.size(); i++) {
            OfferID id = idOf(offers, i);
            if (id != null) {
                ids.add(id);
            } else {
                LOG.debug("Offer {} of a stale OFFERS event has no readable id", i);
            }
        }
        return ids;
    }

    private Filters refuseFilter() {
        return Filters.newBuilder().setRefuseSeconds(engine.settings.offerRefuse().toNanos() / 1e9).build();
    }

    private void publishHeld() {
        if (held.isEmpty()) {
            heldView = List.of();
            return;
        }
        List<HeldOffer> out = new ArrayList<>(held.size());
        for (OfferEntry e : held.values()) {
            OfferView v = e.view();
            out.add(new HeldOffer(v.id(), v.agentId(), v.hostname(), v.cpus(), v.mem(), v.disk(), v.ports(),
                    e.received(), e.expires()));
        }
        heldView = List.copyOf(out);
    }
}
