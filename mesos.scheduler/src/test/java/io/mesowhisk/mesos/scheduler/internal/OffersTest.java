package io.mesowhisk.mesos.scheduler.internal;

import static io.mesowhisk.mesos.scheduler.internal.Fixture.await;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.awaitSubscribed;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.awaitTrue;
import static io.mesowhisk.mesos.scheduler.internal.Fixture.docker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.emulator.MesosEmulator;
import io.mesowhisk.mesos.scheduler.AgentView;
import io.mesowhisk.mesos.scheduler.FrameworkIdStore;
import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.mesos.scheduler.LaunchedTask;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.SchedulerMetrics;
import io.mesowhisk.mesos.scheduler.TaskPhase;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.Resource;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.Value;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Offers: an ACCEPT of an invalid offer, a rescind after a match, held offers, suppress and revive. */
class OffersTest {

    private static Resource scalar(String name, double v) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(v)).build();
    }

    /** An OFFERS event with an offer id the master never made, RecordIO-framed for the protobuf stream. */
    private static byte[] bogusOffer(String frameworkId, AgentView agent) throws Exception {
        return offersEvent(offerNeverMade(frameworkId, agent).toByteArray());
    }

    /** An offer of the agent's whole size, with an id the master never made. */
    private static Offer offerNeverMade(String frameworkId, AgentView agent) {
        return Offer.newBuilder().setId(OfferID.newBuilder().setValue("bogus-O1"))
                .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
                .setAgentId(AgentID.newBuilder().setValue(agent.agentId())).setHostname(agent.hostname())
                .addResources(scalar("cpus", 8)).addResources(scalar("mem", 16384))
                .addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                        .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(31000)
                                .setEnd(32000))))
                .build();
    }

    /** An OFFERS event of these offers' bytes (well-formed or not), RecordIO-framed for the protobuf stream. */
    private static byte[] offersEvent(byte[]... offers) throws Exception {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (byte[] o : offers) {
            list.write(0x0a); // Event.Offers.offers, length-delimited
            writeVarint(list, o.length);
            list.write(o);
        }
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        event.write(Event.newBuilder().setType(Event.Type.OFFERS).build().toByteArray());
        event.write(0x1a); // Event.offers, length-delimited
        writeVarint(event, list.size());
        list.writeTo(event);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((event.size() + "\n").getBytes(StandardCharsets.US_ASCII));
        event.writeTo(out);
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7f) != 0) {
            out.write(value & 0x7f | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    @Test
    void launchOnAnInvalidOfferGoesBackToPendingAndRunsOnce() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(),
                        Fixture.settings().maxUnplacedCycles(0).build())) {
            // fill the agent so the real offers cannot take the next task
            LaunchedTask filler = await(s.launch(docker("filler").cpus(4).build()));
            String fw = filler.frameworkId();
            LaunchRequest wanted = docker("wanted").cpus(2).build();
            CompletionStage<LaunchedTask> launch = s.launch(wanted);
            awaitTrue("pending", () -> s.status().tasksByPhase().get(TaskPhase.PENDING) == 1);
            emu.injectBytes(fw, bogusOffer(fw, s.agents().get(0)));
            // the master answers the ACCEPT on an offer it never made with TASK_DROPPED (REASON_INVALID_OFFERS); the
            // task's "why" says so only until the next offer cycle replaces it, so the lasting mark is the state
            awaitTrue("launched on the bogus offer and back to pending", () -> s.tasks().stream()
                    .anyMatch(v -> v.taskId().equals(wanted.taskId()) && v.phase() == TaskPhase.PENDING
                            && v.lastState().equals(Optional.of(TaskState.TASK_DROPPED))), () -> s.tasks().toString());
            assertFalse(launch.toCompletableFuture().isDone());
            await(s.kill(filler.taskId()));
            LaunchedTask t = await(launch);
            assertEquals(emu.agentId(0), t.agentId());
            assertEquals(2, emu.launchedTasks(), "launched once at Mesos");
        }
    }

    @Test
    void offersThatCannotBeReadAreLeftOutAndTheEventsOtherOffersServe() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(),
                        Fixture.settings().maxUnplacedCycles(0).build())) {
            LaunchedTask filler = await(s.launch(docker("filler").cpus(4).build()));
            String fw = filler.frameworkId();
            long reconnects = s.metrics().snapshot().counter(SchedulerMetrics.RECONNECTS);
            LaunchRequest wanted = docker("wanted").cpus(2).build();
            CompletionStage<LaunchedTask> launch = s.launch(wanted);
            awaitTrue("pending", () -> s.status().tasksByPhase().get(TaskPhase.PENDING) == 1);
            Offer usable = offerNeverMade(fw, s.agents().get(0));
            byte[] noAgent = usable.toBuilder().setId(OfferID.newBuilder().setValue("bogus-no-agent")).clearAgentId()
                    .buildPartial().toByteArray();
            byte[] whole = usable.toBuilder().setId(OfferID.newBuilder().setValue("bogus-cut")).build().toByteArray();
            byte[] cut = java.util.Arrays.copyOf(whole, whole.length + 3);
            cut[whole.length] = 0x2a; // a resource of 5 bytes, of which only one follows
            cut[whole.length + 1] = 0x05;
            cut[whole.length + 2] = 0x0a;
            emu.injectBytes(fw, offersEvent(noAgent, cut, usable.toByteArray()));
            // the one readable offer of the event is used: the master never made it, so the task comes back dropped
            awaitTrue("launched on the readable offer and back to pending", () -> s.tasks().stream()
                    .anyMatch(v -> v.taskId().equals(wanted.taskId()) && v.phase() == TaskPhase.PENDING
                            && v.lastState().equals(Optional.of(TaskState.TASK_DROPPED))), () -> s.tasks().toString());
            assertEquals(reconnects, s.metrics().snapshot().counter(SchedulerMetrics.RECONNECTS),
                    "offers that cannot be read do not cost the stream");
            await(s.kill(filler.taskId()));
            assertEquals(emu.agentId(0), await(launch).agentId());
        }
    }

    @Test
    void offerRescindedAfterAMatchStillLaunchesOnce() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(),
                        Fixture.settings().holdOffers(Duration.ofMinutes(5)).build())) {
            awaitTrue("an offer held", () -> !s.heldOffers().isEmpty());
            for (int round = 0; round < 5; round++) {
                awaitTrue("an offer held", () -> !s.heldOffers().isEmpty());
                emu.rescindOffers();
                LaunchedTask t = await(s.launch(docker("rescinded-" + round).build()));
                assertEquals(emu.agentId(0), t.agentId());
            }
            assertEquals(5, emu.launchedTasks());
            assertTrue(s.metrics().snapshot().counter(SchedulerMetrics.OFFERS_RESCINDED) >= 5);
        }
    }

    @Test
    void heldOfferLaunchesAtOnceAndIsDeclinedOnStop() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).allocationInterval(Duration.ofHours(1)).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(),
                        Fixture.settings().holdOffers(Duration.ofMinutes(5)).build())) {
            // allocation runs only when triggered: the first offer comes when the framework is added
            awaitTrue("an offer held", () -> !s.heldOffers().isEmpty());
            long received = s.metrics().snapshot().counter(SchedulerMetrics.OFFERS_RECEIVED);
            String heldId = s.heldOffers().get(0).offerId();
            LaunchedTask t = await(s.launch(docker("instant").build()));
            assertEquals(received, s.metrics().snapshot().counter(SchedulerMetrics.OFFERS_RECEIVED),
                    "launched from the held offer, no new offer needed");
            assertEquals(emu.agentId(0), t.agentId());
            assertTrue(s.heldOffers().stream().noneMatch(o -> o.offerId().equals(heldId)),
                    "the offer used is no longer listed as held: " + s.heldOffers());
            await(s.stop());
            assertTrue(s.heldOffers().isEmpty());
        }
    }

    @Test
    void suppressWhenIdleReviveWhenPending() throws Exception {
        try (MesosEmulator emu = Fixture.emulator(1).start();
                MesosScheduler s = Fixture.scheduler(emu, FrameworkIdStore.inMemory(), Fixture.settings().build())) {
            awaitSubscribed(s);
            awaitTrue("suppressed when nothing is pending",
                    () -> s.metrics().snapshot().counter(SchedulerMetrics.SUPPRESSES) >= 1);
            long offers = s.metrics().snapshot().counter(SchedulerMetrics.OFFERS_RECEIVED);
            for (int i = 0; i < 20; i++) {
                await(s.launch(docker("r" + i).build()));
            }
            SchedulerMetrics.Snapshot m = s.metrics().snapshot();
            assertTrue(m.counter(SchedulerMetrics.REVIVES) >= 1);
            assertTrue(m.counter(SchedulerMetrics.REVIVES) <= 20, "rate-limited: " + m.counters());
            assertTrue(m.counter(SchedulerMetrics.OFFERS_RECEIVED) > offers);
        }
    }
}
