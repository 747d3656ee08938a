package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.scheduler.AgentView;
import io.mesowhisk.mesos.v1.Protos.Offer;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents seen in offers: host name, attributes, last offer, its resources, URL, and the host ports blacklisted
 * there after a docker run failure (left out of that agent's offers from then on).
 *
 * <p>Written only by the scheduler's event loop thread; the entries are volatile or concurrent so that
 * {@link #views} can read them from any thread.
 */
final class Agents {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerEngine.class); // one logger name for the engine

    /** One agent. */
    static final class Agent {
        volatile String hostname;
        volatile Map<String, String> attributes = Map.of();
        volatile Instant lastOffer = Instant.EPOCH;
        volatile double cpus;
        volatile double mem;
        volatile URI url;
        final Set<Integer> blacklist = ConcurrentHashMap.newKeySet();
    }

    private final String name;
    private final ConcurrentHashMap<String, Agent> byId = new ConcurrentHashMap<>();

    Agents(String name) {
        this.name = name;
    }

    Agent get(String agentId) {
        return byId.get(agentId);
    }

    Agent getOrAdd(String agentId) {
        return byId.computeIfAbsent(agentId, k -> new Agent());
    }

    /** Notes what an offer says about its agent (the first offer of an agent is decoded, for its URL). */
    void noteOffer(Agent agent, OfferView view, Instant now) {
        agent.hostname = view.hostname();
        agent.lastOffer = now;
        agent.cpus = view.cpus();
        agent.mem = view.mem();
        if (agent.attributes.isEmpty() && !view.attributes().isEmpty()) {
            Map<String, String> attrs = new LinkedHashMap<>();
            view.attributes().forEach(a -> attrs.putIfAbsent(a.name(), a.text()));
            agent.attributes = attrs;
        }
        if (agent.url == null) {
            try {
                agent.url = agentUrl(OfferIntake.offerOf(view));
            } catch (RuntimeException e) {
                LOG.warn("{}: offer {} of agent {} cannot be decoded for its URL: {}", name, view.id(),
                        view.hostname(), e.getMessage());
            }
        }
    }

    /** The agent's URL as the offer gives it, else its host name on port 5051. */
    static URI agentUrl(Offer o) {
        if (o.hasUrl() && o.getUrl().hasAddress()) {
            var a = o.getUrl().getAddress();
            String host = a.hasHostname() && !a.getHostname().isEmpty() ? a.getHostname() : a.getIp();
            String scheme = o.getUrl().hasScheme() ? o.getUrl().getScheme() : "http";
            return URI.create(scheme + "://" + host + ":" + a.getPort());
        }
        return URI.create("http://" + o.getHostname() + ":5051");
    }

    /** After docker could not run the task: its host ports on its agent are not offered to placement again. */
    void blacklist(TaskRecord rec) {
        if (rec.agentId == null || rec.hostPorts.isEmpty()) {
            return;
        }
        Agent agent = getOrAdd(rec.agentId);
        agent.blacklist.addAll(rec.hostPorts);
        LOG.warn("{}: docker run failed for {} on {}; host ports {} of that agent are not used again", name, rec.id,
                rec.hostname, rec.hostPorts);
    }

    /** A snapshot for {@code agents()}, with the number of the given tasks on each agent; any thread. */
    List<AgentView> views(Collection<TaskRecord> tasks) {
        Map<String, Integer> counts = new HashMap<>();
        for (TaskRecord r : tasks) {
            String a = r.agentId;
            if (a != null) {
                counts.merge(a, 1, Integer::sum);
            }
        }
        List<AgentView> out = new ArrayList<>();
        byId.forEach((id, a) -> out.add(new AgentView(id, a.hostname, a.attributes, a.lastOffer, a.cpus, a.mem,
                counts.getOrDefault(id, 0), a.blacklist)));
        out.sort(Comparator.comparing(AgentView::hostname).thenComparing(AgentView::agentId));
        return out;
    }
}
