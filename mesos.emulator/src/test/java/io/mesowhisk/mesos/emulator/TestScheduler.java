package io.mesowhisk.mesos.emulator;

import com.google.protobuf.util.JsonFormat;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A deliberately small scheduler for tests, written from the reference (RecordIO framing, JSON via protobuf's own
 * JsonFormat, not the emulator's codec), so the emulator is checked against Mesos's documented wire format.
 */
final class TestScheduler implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).build();

    final URI master;
    final boolean json;
    final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final List<Event> seen = new ArrayList<>();
    /** Events read but not yet matched by an {@link #await}: later awaits look here first. */
    private final List<Event> backlog = new ArrayList<>();
    volatile boolean ended;
    volatile Throwable streamError;
    String streamId;
    String frameworkId;
    /** An {@code Authorization} header value sent with every request, or null. */
    String authorization;
    HttpResponse<InputStream> subscribeResponse;
    private Thread reader;

    TestScheduler(URI master, boolean json) {
        this.master = master;
        this.json = json;
    }

    /** One agent, one-second heartbeats and update retries, allocation every 30 ms: the command-task tests' setup. */
    static MesosEmulator.Builder oneAgent() {
        return MesosEmulator.builder().agents(1).heartbeatInterval(Duration.ofSeconds(1))
            .allocationInterval(Duration.ofMillis(30)).statusUpdateRetryInterval(Duration.ofSeconds(1));
    }

    /** {@code <work_dir>/slaves/<agent 0>/frameworks/<framework>/executors/<executor>/runs}, Mesos's layout. */
    java.nio.file.Path runs(MesosEmulator emu, String executorId) {
        return emu.workDir().resolve("slaves").resolve(emu.agentId(0)).resolve("frameworks").resolve(frameworkId)
            .resolve("executors").resolve(executorId).resolve("runs");
    }

    static Protos.FrameworkInfo.Builder info() {
        return Protos.FrameworkInfo.newBuilder().setUser("test").setName("emulator-test");
    }

    static Protos.FrameworkInfo.Capability cap(Protos.FrameworkInfo.Capability.Type t) {
        return Protos.FrameworkInfo.Capability.newBuilder().setType(t).build();
    }

    /** Subscribes and starts reading events; returns the HTTP status. */
    int subscribe(Protos.FrameworkInfo info) throws Exception {
        Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
            .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info));
        if (info.hasId()) {
            call.setFrameworkId(info.getId());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(master.resolve("/api/v1/scheduler"))
            .header("Content-Type", json ? "application/json" : "application/x-protobuf")
            .header("Accept", json ? "application/json" : "application/x-protobuf")
            .POST(body(call.build()));
        authorize(b);
        HttpRequest request = b.build();
        subscribeResponse = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (subscribeResponse.statusCode() != 200) {
            return subscribeResponse.statusCode();
        }
        streamId = subscribeResponse.headers().firstValue("Mesos-Stream-Id").orElse(null);
        reader = new Thread(this::read, "test-scheduler-reader");
        reader.setDaemon(true);
        reader.start();
        return 200;
    }

    private void authorize(HttpRequest.Builder b) {
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
    }

    static String basic(String principal, String secret) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((principal + ":" + secret)
            .getBytes(StandardCharsets.UTF_8));
    }

    HttpRequest.BodyPublisher body(Call call) throws IOException {
        if (json) {
            return HttpRequest.BodyPublishers.ofString(JsonFormat.printer().preservingProtoFieldNames().print(call));
        }
        return HttpRequest.BodyPublishers.ofByteArray(call.toByteArray());
    }

    private void read() {
        try (InputStream in = subscribeResponse.body()) {
            while (true) {
                long length = 0;
                int c;
                int digits = 0;
                while ((c = in.read()) != '\n') {
                    if (c < 0) {
                        if (digits > 0) {
                            throw new IOException("stream ended inside a record header");
                        }
                        return;
                    }
                    if (c < '0' || c > '9') {
                        throw new IOException("bad RecordIO header byte " + c);
                    }
                    length = length * 10 + (c - '0');
                    digits++;
                }
                byte[] data = in.readNBytes((int) length);
                if (data.length != length) {
                    throw new IOException("stream ended inside a record");
                }
                Event event;
                if (json) {
                    Event.Builder b = Event.newBuilder();
                    JsonFormat.parser().merge(new String(data, StandardCharsets.UTF_8), b);
                    event = b.build();
                } else {
                    event = Event.parseFrom(data);
                }
                if (event.getType() == Event.Type.SUBSCRIBED) {
                    frameworkId = event.getSubscribed().getFrameworkId().getValue();
                }
                events.add(event);
            }
        } catch (Throwable t) {
            streamError = t;
        } finally {
            ended = true;
        }
    }

    /** The next event matching {@code p}; earlier non-matching events are kept in {@link #seen}. */
    Event await(Predicate<Event> p) throws InterruptedException {
        for (java.util.Iterator<Event> it = backlog.iterator(); it.hasNext();) {
            Event e = it.next();
            if (p.test(e)) {
                it.remove();
                return e;
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("No matching event within " + WAIT + "; seen: " + summary());
            }
            Event e = events.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            if (e == null) {
                continue;
            }
            seen.add(e);
            if (p.test(e)) {
                return e;
            }
            backlog.add(e);
        }
    }

    /** Forgets events read so far that no await matched. */
    void clearBacklog() {
        backlog.clear();
        events.clear();
    }

    Event await(Event.Type type) throws InterruptedException {
        return await(e -> e.getType() == type);
    }

    Protos.TaskStatus awaitUpdate(String taskId, Protos.TaskState state) throws InterruptedException {
        return await(e -> e.getType() == Event.Type.UPDATE
            && e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)
            && e.getUpdate().getStatus().getState() == state).getUpdate().getStatus();
    }

    void awaitEnd() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!ended) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stream did not end");
            }
            Event e = events.poll(50, TimeUnit.MILLISECONDS);
            if (e != null) {
                seen.add(e);
            }
        }
        Event e;
        while ((e = events.poll()) != null) {
            seen.add(e);
        }
    }

    String summary() {
        StringBuilder sb = new StringBuilder();
        for (Event e : seen) {
            sb.append(e.getType()).append(e.getType() == Event.Type.UPDATE
                ? "(" + e.getUpdate().getStatus().getTaskId().getValue() + " " + e.getUpdate().getStatus().getState()
                + ")" : "").append(' ');
        }
        return sb.toString();
    }

    HttpResponse<String> post(Call call) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(master.resolve("/api/v1/scheduler"))
            .header("Content-Type", json ? "application/json" : "application/x-protobuf")
            .POST(body(call));
        if (streamId != null) {
            b.header("Mesos-Stream-Id", streamId);
        }
        authorize(b);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    Call.Builder call(Call.Type type) {
        return Call.newBuilder().setType(type).setFrameworkId(Protos.FrameworkID.newBuilder().setValue(frameworkId));
    }

    /** Subscribes with {@code info} and waits for SUBSCRIBED; anything else is a test failure. */
    TestScheduler subscribed(Protos.FrameworkInfo info) throws Exception {
        int status = subscribe(info);
        if (status != 200) {
            throw new AssertionError("SUBSCRIBE answered " + status);
        }
        await(Event.Type.SUBSCRIBED);
        return this;
    }

    /** Subscribes with {@code info}, which the master must refuse: the message of its ERROR event. */
    String refusal(Protos.FrameworkInfo info) throws Exception {
        int status = subscribe(info);
        if (status != 200) {
            throw new AssertionError("SUBSCRIBE answered " + status + "; a refusal is a 200 stream with ERROR");
        }
        return await(Event.Type.ERROR).getError().getMessage();
    }

    /** The first offer of the next OFFERS event. */
    Protos.Offer firstOffer() throws InterruptedException {
        return await(Event.Type.OFFERS).getOffers().getOffers(0);
    }

    /** Acknowledges a task's STARTING and RUNNING and returns RUNNING. */
    Protos.TaskStatus started(String taskId) throws Exception {
        ack(awaitUpdate(taskId, Protos.TaskState.TASK_STARTING));
        Protos.TaskStatus running = awaitUpdate(taskId, Protos.TaskState.TASK_RUNNING);
        ack(running);
        return running;
    }

    void ack(Protos.TaskStatus status) throws Exception {
        HttpResponse<String> r = post(call(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
            .setAgentId(status.getAgentId()).setTaskId(status.getTaskId()).setUuid(status.getUuid())).build());
        if (r.statusCode() != 202) {
            throw new AssertionError("ACKNOWLEDGE answered " + r.statusCode() + " " + r.body());
        }
    }

    HttpResponse<String> launch(Protos.Offer offer, Protos.TaskInfo... tasks) throws Exception {
        Protos.Offer.Operation.Launch.Builder launch = Protos.Offer.Operation.Launch.newBuilder();
        for (Protos.TaskInfo t : tasks) {
            launch.addTaskInfos(t);
        }
        return post(call(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
            .addOperations(Protos.Offer.Operation.newBuilder().setType(Protos.Offer.Operation.Type.LAUNCH)
                .setLaunch(launch))
            .setFilters(Protos.Filters.newBuilder().setRefuseSeconds(0))).build());
    }

    static Protos.TaskInfo.Builder dockerTask(String id, Protos.Offer offer, double cpus, double mem) {
        return Protos.TaskInfo.newBuilder().setName(id).setTaskId(Protos.TaskID.newBuilder().setValue(id))
            .setAgentId(offer.getAgentId())
            .addResources(scalar("cpus", cpus)).addResources(scalar("mem", mem))
            .setCommand(Protos.CommandInfo.newBuilder().setShell(false))
            .setContainer(Protos.ContainerInfo.newBuilder().setType(Protos.ContainerInfo.Type.DOCKER)
                .setDocker(Protos.ContainerInfo.DockerInfo.newBuilder().setImage("openwhisk/action-nodejs-v20")));
    }

    static Protos.TaskInfo.Builder commandTask(String id, Protos.Offer offer, String shell) {
        return Protos.TaskInfo.newBuilder().setName(id).setTaskId(Protos.TaskID.newBuilder().setValue(id))
            .setAgentId(offer.getAgentId())
            .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
            .setCommand(Protos.CommandInfo.newBuilder().setValue(shell));
    }

    static Protos.Resource scalar(String name, double v) {
        return Protos.Resource.newBuilder().setName(name).setType(Protos.Value.Type.SCALAR)
            .setScalar(Protos.Value.Scalar.newBuilder().setValue(v)).build();
    }

    @Override
    public void close() {
        if (subscribeResponse != null) {
            try {
                subscribeResponse.body().close();
            } catch (IOException e) {
                // closing
            }
        }
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
