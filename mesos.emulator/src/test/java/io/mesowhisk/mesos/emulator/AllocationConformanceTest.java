package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The allocator as Mesos's hierarchical DRF allocator behaves (M:src/master/allocator/mesos/hierarchical.cpp,
 * sorter/drf): freed resources go to the framework with the lowest dominant share, the minimum allocatable resources
 * come from FrameworkInfo.offer_filters, and agents with GPUs are offered only to GPU_RESOURCES frameworks.
 */
class AllocationConformanceTest {

    MesosEmulator emu;
    final List<TestScheduler> schedulers = new ArrayList<>();

    private TestScheduler newScheduler() {
        TestScheduler s = new TestScheduler(emu.leaderUri(), false);
        schedulers.add(s);
        return s;
    }

    private TestScheduler scheduler(Protos.FrameworkInfo info) throws Exception {
        return newScheduler().subscribed(info);
    }

    @AfterEach
    void stop() {
        schedulers.forEach(TestScheduler::close);
        if (emu != null) {
            emu.close();
        }
    }

    private static List<String> agentsOf(Event offers) {
        return offers.getOffers().getOffersList().stream().map(o -> o.getAgentId().getValue())
            .collect(Collectors.toList());
    }

    private static void decline(TestScheduler s, Protos.Offer o, double refuseSeconds) throws Exception {
        assertEquals(202, s.post(s.call(Call.Type.DECLINE).setDecline(Call.Decline.newBuilder().addOfferIds(o.getId())
            .setFilters(Protos.Filters.newBuilder().setRefuseSeconds(refuseSeconds))).build()).statusCode());
    }

    @Test
    void freedResourcesGoToTheFrameworkWithTheLowestDominantShare() throws Exception {
        emu = MesosEmulator.builder().agents(2).defaultAgent(AgentSpec.of("cpus:1;mem:1024;disk:100", ""))
            .heartbeatInterval(Duration.ofSeconds(5)).allocationInterval(Duration.ofMillis(20)).start();
        TestScheduler busy = scheduler(TestScheduler.info().setName("busy").build());
        List<Protos.Offer> both = busy.await(e -> e.getType() == Event.Type.OFFERS
            && e.getOffers().getOffersCount() == 2).getOffers().getOffersList();
        Protos.Offer first = both.get(0);
        Protos.Offer second = both.get(1);
        // "busy" takes all of the first agent and holds the second agent's offer while "idle" subscribes
        busy.launch(first, TestScheduler.dockerTask("t1", first, 1, 1024).build());
        TestScheduler idle = scheduler(TestScheduler.info().setName("idle").build());
        decline(busy, second, 0);
        // every round offers the second agent to "idle" (share 0) and never to "busy" (share 1/2), which keeps any
        // offer it gets: round-robin would hand it to "busy" within two rounds and "idle" would wait forever
        for (int round = 0; round < 3; round++) {
            Protos.Offer o = idle.await(Event.Type.OFFERS).getOffers().getOffers(0);
            assertEquals(second.getAgentId(), o.getAgentId());
            decline(idle, o, 0);
        }
    }

    @Test
    void offerFiltersSetTheMinimumAllocatableResourcesPerRole() throws Exception {
        emu = MesosEmulator.builder().agents(2).agent(0, AgentSpec.of("cpus:1;mem:256", ""))
            .agent(1, AgentSpec.of("cpus:4;mem:256", ""))
            .heartbeatInterval(Duration.ofSeconds(5)).allocationInterval(Duration.ofMillis(20)).start();
        Protos.OfferFilters twoCpus = Protos.OfferFilters.newBuilder().setMinAllocatableResources(
            Protos.OfferFilters.MinAllocatableResources.newBuilder().addQuantities(
                Protos.OfferFilters.ResourceQuantities.newBuilder().putQuantities("cpus",
                    Protos.Value.Scalar.newBuilder().setValue(2).build()))).build();
        TestScheduler picky = scheduler(TestScheduler.info().putOfferFilters("*", twoCpus).build());
        assertEquals(List.of(emu.agentId(1)), agentsOf(picky.await(Event.Type.OFFERS)));
    }

    @Test
    void invalidOfferFiltersRefuseTheSubscription() throws Exception {
        emu = MesosEmulator.builder().agents(1).heartbeatInterval(Duration.ofSeconds(5)).start();
        Protos.OfferFilters empty = Protos.OfferFilters.newBuilder().setMinAllocatableResources(
            Protos.OfferFilters.MinAllocatableResources.newBuilder().addQuantities(
                Protos.OfferFilters.ResourceQuantities.getDefaultInstance())).build();
        assertEquals("Resource quantities must contain at least one quantity",
            refusal(TestScheduler.info().putOfferFilters("*", empty).build()));
        Protos.OfferFilters negative = Protos.OfferFilters.newBuilder().setMinAllocatableResources(
            Protos.OfferFilters.MinAllocatableResources.newBuilder().addQuantities(
                Protos.OfferFilters.ResourceQuantities.newBuilder().putQuantities("cpus",
                    Protos.Value.Scalar.newBuilder().setValue(-1).build()))).build();
        assertEquals("Invalid resource quantity for 'cpus': Negative values not supported",
            refusal(TestScheduler.info().putOfferFilters("*", negative).build()));
    }

    private String refusal(Protos.FrameworkInfo info) throws Exception {
        return newScheduler().refusal(info);
    }

    @Test
    void agentsWithGpusAreOfferedOnlyToGpuFrameworks() throws Exception {
        emu = MesosEmulator.builder().agents(2).agent(0, AgentSpec.of("cpus:1;mem:256;gpus:1", ""))
            .agent(1, AgentSpec.of("cpus:1;mem:256", ""))
            .heartbeatInterval(Duration.ofSeconds(5)).allocationInterval(Duration.ofMillis(20)).start();
        TestScheduler plain = scheduler(TestScheduler.info().setName("plain").build());
        assertEquals(List.of(emu.agentId(1)), agentsOf(plain.await(Event.Type.OFFERS)));
        TestScheduler gpu = scheduler(TestScheduler.info().setName("gpu").addCapabilities(TestScheduler.cap(
            Protos.FrameworkInfo.Capability.Type.GPU_RESOURCES)).build());
        assertEquals(List.of(emu.agentId(0)), agentsOf(gpu.await(Event.Type.OFFERS)));
    }

    private TestScheduler resubscribe(TestScheduler old, Protos.FrameworkInfo.Builder info) throws Exception {
        return scheduler(info.setId(Protos.FrameworkID.newBuilder().setValue(old.frameworkId)).build());
    }

    @Test
    void aFrameworkThatDisconnectsLosesItsDeclineFilters() throws Exception {
        emu = MesosEmulator.builder().agents(1).heartbeatInterval(Duration.ofSeconds(5))
            .allocationInterval(Duration.ofMillis(20)).start();
        Protos.FrameworkInfo.Builder info = TestScheduler.info().setFailoverTimeout(60);
        TestScheduler first = scheduler(info.build());
        decline(first, first.firstOffer(), 3600);
        emu.cutStream(first.frameworkId);
        first.awaitEnd();
        // deactivation clears the allocator's filters (hierarchical.cpp deactivateFramework): offered again at once
        TestScheduler again = resubscribe(first, info);
        assertEquals(emu.agentId(0), again.firstOffer().getAgentId().getValue());
    }

    @Test
    void aResubscriptionThatUnsuppressesARoleClearsItsFilters() throws Exception {
        emu = MesosEmulator.builder().agents(1).heartbeatInterval(Duration.ofSeconds(5))
            .allocationInterval(Duration.ofMillis(20)).start();
        Protos.FrameworkInfo.Builder info = TestScheduler.info().setFailoverTimeout(60);
        TestScheduler first = scheduler(info.build());
        decline(first, first.firstOffer(), 3600);
        assertEquals(202, first.post(first.call(Call.Type.SUPPRESS).build()).statusCode());
        // a failover (the old stream still open) keeps the filters, but the role leaving the suppressed set is
        // revived, its filters cleared (hierarchical.cpp updateFramework → reviveRoles)
        TestScheduler again = resubscribe(first, info);
        assertEquals(emu.agentId(0), again.firstOffer().getAgentId().getValue());
    }
}
