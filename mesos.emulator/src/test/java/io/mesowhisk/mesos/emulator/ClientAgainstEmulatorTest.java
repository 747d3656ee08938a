package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.api.Disconnect;
import io.mesowhisk.mesos.api.Encoding;
import io.mesowhisk.mesos.api.Mesos4xxException;
import io.mesowhisk.mesos.api.MesosClient;
import io.mesowhisk.mesos.api.MesosClientConfig;
import io.mesowhisk.mesos.api.Subscription;
import io.mesowhisk.mesos.api.SubscriptionListener;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Our client (mesos.api) against the emulator, end to end over HTTP: the integration tests the client's issue asks
 * for. The emulator is checked against the Mesos reference on its own (the other tests of this module) and with a
 * third-party client, so a bug cannot hide in both sides at once.
 */
class ClientAgainstEmulatorTest {

    private static final long TIMEOUT_S = 20;

    /** Records everything the client reports, in order. */
    private static final class Recorder implements SubscriptionListener {
        final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();

        @Override
        public void subscribed(Subscription s, Event.Subscribed subscribed) {
            seen.add(subscribed);
        }

        @Override
        public void event(Subscription s, Event event) {
            seen.add(event);
        }

        @Override
        public void disconnected(Subscription s, Disconnect disconnect) {
            seen.add(disconnect);
        }

        <T> T next(Class<T> type, Predicate<T> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            while (true) {
                Object o = seen.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (o == null) {
                    throw new AssertionError("no " + type.getSimpleName() + " as wanted within " + TIMEOUT_S + " s");
                }
                if (type.isInstance(o) && wanted.test(type.cast(o))) {
                    return type.cast(o);
                }
            }
        }

        Event event(Event.Type type) throws InterruptedException {
            return next(Event.class, e -> e.getType() == type);
        }

        TaskStatus update(String task, TaskState state) throws InterruptedException {
            return next(Event.class, e -> e.getType() == Event.Type.UPDATE
                    && e.getUpdate().getStatus().getTaskId().getValue().equals(task)
                    && e.getUpdate().getStatus().getState() == state).getUpdate().getStatus();
        }
    }

    private static MesosEmulator emulator() {
        return MesosEmulator.builder().masters(3).agents(1).credential("whisk", "s3cret")
                .heartbeatInterval(Duration.ofMillis(100)).allocationInterval(Duration.ofMillis(20)).start();
    }

    private static Protos.FrameworkInfo framework() {
        return Protos.FrameworkInfo.newBuilder().setUser("root").setName("client-it").setPrincipal("whisk")
                .setFailoverTimeout(60).build();
    }

    /** A client of every master, quick to reconnect. */
    private static MesosClient reconnectingClient(MesosEmulator emu) {
        return MesosClient.create(MesosClientConfig.builder().masters(emu.masterUris())
                .credentials("whisk", "s3cret").backoff(Duration.ofMillis(10), Duration.ofMillis(100)).build());
    }

    private static URI aFollower(MesosEmulator emu) {
        URI leader = emu.leaderUri();
        return emu.masterUris().stream().filter(u -> !u.equals(leader)).findFirst().orElseThrow();
    }

    private static void await(java.util.concurrent.CompletionStage<Void> call) throws Exception {
        call.toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void subscribeLaunchAcknowledgeKillReconcileTeardownThroughAFollowerWithAuthentication(Encoding encoding)
            throws Exception {
        try (MesosEmulator emu = emulator();
                MesosClient client = MesosClient.create(MesosClientConfig.builder()
                        .masters(List.of(aFollower(emu))) // every request is redirected (307) to the leader
                        .credentials("whisk", "s3cret").encoding(encoding).build())) {
            Recorder r = new Recorder();
            Subscription s = client.subscribe(framework(), r);
            Event.Subscribed subscribed = r.next(Event.Subscribed.class, x -> true);
            assertTrue(subscribed.getFrameworkId().getValue().startsWith(emu.masterId() + "-"));
            r.event(Event.Type.HEARTBEAT);

            Protos.Offer offer = r.event(Event.Type.OFFERS).getOffers().getOffers(0);
            Protos.TaskInfo task = TestScheduler.dockerTask("action-1", offer, 0.25, 256).build();
            await(s.accept(List.of(offer.getId()), List.of(Protos.Offer.Operation.newBuilder()
                    .setType(Protos.Offer.Operation.Type.LAUNCH)
                    .setLaunch(Protos.Offer.Operation.Launch.newBuilder().addTaskInfos(task)).build())));

            TaskStatus starting = r.update("action-1", TaskState.TASK_STARTING);
            assertTrue(starting.hasUuid(), "agent updates carry a uuid");
            await(s.acknowledge(starting));
            TaskStatus running = r.update("action-1", TaskState.TASK_RUNNING);
            await(s.acknowledge(running));

            await(s.kill(task.getTaskId(), offer.getAgentId(), null));
            TaskStatus killed = r.update("action-1", TaskState.TASK_KILLED);
            await(s.acknowledge(killed));

            await(s.reconcile(List.of(Call.Reconcile.Task.newBuilder().setTaskId(task.getTaskId())
                    .setAgentId(offer.getAgentId()).build())));
            TaskStatus reconciled = r.next(Event.class, e -> e.getType() == Event.Type.UPDATE
                    && e.getUpdate().getStatus().getReason() == TaskStatus.Reason.REASON_RECONCILIATION)
                    .getUpdate().getStatus();
            assertFalse(reconciled.hasUuid(), "master updates carry no uuid");
            assertEquals(TaskState.TASK_LOST, reconciled.getState(), "a finished, acknowledged task is unknown");

            await(s.teardown());
            Disconnect end = r.next(Disconnect.class, x -> true);
            assertEquals(Disconnect.Reason.TORN_DOWN, end.reason());
            assertFalse(end.reconnecting());
        }
    }

    @Test
    void wrongCredentialsEndTheSubscriptionWithTheMastersAnswer() throws Exception {
        try (MesosEmulator emu = emulator();
                MesosClient client = MesosClient.create(MesosClientConfig.builder().masters(List.of(emu.leaderUri()))
                        .credentials("whisk", "wrong").build())) {
            Recorder r = new Recorder();
            client.subscribe(framework(), r);
            Disconnect d = r.next(Disconnect.class, x -> true);
            assertEquals(Disconnect.Reason.HTTP_ERROR, d.reason());
            assertFalse(d.reconnecting(), "a 401 is not retried");
            Mesos4xxException e = assertInstanceOf(Mesos4xxException.class, d.cause());
            assertEquals(401, e.status());
        }
    }

    @Test
    void aStreamCutMidRecordIsResubscribedWithTheSameFrameworkId() throws Exception {
        try (MesosEmulator emu = emulator(); MesosClient client = reconnectingClient(emu)) {
            Recorder r = new Recorder();
            Subscription s = client.subscribe(framework(), r);
            String id = r.next(Event.Subscribed.class, x -> true).getFrameworkId().getValue();
            emu.cutStream(id);
            Disconnect d = r.next(Disconnect.class, x -> true);
            assertTrue(d.reconnecting(), d.toString());
            assertEquals(id, r.next(Event.Subscribed.class, x -> true).getFrameworkId().getValue());
            s.close();
        }
    }

    @Test
    void aSwitchOfLeaderIsFollowed() throws Exception {
        try (MesosEmulator emu = emulator(); MesosClient client = reconnectingClient(emu)) {
            Recorder r = new Recorder();
            Subscription s = client.subscribe(framework(), r);
            String id = r.next(Event.Subscribed.class, x -> true).getFrameworkId().getValue();
            URI before = emu.leaderUri();
            emu.switchLeader(emu.masterUris().indexOf(aFollower(emu)));
            assertNotEquals(before, emu.leaderUri());
            r.next(Disconnect.class, Disconnect::reconnecting);
            assertEquals(id, r.next(Event.Subscribed.class, x -> true).getFrameworkId().getValue());
            await(s.revive(List.of()));
            s.close();
        }
    }
}
