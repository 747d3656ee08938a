package io.mesowhisk.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.emulator.MesosEmulator;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runtime images inside Felix: the emulator bundle writes its bundled Node.js action proxy out of its own jar and
 * runs it with {@code node} for an OpenWhisk Node.js image; the action answers /init and /run, and a kill ends the
 * process.
 */
class RuntimeImagesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private Event next(Event.Type type, String taskId, TaskState state) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Event e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e == null || e.getType() != type) {
                continue;
            }
            if (type != Event.Type.UPDATE || e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)
                && e.getUpdate().getStatus().getState() == state) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " " + (state == null ? "" : state) + " within " + TIMEOUT);
    }

    /** A port of the offer's range that nothing on this machine listens on now. */
    private static int freePort(Protos.Offer offer) {
        for (Protos.Resource r : offer.getResourcesList()) {
            if (!r.getName().equals("ports")) {
                continue;
            }
            for (Protos.Value.Range range : r.getRanges().getRangeList()) {
                for (long p = range.getBegin(); p <= range.getEnd(); p++) {
                    try (ServerSocket s = new ServerSocket()) {
                        s.bind(new InetSocketAddress("127.0.0.1", (int) p));
                        return (int) p;
                    } catch (IOException e) {
                        // taken: try the next one
                    }
                }
            }
        }
        throw new AssertionError("no free port in " + offer);
    }

    private static HttpResponse<String> post(int port, String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** A minimal protobuf scheduler: SUBSCRIBE, then every event of the RecordIO stream into {@link #events}. */
    private final class Scheduler implements AutoCloseable {
        final URI endpoint;
        InputStream stream;
        String streamId;
        Protos.FrameworkID frameworkId;

        Scheduler(URI master) throws Exception {
            endpoint = master.resolve("/api/v1/scheduler");
            Call subscribe = Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
                .setFrameworkInfo(Protos.FrameworkInfo.newBuilder().setUser("itest").setName("runtime-images-it")))
                .build();
            HttpResponse<InputStream> r = HTTP.send(request(subscribe), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            streamId = r.headers().firstValue("Mesos-Stream-Id").orElseThrow();
            stream = r.body();
            Thread reader = new Thread(this::read, "runtime-images-it-events");
            reader.setDaemon(true);
            reader.start();
            frameworkId = next(Event.Type.SUBSCRIBED, null, null).getSubscribed().getFrameworkId();
        }

        private HttpRequest request(Call call) {
            HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-protobuf").header("Accept", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(call.toByteArray()));
            if (streamId != null) {
                b.header("Mesos-Stream-Id", streamId);
            }
            return b.build();
        }

        void call(Call.Builder call) throws Exception {
            int status = HTTP.send(request(call.setFrameworkId(frameworkId).build()),
                HttpResponse.BodyHandlers.discarding()).statusCode();
            assertEquals(202, status, call.getType().toString());
        }

        private void read() {
            try {
                while (true) {
                    long length = 0;
                    int c;
                    while ((c = stream.read()) != '\n') {
                        if (c < 0) {
                            return;
                        }
                        length = length * 10 + (c - '0');
                    }
                    Event e = Event.parseFrom(stream.readNBytes((int) length));
                    if (e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().hasUuid()) {
                        TaskStatus st = e.getUpdate().getStatus();
                        call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge
                            .newBuilder().setAgentId(st.getAgentId()).setTaskId(st.getTaskId()).setUuid(st.getUuid())));
                    }
                    events.add(e);
                }
            } catch (Exception e) {
                // the stream ends with the test
            }
        }

        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    @Test
    void aNodejsActionRunsAsARealProcess() throws Exception {
        try (MesosEmulator emu = MesosEmulator.builder().allocationInterval(Duration.ofMillis(50))
                .defaultRuntimes().start();
             Scheduler s = new Scheduler(emu.leaderUri())) {
            Protos.Offer offer = next(Event.Type.OFFERS, null, null).getOffers().getOffers(0);
            int port = freePort(offer);
            Protos.TaskInfo.Builder task = Protos.TaskInfo.newBuilder().setName("action")
                .setTaskId(Protos.TaskID.newBuilder().setValue("action")).setAgentId(offer.getAgentId())
                .addResources(scalar("cpus", 0.25)).addResources(scalar("mem", 256))
                .addResources(Protos.Resource.newBuilder().setName("ports").setType(Protos.Value.Type.RANGES)
                    .setRanges(Protos.Value.Ranges.newBuilder().addRange(Protos.Value.Range.newBuilder()
                        .setBegin(port).setEnd(port))))
                .setCommand(Protos.CommandInfo.newBuilder().setShell(false))
                .setContainer(Protos.ContainerInfo.newBuilder().setType(Protos.ContainerInfo.Type.DOCKER)
                    .setDocker(Protos.ContainerInfo.DockerInfo.newBuilder().setImage("openwhisk/action-nodejs-v20")
                        .setNetwork(Protos.ContainerInfo.DockerInfo.Network.BRIDGE)
                        .addPortMappings(Protos.ContainerInfo.DockerInfo.PortMapping.newBuilder()
                            .setHostPort(port).setContainerPort(8080))));
            s.call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
                .addOfferIds(offer.getId()).addOperations(Protos.Offer.Operation.newBuilder()
                    .setType(Protos.Offer.Operation.Type.LAUNCH)
                    .setLaunch(Protos.Offer.Operation.Launch.newBuilder().addTaskInfos(task)))));

            TaskStatus running = next(Event.Type.UPDATE, "action", TaskState.TASK_RUNNING).getUpdate().getStatus();
            Matcher pid = Pattern.compile("\"Pid\": (\\d+)").matcher(running.getData().toStringUtf8());
            assertTrue(pid.find(), running.getData().toStringUtf8());
            ProcessHandle proxy = ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow();

            HttpResponse<String> init = post(port, "/init", "{\"value\":{\"name\":\"hello\",\"main\":\"main\","
                + "\"code\":\"function main(p) { return {hello: p.name}; }\"}}");
            assertEquals(200, init.statusCode(), init.body());
            HttpResponse<String> run = post(port, "/run", "{\"value\":{\"name\":\"Felix\"}}");
            assertEquals("{\"hello\":\"Felix\"}", run.body());

            s.call(Call.newBuilder().setType(Call.Type.KILL).setKill(Call.Kill.newBuilder()
                .setTaskId(running.getTaskId()).setAgentId(running.getAgentId())));
            TaskStatus killed = next(Event.Type.UPDATE, "action", TaskState.TASK_KILLED).getUpdate().getStatus();
            assertEquals("Container exited with status 143", killed.getMessage());
            Await.until("the proxy process ends", TIMEOUT, () -> !proxy.isAlive());
        }
    }

    private static Protos.Resource scalar(String name, double value) {
        return Protos.Resource.newBuilder().setName(name).setType(Protos.Value.Type.SCALAR)
            .setScalar(Protos.Value.Scalar.newBuilder().setValue(value)).build();
    }
}
