package io.mesowhisk.mesos.api;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.mesowhisk.mesos.api.internal.RecordIO;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.ExecutorID;
import io.mesowhisk.mesos.v1.Protos.Filters;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.Request;
import io.mesowhisk.mesos.v1.Protos.TaskID;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client against {@link FakeMaster}s: subscription, calls, redirects, 503, auth, broken streams, heartbeats. */
class MesosClientTest {
    static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder().setUser("root").setName("mesos-api-test")
            .addRoles("test").build();
    static final AgentID AGENT = AgentID.newBuilder().setValue("agent-1").build();
    static final String SECRET = "s3cr3t-Value-42";

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private FakeMaster master() throws Exception {
        return track(new FakeMaster());
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    private static MesosClientConfig.Builder config(FakeMaster... masters) {
        MesosClientConfig.Builder b = MesosClientConfig.builder()
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50)).requestTimeout(Duration.ofSeconds(10));
        List<String> urls = new ArrayList<>();
        for (FakeMaster m : masters) {
            urls.add(m.uri().toString());
        }
        return b.masters(urls.toArray(String[]::new));
    }

    private MesosClient client(MesosClientConfig.Builder config) {
        return track(MesosClient.create(config.build()));
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletionStage<?> stage) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(20, TimeUnit.SECONDS));
        return e.getCause();
    }

    private static Event update(int i) {
        return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder()
                .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("task-" + i))
                        .setState(TaskState.TASK_RUNNING))).build();
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void subscribesAndDeliversEventsInOrderOnOneThread(Encoding encoding) throws Exception {
        FakeMaster master = master();
        MesosClient client = client(config(master).encoding(encoding));
        RecordingListener listener = new RecordingListener();
        Subscription subscription = client.subscribe(FRAMEWORK, listener);

        FakeMaster.Received subscribe = master.nextRequest();
        assertEquals(Call.Type.SUBSCRIBE, subscribe.call().getType());
        assertEquals(encoding.mediaType(), subscribe.contentType(), "Content-Type must be byte-exact");
        assertEquals(encoding.mediaType(), subscribe.accept());
        assertNull(subscribe.streamId());
        assertEquals(FRAMEWORK, subscribe.call().getSubscribe().getFrameworkInfo());
        assertFalse(subscribe.call().hasFrameworkId());

        Event.Subscribed subscribed = listener.expect(Event.Subscribed.class);
        FakeMaster.Stream stream = master.nextStream();
        assertEquals(stream.frameworkId, subscribed.getFrameworkId());
        assertEquals(15.0, subscribed.getHeartbeatIntervalSeconds());
        assertEquals(stream.frameworkId, subscription.frameworkId().orElseThrow());
        assertTrue(subscription.isSubscribed());

        for (int i = 0; i < 200; i++) {
            stream.send(update(i));
        }
        for (int i = 0; i < 200; i++) {
            assertEquals("task-" + i, listener.expect(Event.class).getUpdate().getStatus().getTaskId().getValue());
        }
        assertEquals(1, listener.threads.size(), "all callbacks on one thread: " + listener.threads);
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void anOffersListenerGetsOffersEncodedInStreamOrderWithTheOtherEvents(Encoding encoding) throws Exception {
        FakeMaster master = master();
        MesosClient client = client(config(master).encoding(encoding));
        BlockingQueue<Object> log = new LinkedBlockingQueue<>();
        OffersListener listener = new OffersListener() {
            @Override
            public void subscribed(Subscription s, Event.Subscribed subscribed) {
                log.add(subscribed);
            }

            @Override
            public void event(Subscription s, Event event) {
                if (event.getType() != Event.Type.HEARTBEAT) {
                    log.add(event);
                }
            }

            @Override
            public void disconnected(Subscription s, Disconnect disconnect) {
                log.add(disconnect);
            }

            @Override
            public void offers(Subscription s, EncodedOffers offers) {
                log.add(offers);
            }
        };
        client.subscribe(FRAMEWORK, listener);
        master.nextRequest();
        FakeMaster.Stream stream = master.nextStream();
        assertInstanceOf(Event.Subscribed.class, log.poll(20, TimeUnit.SECONDS));

        List<Offer> offers = List.of(offer("o-1", "host-1"), offer("o-2", "host-2"));
        stream.send(update(1));
        stream.send(Event.newBuilder().setType(Event.Type.OFFERS)
                .setOffers(Event.Offers.newBuilder().addAllOffers(offers)).build());
        stream.send(update(2));

        assertEquals("task-1", assertInstanceOf(Event.class, log.poll(20, TimeUnit.SECONDS)).getUpdate().getStatus()
                .getTaskId().getValue());
        EncodedOffers encoded = assertInstanceOf(EncodedOffers.class, log.poll(20, TimeUnit.SECONDS));
        assertEquals(offers, encoded.offers());
        assertEquals("task-2", assertInstanceOf(Event.class, log.poll(20, TimeUnit.SECONDS)).getUpdate().getStatus()
                .getTaskId().getValue());
    }

    private static Offer offer(String id, String host) {
        return Offer.newBuilder().setId(OfferID.newBuilder().setValue(id))
                .setFrameworkId(io.mesowhisk.mesos.v1.Protos.FrameworkID.newBuilder().setValue("fw"))
                .setAgentId(AGENT).setHostname(host).build();
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void everyTypedCallReachesTheMasterWithStreamIdAndFrameworkId(Encoding encoding) throws Exception {
        FakeMaster master = master();
        RecordingListener listener = new RecordingListener();
        Subscription s = client(config(master).encoding(encoding)).subscribe(FRAMEWORK, listener);
        listener.expect(Event.Subscribed.class);
        master.nextRequest(); // SUBSCRIBE
        FakeMaster.Stream stream = master.nextStream();

        OfferID offer = OfferID.newBuilder().setValue("offer-1").build();
        TaskID task = TaskID.newBuilder().setValue("task-1").build();
        ExecutorID executor = ExecutorID.newBuilder().setValue("executor-1").build();
        ByteString uuid = ByteString.copyFrom(new byte[16]);
        List<CompletionStage<Void>> calls = List.of(
                s.accept(List.of(offer), List.of(), Filters.newBuilder().setRefuseSeconds(1).build()),
                s.decline(List.of(offer), null),
                s.kill(task, AGENT, null),
                s.acknowledge(TaskStatus.newBuilder().setTaskId(task).setState(TaskState.TASK_RUNNING)
                        .setAgentId(AGENT).setUuid(uuid).build()),
                s.reconcile(List.of(Call.Reconcile.Task.newBuilder().setTaskId(task).build())),
                s.revive(List.of("test")),
                s.suppress(List.of()),
                s.shutdown(executor, AGENT),
                s.message(AGENT, executor, ByteString.copyFromUtf8("hello")),
                s.request(List.of(Request.newBuilder().setAgentId(AGENT).build())),
                s.call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE_OPERATION_STATUS).build()));
        for (CompletionStage<Void> c : calls) {
            assertNull(await(c));
        }
        List<Call.Type> types = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            FakeMaster.Received r = master.nextRequest();
            assertEquals(stream.streamId, r.streamId());
            assertEquals(stream.frameworkId, r.call().getFrameworkId());
            assertEquals(encoding.mediaType(), r.contentType());
            types.add(r.call().getType());
        }
        assertEquals(List.of(Call.Type.ACCEPT, Call.Type.DECLINE, Call.Type.KILL, Call.Type.ACKNOWLEDGE,
                Call.Type.RECONCILE, Call.Type.REVIVE, Call.Type.SUPPRESS, Call.Type.SHUTDOWN, Call.Type.MESSAGE,
                Call.Type.REQUEST, Call.Type.ACKNOWLEDGE_OPERATION_STATUS).stream().sorted().toList(),
                types.stream().sorted().toList());

        assertNull(await(s.teardown()));
        assertEquals(Call.Type.TEARDOWN, master.nextRequest().call().getType());
        Disconnect end = await(s.terminated());
        assertEquals(Disconnect.Reason.TORN_DOWN, end.reason());
        assertFalse(end.reconnecting());
        assertEquals(end, listener.expect(Disconnect.class));
        assertFalse(s.isSubscribed());
    }

    @Test
    void aBurstOfCallsBeyondTheConnectionPoolWaitsForConnectionsInsteadOfFailing() throws Exception {
        // a framework acknowledges every update and kills tasks in bulk: thousands of calls at once, far more than
        // the connections to the master (Jetty refused more than 1,024 waiting ones, to be retried seconds later)
        FakeMaster master = master();
        RecordingListener listener = new RecordingListener();
        Subscription s = client(config(master)).subscribe(FRAMEWORK, listener);
        listener.expect(Event.Subscribed.class);
        master.nextRequest(); // SUBSCRIBE
        int burst = 5_000;
        List<CompletableFuture<Void>> calls = new ArrayList<>(burst);
        for (int i = 0; i < burst; i++) {
            calls.add(s.kill(TaskID.newBuilder().setValue("task-" + i).build(), AGENT, null).toCompletableFuture());
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        Set<String> killed = new HashSet<>();
        for (int i = 0; i < burst; i++) {
            killed.add(master.nextRequest().call().getKill().getTaskId().getValue());
        }
        assertEquals(burst, killed.size());
    }

    @Test
    void rejectedCallIsATyped4xxWithTheMastersBody() throws Exception {
        FakeMaster master = master();
        RecordingListener listener = new RecordingListener();
        Subscription s = client(config(master)).subscribe(FRAMEWORK, listener);
        listener.expect(Event.Subscribed.class);
        Throwable failure = failureOf(s.acknowledge(AGENT, TaskID.newBuilder().setValue("t").build(),
                ByteString.copyFromUtf8("short")));
        Mesos4xxException e = assertInstanceOf(Mesos4xxException.class, failure);
        assertEquals(400, e.status());
        assertEquals("Failed to validate scheduler::Call: Not a valid UUID", e.body());
        assertTrue(e.getMessage().contains("HTTP 400") && e.getMessage().contains("Not a valid UUID"), e.getMessage());
        assertEquals("text/plain; charset=utf-8", e.header("Content-Type"));
    }

    @Test
    void callsBeforeSubscribedFailAndSubscribeIsNotACall() throws Exception {
        FakeMaster master = master();
        master.unavailable.set(Integer.MAX_VALUE);
        RecordingListener listener = new RecordingListener();
        Subscription s = client(config(master)).subscribe(FRAMEWORK, listener);
        assertInstanceOf(IllegalStateException.class, failureOf(s.revive(List.of())));
        assertThrows(IllegalArgumentException.class,
                () -> s.call(Call.newBuilder().setType(Call.Type.SUBSCRIBE).build()));
        assertThrows(IllegalArgumentException.class, () -> s.acknowledge(TaskStatus.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue("t")).setState(TaskState.TASK_LOST).build()));
        assertThrows(NullPointerException.class, () -> s.kill(null, null, null));
    }

    @Test
    void followsA307ChainToTheLeaderForSubscribeAndCalls() throws Exception {
        FakeMaster leader = master();
        FakeMaster middle = track(new FakeMaster(leader));
        FakeMaster first = track(new FakeMaster(leader));
        first.redirectTo = middle.uri();
        middle.redirectTo = leader.uri();
        RecordingListener listener = new RecordingListener();
        Subscription s = client(config(first)).subscribe(FRAMEWORK, listener);
        listener.expect(Event.Subscribed.class);
        assertEquals(Call.Type.SUBSCRIBE, leader.nextRequest().call().getType());
        assertEquals(1, first.requests.get());
        assertEquals(1, middle.requests.get());

        // calls go straight to the leader
        await(s.revive(List.of()));
        assertEquals(Call.Type.REVIVE, leader.nextRequest().call().getType());
        assertEquals(1, first.requests.get());

        // leadership moves to "middle" (same cluster registry): the call follows the 307
        middle.redirectTo = null;
        leader.redirectTo = middle.uri();
        await(s.suppress(List.of()));
        FakeMaster.Received r = middle.nextRequest();
        assertEquals(Call.Type.SUPPRESS, r.call().getType());
        assertEquals(leader.registry.streams.get(s.frameworkId().orElseThrow().getValue()).streamId, r.streamId());
    }

    @Test
    void givesUpOnARedirectLoop() throws Exception {
        FakeMaster a = master();
        FakeMaster b = master();
        a.redirectTo = b.uri();
        b.redirectTo = a.uri();
        RecordingListener listener = new RecordingListener();
        Subscription s = client(config(a).maxRedirects(3).reconnect(false)).subscribe(FRAMEWORK, listener);
        Disconnect d = await(s.terminated());
        assertEquals(Disconnect.Reason.CONNECTION_FAILED, d.reason());
        assertTrue(d.message().contains("gave up after 3 redirects"), d.message());
        assertEquals(4, a.requests.get() + b.requests.get());
    }

    @Test
    void retries503WithBackoffAndTriesTheMastersInTurn() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort(); // closed again: connection refused
        }
        FakeMaster master = master();
        master.unavailable.set(3);
        RecordingListener listener = new RecordingListener();
        MesosClientConfig.Builder config = config(master);
        config.masters("http://127.0.0.1:" + deadPort, master.uri().toString());
        Subscription s = client(config).subscribe(FRAMEWORK, listener);
        for (int i = 0; i < 3; i++) {
            Disconnect d = listener.expect(Disconnect.class);
            assertTrue(d.reconnecting());
            assertEquals(Disconnect.Reason.HTTP_ERROR, d.reason());
            Mesos5xxException e = assertInstanceOf(Mesos5xxException.class, d.cause());
            assertEquals(503, e.status());
            assertEquals("No leader elected", e.body());
        }
        listener.expect(Event.Subscribed.class);
        assertEquals(4, master.requests.get());
        assertTrue(s.isSubscribed());

        // a call answered 503 is retried too
        master.unavailable.set(2);
        assertNull(await(s.revive(List.of())));
        assertEquals(7, master.requests.get());
    }

    /**
     * However slow the machine, the call ends with the master's last 503: whether the next backoff no longer fits,
     * the retry fires after the deadline, or the request timeout runs out during a retry.
     */
    @Test
    void callKeepsFailingWith503UntilTheRequestTimeout() throws Exception {
        FakeMaster master = master();
        RecordingListener listener = new RecordingListener();
        Subscription s = client(config(master).requestTimeout(Duration.ofMillis(300))).subscribe(FRAMEWORK, listener);
        listener.expect(Event.Subscribed.class);
        int before = master.requests.get();
        master.unavailable.set(Integer.MAX_VALUE);
        Mesos5xxException e = assertInstanceOf(Mesos5xxException.class, failureOf(s.revive(List.of())));
        assertEquals(503, e.status());
        assertEquals("No leader elected", e.body());
        assertTrue(e.getMessage().contains("request timeout of PT0.3S ran out while retrying"), e.getMessage());
        assertTrue(master.requests.get() > before, "the call reached the master");
    }

    /**
     * The case a loaded machine hit: the retry after a 503 is still in flight when the request timeout runs out. The
     * master answers the first attempt 503 and never answers the retry, so the deadline must expire during it.
     */
    @Test
    void requestTimeoutRunningOutDuringARetryReportsTheLast503() throws Exception {
        FakeMaster master = master();
        RecordingListener listener = new RecordingListener();
        Subscription s = client(config(master).backoff(Duration.ofMillis(1), Duration.ofMillis(1))
                .requestTimeout(Duration.ofSeconds(1))).subscribe(FRAMEWORK, listener);
        listener.expect(Event.Subscribed.class);
        int before = master.requests.get();
        master.unavailable.set(1);
        master.silent.set(1);
        Throwable failure = failureOf(s.revive(List.of()));
        assertEquals(1, master.held.size(), "the retry reached the master and was left unanswered");
        assertEquals(before + 2, master.requests.get());
        Mesos5xxException e = assertInstanceOf(Mesos5xxException.class, failure);
        assertEquals(503, e.status());
        assertEquals("No leader elected", e.body());
        assertTrue(e.getMessage().contains("request timeout of PT1S ran out while retrying; 1 attempt was answered"
                + " 503"), e.getMessage());
        assertEquals(1, e.getSuppressed().length, "the timeout of the retry is kept as suppressed");
    }

    /** Without any answer, running out of time is a connection failure: there is no master answer to report. */
    @Test
    void requestTimeoutWithoutAnyAnswerIsAConnectionFailure() throws Exception {
        FakeMaster master = master();
        RecordingListener listener = new RecordingListener();
        Subscription s = client(config(master).requestTimeout(Duration.ofMillis(300))).subscribe(FRAMEWORK, listener);
        listener.expect(Event.Subscribed.class);
        master.silent.set(1);
        Throwable failure = failureOf(s.revive(List.of()));
        assertEquals(1, master.held.size(), "the call reached the master and was left unanswered");
        assertInstanceOf(MesosConnectionException.class, failure);
    }

    @Test
    void authenticationFailureIsATerminal401WithoutTheSecret() throws Exception {
        FakeMaster master = master().requireCredentials("whisk", SECRET);
        RecordingListener listener = new RecordingListener();
        MesosClient wrong = client(config(master).credentials("whisk", "not-the-secret"));
        Subscription s = wrong.subscribe(FRAMEWORK, listener);
        Disconnect d = await(s.terminated());
        assertEquals(Disconnect.Reason.HTTP_ERROR, d.reason());
        assertFalse(d.reconnecting());
        Mesos4xxException e = assertInstanceOf(Mesos4xxException.class, d.cause());
        assertEquals(401, e.status());
        assertEquals("Basic realm=\"mesos-master-scheduler\"", e.header("www-authenticate"));
        assertEquals("401 Unauthorized.", e.body());
        assertEquals(1, master.requests.get(), "a 401 is not retried");
        for (String text : List.of(d.toString(), e.toString(), String.valueOf(e.headers()), wrong.config().toString(),
                s.toString())) {
            assertFalse(text.contains("not-the-secret"), text);
        }
    }

    @Test
    void authenticatesEveryRequestThenSucceeds() throws Exception {
        FakeMaster master = master().requireCredentials("whisk", SECRET);
        // without credentials: 401
        RecordingListener anonymous = new RecordingListener();
        Subscription refused = client(config(master)).subscribe(FRAMEWORK, anonymous);
        assertEquals(401, ((MesosHttpException) await(refused.terminated()).cause()).status());

        // with them: subscribed, and calls authenticate too
        RecordingListener listener = new RecordingListener();
        MesosClient client = client(config(master).credentials("whisk", SECRET));
        Subscription s = client.subscribe(FRAMEWORK, listener);
        listener.expect(Event.Subscribed.class);
        await(s.revive(List.of()));
        assertEquals(Call.Type.SUBSCRIBE, master.nextRequest().call().getType());
        assertEquals(Call.Type.REVIVE, master.nextRequest().call().getType());
        assertFalse(client.config().toString().contains(SECRET), client.config().toString());
        assertTrue(client.config().toString().contains("secret=****"));
    }

    @Test
    void streamCutMidRecordIsAProtocolErrorAndResubscribesAsTheSameFramework() throws Exception {
        FakeMaster master = master();
        RecordingListener listener = new RecordingListener();
        Subscription s = client(config(master)).subscribe(FRAMEWORK, listener);
        Event.Subscribed first = listener.expect(Event.Subscribed.class);
        FakeMaster.Stream stream = master.nextStream();
        byte[] record = RecordIO.frame(stream.codec.encode(update(1)));
        stream.sendRaw(java.util.Arrays.copyOf(record, record.length - 3));
        stream.end();

        Disconnect d = listener.expect(Disconnect.class);
        assertEquals(Disconnect.Reason.PROTOCOL_ERROR, d.reason());
        assertTrue(d.reconnecting());
        assertTrue(d.message().contains("stream ended inside a record"), d.message());

        Event.Subscribed again = listener.expect(Event.Subscribed.class);
        assertEquals(first.getFrameworkId(), again.getFrameworkId());
        master.nextRequest(); // first SUBSCRIBE
        Call resubscribe = master.nextRequest().call();
        assertEquals(first.getFrameworkId(), resubscribe.getFrameworkId());
        assertEquals(first.getFrameworkId(), resubscribe.getSubscribe().getFrameworkInfo().getId());
        assertTrue(s.isSubscribed());
    }

    @Test
    void connectionDroppedMidRecordEndsTheStream() throws Exception {
        FakeMaster master = master();
        RecordingListener listener = new RecordingListener();
        client(config(master).reconnect(false)).subscribe(FRAMEWORK, listener);
        listener.expect(Event.Subscribed.class);
        FakeMaster.Stream stream = master.nextStream();
        stream.sendRaw("100\n{\"type\":".getBytes(US_ASCII));
        stream.cut();
        Disconnect d = listener.expect(Disconnect.class);
        assertFalse(d.reconnecting());
        assertTrue(d.reason() == Disconnect.Reason.PROTOCOL_ERROR || d.reason() == Disconnect.Reason.STREAM_ENDED,
                d.toString());
    }

    @Test
    void garbageAndOversizedRecordsAreProtocolErrors() throws Exception {
        FakeMaster master = master();
        RecordingListener listener = new RecordingListener();
        client(config(master).maxRecordBytes(1000)).subscribe(FRAMEWORK, listener);
        listener.expect(Event.Subscribed.class);
        master.nextStream().sendRaw("12x\n".getBytes(US_ASCII));
        Disconnect garbage = listener.expect(Disconnect.class);
        assertEquals(Disconnect.Reason.PROTOCOL_ERROR, garbage.reason());
        assertTrue(garbage.message().contains("Invalid RecordIO stream"), garbage.message());

        listener.expect(Event.Subscribed.class);
        master.nextStream().sendRaw("1000000000\n".getBytes(US_ASCII));
        Disconnect oversized = listener.expect(Disconnect.class);
        assertEquals(Disconnect.Reason.PROTOCOL_ERROR, oversized.reason());
        assertTrue(oversized.message().contains("exceeds the maximum record size of 1000 bytes"), oversized.message());

        listener.expect(Event.Subscribed.class);
        master.nextStream().sendRaw(RecordIO.frame("not an event".getBytes(US_ASCII)));
        Disconnect undecodable = listener.expect(Disconnect.class);
        assertEquals(Disconnect.Reason.PROTOCOL_ERROR, undecodable.reason());
        assertTrue(undecodable.message().contains("Cannot decode mesos.v1.scheduler.Event"), undecodable.message());
    }

    @Test
    void heartbeatLossDeclaresTheStreamDeadAndResubscribes() throws Exception {
        FakeMaster master = master();
        master.heartbeatSeconds = 0.2;
        RecordingListener listener = new RecordingListener();
        client(config(master).heartbeat(2, Duration.ofMillis(100))).subscribe(FRAMEWORK, listener);
        Event.Subscribed first = listener.expect(Event.Subscribed.class);
        // the fake sends no further heartbeats
        Disconnect d = listener.expect(Disconnect.class);
        assertEquals(Disconnect.Reason.HEARTBEAT_TIMEOUT, d.reason());
        assertTrue(d.reconnecting());
        assertTrue(d.message().contains("heartbeat interval 0.2 s × 2 failures + grace 100 ms"), d.message());
        assertEquals(first.getFrameworkId(), listener.expect(Event.Subscribed.class).getFrameworkId());
    }

    @Test
    void recordsSplitAcrossChunksAndBatchedInOneChunkArriveWhole() throws Exception {
        FakeMaster master = master();
        RecordingListener listener = new RecordingListener();
        client(config(master)).subscribe(FRAMEWORK, listener);
        listener.expect(Event.Subscribed.class);
        FakeMaster.Stream stream = master.nextStream();
        byte[] one = RecordIO.frame(stream.codec.encode(update(1)));
        // a record in three chunks, the cut inside the length prefix and inside the data
        stream.sendRaw(java.util.Arrays.copyOfRange(one, 0, 1));
        stream.sendRaw(java.util.Arrays.copyOfRange(one, 1, one.length / 2));
        stream.sendRaw(java.util.Arrays.copyOfRange(one, one.length / 2, one.length));
        // three records in one chunk
        stream.sendRaw(RecordIO.frameAll(List.of(stream.codec.encode(update(2)), stream.codec.encode(update(3)),
                stream.codec.encode(update(4)))));
        for (int i = 1; i <= 4; i++) {
            assertEquals("task-" + i, listener.expect(Event.class).getUpdate().getStatus().getTaskId().getValue());
        }
    }

    @Test
    void aThrowingListenerDoesNotStopTheStream() throws Exception {
        FakeMaster master = master();
        RecordingListener recorder = new RecordingListener();
        SubscriptionListener throwing = new SubscriptionListener() {
            @Override
            public void subscribed(Subscription s, Event.Subscribed subscribed) {
                recorder.subscribed(s, subscribed);
                throw new IllegalStateException("listener bug (expected by the test)");
            }

            @Override
            public void event(Subscription s, Event event) {
                recorder.event(s, event);
                throw new IllegalStateException("listener bug (expected by the test)");
            }

            @Override
            public void disconnected(Subscription s, Disconnect disconnect) {
                recorder.disconnected(s, disconnect);
            }
        };
        Subscription s = client(config(master)).subscribe(FRAMEWORK, throwing);
        recorder.expect(Event.Subscribed.class);
        FakeMaster.Stream stream = master.nextStream();
        stream.send(update(1));
        stream.send(update(2));
        assertEquals("task-1", recorder.expect(Event.class).getUpdate().getStatus().getTaskId().getValue());
        assertEquals("task-2", recorder.expect(Event.class).getUpdate().getStatus().getTaskId().getValue());
        assertTrue(s.isSubscribed());
    }

    @Test
    void errorEventEndsTheSubscription() throws Exception {
        FakeMaster master = master();
        RecordingListener listener = new RecordingListener();
        Subscription s = client(config(master)).subscribe(FRAMEWORK, listener);
        listener.expect(Event.Subscribed.class);
        master.nextStream().send(Event.newBuilder().setType(Event.Type.ERROR)
                .setError(Event.Error.newBuilder().setMessage("Framework failed over")).build());
        assertEquals(Event.Type.ERROR, listener.expect(Event.class).getType());
        Disconnect d = listener.expect(Disconnect.class);
        assertEquals(Disconnect.Reason.ERROR_EVENT, d.reason());
        assertFalse(d.reconnecting());
        assertTrue(d.message().contains("Framework failed over"));
        assertEquals(d, await(s.terminated()));
    }

    @Test
    void closeEndsTheSubscriptionOnceAndTheClientRefusesNewOnes() throws Exception {
        FakeMaster master = master();
        RecordingListener listener = new RecordingListener();
        MesosClient client = client(config(master));
        Subscription s = client.subscribe(FRAMEWORK, listener);
        listener.expect(Event.Subscribed.class);
        s.close();
        s.close();
        Disconnect d = listener.expect(Disconnect.class);
        assertEquals(Disconnect.Reason.CLOSED, d.reason());
        assertInstanceOf(IllegalStateException.class, failureOf(s.revive(List.of())));

        Subscription other = client.subscribe(FRAMEWORK, new RecordingListener());
        client.close();
        assertEquals(Disconnect.Reason.CLOSED, await(other.terminated()).reason());
        assertThrows(IllegalStateException.class, () -> client.subscribe(FRAMEWORK, new RecordingListener()));
        assertNull(listener.log.poll(), "no callback after the subscription ended");
    }
}
