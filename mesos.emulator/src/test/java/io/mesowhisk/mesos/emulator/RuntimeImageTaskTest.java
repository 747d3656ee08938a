package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runtime images: a docker task whose image is mapped to a local command runs it as a real process, here mostly the
 * bundled Node.js action proxy run by the {@code node} on the PATH (Node.js 20 is installed wherever the build runs).
 */
class RuntimeImageTaskTest {

    private static final String SENTINEL = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX";
    private static final String IMAGE = "openwhisk/action-nodejs-v20:1.23.0";

    MesosEmulator emu;
    TestScheduler s;
    int hostPort;

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
        if (emu != null) {
            emu.close();
        }
    }

    /** An emulator whose one agent offers a single port, free when the test starts (no fixed ports). */
    private void start(MesosEmulator.Builder b) throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            hostPort = free.getLocalPort();
        }
        emu = b.defaultAgent(AgentSpec.of("cpus:4;mem:4096;ports:[" + hostPort + "-" + hostPort + "]", "")).start();
        s = new TestScheduler(emu.leaderUri(), true);
        s.subscribed(TestScheduler.info().addCapabilities(TestScheduler.cap(
            Protos.FrameworkInfo.Capability.Type.TASK_KILLING_STATE)).build());
    }

    /** As OpenWhisk's Mesos factory builds an action container: bridge network, host port → 8080, env. */
    private Protos.TaskInfo actionTask(String id, Protos.Offer offer, String image) {
        Protos.TaskInfo.Builder t = TestScheduler.dockerTask(id, offer, 0.25, 256)
            .addResources(Protos.Resource.newBuilder().setName("ports").setType(Protos.Value.Type.RANGES)
                .setRanges(Protos.Value.Ranges.newBuilder().addRange(Protos.Value.Range.newBuilder()
                    .setBegin(hostPort).setEnd(hostPort))))
            .setCommand(Protos.CommandInfo.newBuilder().setShell(false).setEnvironment(Protos.Environment.newBuilder()
                .addVariables(Protos.Environment.Variable.newBuilder().setName("__OW_API_HOST")
                    .setValue("https://whisk.example"))));
        t.getContainerBuilder().getDockerBuilder().setImage(image)
            .setNetwork(Protos.ContainerInfo.DockerInfo.Network.BRIDGE)
            .addPortMappings(Protos.ContainerInfo.DockerInfo.PortMapping.newBuilder().setHostPort(hostPort)
                .setContainerPort(8080).setProtocol("tcp"));
        return t.build();
    }

    /** The next offer that holds the agent's one port (released by a task that ended). */
    private Protos.Offer offerWithThePort() throws InterruptedException {
        while (true) {
            Protos.Offer o = s.firstOffer();
            if (o.getResourcesList().stream().anyMatch(r -> r.getName().equals("ports"))) {
                return o;
            }
        }
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return TestScheduler.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + path))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** The whole file as the agent's {@code /files/read} serves it (JSON, data escaped). */
    private String read(String file) throws Exception {
        String path = s.runs(emu, "t").resolve("latest").resolve(file).toString();
        HttpResponse<String> r = TestScheduler.HTTP.send(HttpRequest.newBuilder(emu.agentUri(0).resolve(
            "/files/read?offset=0&path=" + URLEncoder.encode(path, StandardCharsets.UTF_8))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    /** The pid the docker inspect data of TASK_RUNNING reports. */
    private static long pid(TaskStatus running) {
        Matcher m = Pattern.compile("\"Pid\": (\\d+)").matcher(running.getData().toStringUtf8());
        assertTrue(m.find(), running.getData().toStringUtf8());
        return Long.parseLong(m.group(1));
    }

    private static void awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TestScheduler.WAIT.toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("process " + pid + " still runs");
            }
            Thread.sleep(20);
        }
    }

    private void kill(String id, Duration grace) throws Exception {
        Call.Kill.Builder k = Call.Kill.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue(id));
        if (grace != null) {
            k.setKillPolicy(Protos.KillPolicy.newBuilder().setGracePeriod(Protos.DurationInfo.newBuilder()
                .setNanoseconds(grace.toNanos())));
        }
        assertEquals(202, s.post(s.call(Call.Type.KILL).setKill(k).build()).statusCode());
    }

    @Test
    void nodejsActionInitRunLogsAndKill() throws Exception {
        start(TestScheduler.oneAgent().defaultRuntimes());
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, IMAGE));
        TaskStatus running = s.started("t");
        long pid = pid(running);
        assertTrue(ProcessHandle.of(pid).isPresent(), "the proxy runs as process " + pid);

        // /run before /init, as OpenWhisk's runtime answers it
        assertEquals(403, post("/run", "{\"value\":{}}").statusCode());
        String code = "function main(params) {\\n"
            + "  console.log('out ' + params.name + ' ' + process.env.__OW_ACTIVATION_ID + ' '"
            + " + process.env.__OW_API_HOST + ' ' + process.env.GREETING);\\n"
            + "  console.error('err ' + params.name);\\n"
            + "  return new Promise(resolve => setTimeout(() => resolve({greeting: 'hello ' + params.name}), 10));\\n"
            + "}";
        HttpResponse<String> init = post("/init", "{\"value\":{\"name\":\"hello\",\"main\":\"main\",\"binary\":false,"
            + "\"code\":\"" + code + "\",\"env\":{\"GREETING\":\"hi\"}}}");
        assertEquals(200, init.statusCode(), init.body());
        assertEquals("{\"OK\":true}", init.body());
        HttpResponse<String> again = post("/init", "{\"value\":{\"main\":\"main\",\"code\":\"function main(){}\"}}");
        assertEquals(403, again.statusCode());
        assertEquals("{\"error\":\"Cannot initialize the action more than once.\"}", again.body());

        HttpResponse<String> run = post("/run", "{\"value\":{\"name\":\"Ada\"},\"activation_id\":\"a1\","
            + "\"namespace\":\"guest\",\"action_name\":\"/guest/hello\",\"deadline\":\"" + Long.MAX_VALUE + "\"}");
        assertEquals(200, run.statusCode(), run.body());
        assertEquals("{\"greeting\":\"hello Ada\"}", run.body());

        // the sentinel is written before the answer, so the files already hold it
        assertEquals("{\"data\":\"out Ada a1 https://whisk.example hi\\n" + SENTINEL + "\\n\",\"offset\":0}",
            read("stdout"));
        assertEquals("{\"data\":\"err Ada\\n" + SENTINEL + "\\n\",\"offset\":0}", read("stderr"));

        kill("t", null);
        s.ack(s.awaitUpdate("t", TaskState.TASK_KILLING));
        TaskStatus killed = s.awaitUpdate("t", TaskState.TASK_KILLED);
        assertEquals("Container exited with status 143", killed.getMessage()); // SIGTERM, as docker reports it
        awaitGone(pid);
    }

    @Test
    void anActionThatThrowsStopsTheProxyAsOpenWhisksRuntimeDoes() throws Exception {
        start(TestScheduler.oneAgent().defaultRuntimes());
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, "docker.io/openwhisk/action-nodejs-v18"));
        s.started("t");
        assertEquals(200, post("/init", "{\"value\":{\"main\":\"main\",\"code\":"
            + "\"function main() { throw new Error('boom'); }\"}}").statusCode());
        HttpResponse<String> run = post("/run", "{\"value\":{}}");
        assertEquals(502, run.statusCode());
        assertEquals("{\"error\":\"An error has occurred: Error: boom\"}", run.body());
        assertEquals("{\"error\":\"System not ready, status is stopped.\"}", post("/run", "{\"value\":{}}").body());
        assertTrue(read("stderr").contains("Error: boom"), read("stderr"));
        assertTrue(read("stderr").contains(SENTINEL), read("stderr"));
        assertTrue(read("stdout").contains(SENTINEL), read("stdout"));
    }

    @Test
    void theProxyAnswersAsOpenWhisksNodejsRuntime() throws Exception {
        start(TestScheduler.oneAgent().defaultRuntimes());
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, IMAGE));
        s.started("t");
        assertEquals(500, post("/nothing", "{}").statusCode());
        HttpResponse<String> bad = post("/init", "{not json");
        assertEquals(500, bad.statusCode());
        assertEquals("{\"error\":\"Bad request.\"}", bad.body());
        assertEquals(403, post("/init", "{\"value\":{\"main\":\"main\"}}").statusCode(), "no code");
        // what main does is chosen by the parameter "call"
        String code = "function slow() { console.log('slow started');"
            + " return new Promise(r => setTimeout(() => r({done: true}), 3000)); }\\n"
            + "function reject() { return Promise.reject(new TypeError('bad input')); }\\n"
            + "function number() { return 42; }\\n"
            + "function main(p) { return {slow, reject, number}[p.call](); }";
        assertEquals(200, post("/init", "{\"value\":{\"main\":\"main\",\"code\":\"" + code + "\"}}").statusCode());

        HttpResponse<String> rejected = post("/run", "{\"value\":{\"call\":\"reject\"}}");
        assertEquals(200, rejected.statusCode(), "a rejected promise is an application error");
        assertTrue(rejected.body().startsWith("{\"error\":{\"name\":\"TypeError\",\"message\":\"bad input\""),
            rejected.body());
        HttpResponse<String> number = post("/run", "{\"value\":{\"call\":\"number\"}}");
        assertEquals(502, number.statusCode());
        assertEquals("{\"error\":\"The action did not return a dictionary.\"}", number.body());
        assertEquals(403, post("/run", "{\"value\":[1]}").statusCode(), "parameters that are no object");

        // one activation at a time unless the container's environment has __OW_ALLOW_CONCURRENT=true
        var slow = TestScheduler.HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort
            + "/run")).POST(HttpRequest.BodyPublishers.ofString("{\"value\":{\"call\":\"slow\"}}")).build(),
            HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + TestScheduler.WAIT.toNanos();
        while (!read("stdout").contains("slow started")) {
            assertTrue(System.nanoTime() < deadline, "the slow activation never started");
            Thread.sleep(20);
        }
        HttpResponse<String> busy = post("/run", "{\"value\":{\"call\":\"number\"}}");
        assertEquals(403, busy.statusCode());
        assertEquals("{\"error\":\"System not ready, status is running.\"}", busy.body());
        assertEquals("{\"done\":true}", slow.get(TestScheduler.WAIT.toSeconds(), TimeUnit.SECONDS).body());
    }

    @Test
    void aZippedActionLoadsAsAModule() throws Exception {
        start(TestScheduler.oneAgent().defaultRuntimes());
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, IMAGE));
        s.started("t");
        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(zip)) {
            z.putNextEntry(new java.util.zip.ZipEntry("package.json"));
            z.write("{\"name\":\"zipped\",\"main\":\"lib/action.js\"}".getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new java.util.zip.ZipEntry("lib/"));
            z.putNextEntry(new java.util.zip.ZipEntry("lib/action.js"));
            z.write(("const helper = require('./helper');\n"
                + "exports.handler = params => ({sum: helper.add(params.a, params.b)});\n")
                .getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new java.util.zip.ZipEntry("lib/helper.js"));
            z.write("exports.add = (a, b) => a + b;\n".getBytes(StandardCharsets.UTF_8));
        }
        String code = java.util.Base64.getEncoder().encodeToString(zip.toByteArray());
        HttpResponse<String> init = post("/init", "{\"value\":{\"main\":\"handler\",\"binary\":true,\"code\":\""
            + code + "\"}}");
        assertEquals(200, init.statusCode(), init.body());
        assertEquals("{\"sum\":5}", post("/run", "{\"value\":{\"a\":2,\"b\":3}}").body());
    }

    @Test
    void aBinaryActionThatIsNoZipFailsItsInit() throws Exception {
        start(TestScheduler.oneAgent().defaultRuntimes());
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, IMAGE));
        s.started("t");
        HttpResponse<String> init = post("/init", "{\"value\":{\"main\":\"main\",\"binary\":true,"
            + "\"code\":\"bm90IGEgemlw\"}}");
        assertEquals(502, init.statusCode());
        assertEquals("{\"error\":\"Initialization has failed due to: Error: the action is not a zip archive\"}",
            init.body());
        assertTrue(read("stdout").endsWith(SENTINEL + "\\n\",\"offset\":0}"), read("stdout"));
        assertTrue(read("stderr").contains(SENTINEL), read("stderr"));
    }

    @Test
    void theProcessExitingEndsTheTask() throws Exception {
        start(TestScheduler.oneAgent().defaultRuntimes());
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, IMAGE));
        long pid = pid(s.started("t"));
        assertEquals(200, post("/init", "{\"value\":{\"main\":\"main\",\"code\":"
            + "\"function main() { setTimeout(() => process.exit(3), 50); return {bye: true}; }\"}}").statusCode());
        assertEquals(200, post("/run", "{\"value\":{}}").statusCode());
        TaskStatus failed = s.awaitUpdate("t", TaskState.TASK_FAILED);
        assertEquals("Container exited with status 3", failed.getMessage());
        assertEquals(TaskStatus.Source.SOURCE_EXECUTOR, failed.getSource());
        awaitGone(pid);
    }

    @Test
    void aCommandThatEndsBeforeListeningFinishesOrFails() throws Exception {
        start(TestScheduler.oneAgent()
            .runtime("example/fails*", "sh -c 'echo leaving on $PORT; echo to-stderr >&2; exit 7'")
            .runtime("example/done", "sh -c 'exit 0'"));
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, "registry.example:5000/example/fails-fast:latest"));
        s.ack(s.awaitUpdate("t", TaskState.TASK_STARTING));
        TaskStatus failed = s.awaitUpdate("t", TaskState.TASK_FAILED);
        assertEquals("Container exited with status 7", failed.getMessage());
        s.ack(failed);
        assertEquals("{\"data\":\"leaving on " + hostPort + "\\n\",\"offset\":0}", read("stdout"));
        assertEquals("{\"data\":\"to-stderr\\n\",\"offset\":0}", read("stderr"));

        Protos.Offer again = offerWithThePort();
        s.launch(again, actionTask("u", again, "example/done"));
        s.ack(s.awaitUpdate("u", TaskState.TASK_STARTING));
        assertEquals("Container exited with status 0", s.awaitUpdate("u", TaskState.TASK_FINISHED).getMessage());
    }

    @Test
    void aHostPortInUseFailsTheTaskAsDockerRunFailsIt() throws Exception {
        start(TestScheduler.oneAgent().defaultRuntimes());
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new java.net.InetSocketAddress("127.0.0.1", hostPort));
            Protos.Offer o = s.firstOffer();
            s.launch(o, actionTask("t", o, IMAGE));
            s.ack(s.awaitUpdate("t", TaskState.TASK_STARTING));
            TaskStatus failed = s.awaitUpdate("t", TaskState.TASK_FAILED);
            // what OpenWhisk's Mesos client reads as a docker run failure, to retry with a new task id
            assertEquals("Container exited with status 125", failed.getMessage());
            assertEquals(TaskStatus.Source.SOURCE_EXECUTOR, failed.getSource());
        }
    }

    @Test
    void aMissingProgramFailsTheTaskNamingTheImageAndTheSetting() throws Exception {
        start(TestScheduler.oneAgent().runtime("openwhisk/action-nodejs-v*", "/nonexistent/node {nodejs-proxy}")
            .defaultRuntimes());
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, IMAGE));
        s.ack(s.awaitUpdate("t", TaskState.TASK_STARTING));
        TaskStatus failed = s.awaitUpdate("t", TaskState.TASK_FAILED);
        String m = failed.getMessage();
        assertEquals(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, failed.getReason());
        assertTrue(m.startsWith("Failed to launch container: "), m);
        assertTrue(m.contains("'" + IMAGE + "'"), m);
        assertTrue(m.contains("'openwhisk/action-nodejs-v*=/nonexistent/node {nodejs-proxy}'"
            + " (MesosEmulator.Builder.runtime)"), m);
        assertTrue(m.contains("/nonexistent/node"), m);
        assertTrue(m.contains("--runtime") && m.contains("whisk.mesos.local.runtimes")
            && m.contains("CONFIG_whisk_mesos_local_runtimes") && m.contains("mesos.emulator"), m);
    }

    @Test
    void aKillEscalatesToSigkillAfterTheGrace() throws Exception {
        // a server that ignores SIGTERM
        String server = "process.on('SIGTERM', () => console.log('ignoring SIGTERM'));"
            + " require('http').createServer((q, r) => r.end('up')).listen(+process.env.PORT, '127.0.0.1')";
        start(TestScheduler.oneAgent().runtime("example/stubborn", "node -e \"" + server + "\""));
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, "example/stubborn"));
        long pid = pid(s.started("t"));
        kill("t", Duration.ofMillis(300));
        s.ack(s.awaitUpdate("t", TaskState.TASK_KILLING));
        TaskStatus killed = s.awaitUpdate("t", TaskState.TASK_KILLED);
        assertEquals("Container exited with status 137", killed.getMessage());
        assertTrue(read("stdout").contains("ignoring SIGTERM"), read("stdout"));
        awaitGone(pid);
    }

    private static Protos.HealthCheck tcpCheck(int failures) {
        return Protos.HealthCheck.newBuilder().setType(Protos.HealthCheck.Type.TCP)
            .setTcp(Protos.HealthCheck.TCPCheckInfo.newBuilder().setPort(8080))
            .setDelaySeconds(0).setIntervalSeconds(0.2).setTimeoutSeconds(1).setGracePeriodSeconds(0)
            .setConsecutiveFailures(failures).build();
    }

    @Test
    void aTcpHealthCheckOnTheContainerPortProbesTheMappedHostPort() throws Exception {
        start(TestScheduler.oneAgent().defaultRuntimes());
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, IMAGE).toBuilder().setHealthCheck(tcpCheck(3)).build());
        s.started("t");
        TaskStatus healthy = s.awaitUpdate("t", TaskState.TASK_RUNNING);
        assertEquals(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, healthy.getReason());
        assertTrue(healthy.getHealthy());
    }

    @Test
    void aProcessThatStopsListeningIsKilledByItsHealthCheck() throws Exception {
        // listens, and closes its listener a moment after the first connection (the emulator's readiness probe)
        String server = "const s = require('http').createServer((q, r) => r.end('up'));"
            + " s.once('connection', () => setTimeout(() => s.close(), 300));"
            + " s.listen(+process.env.PORT, '127.0.0.1'); setInterval(() => {}, 1000)";
        start(TestScheduler.oneAgent().runtime("example/flaky", "node -e \"" + server + "\""));
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, "example/flaky").toBuilder().setHealthCheck(tcpCheck(2)).build());
        long pid = pid(s.started("t"));
        // healthy, then unhealthy twice: each update waits for the acknowledgement of the one before
        TaskStatus healthy = s.awaitUpdate("t", TaskState.TASK_RUNNING);
        assertTrue(healthy.getHealthy());
        s.ack(healthy);
        for (int i = 0; i < 2; i++) {
            TaskStatus unhealthy = s.awaitUpdate("t", TaskState.TASK_RUNNING);
            assertEquals(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, unhealthy.getReason());
            assertFalse(unhealthy.getHealthy());
            s.ack(unhealthy);
        }
        s.ack(s.awaitUpdate("t", TaskState.TASK_KILLING));
        TaskStatus killed = s.awaitUpdate("t", TaskState.TASK_KILLED);
        assertEquals("Container exited with status 143", killed.getMessage());
        assertTrue(killed.hasHealthy() && !killed.getHealthy(), killed.toString());
        awaitGone(pid);
    }

    @Test
    void aKillEndsTheWholeProcessTree() throws Exception {
        String server = "require('http').createServer((q, r) => r.end('up')).listen(+process.env.PORT, '127.0.0.1')";
        start(TestScheduler.oneAgent().runtime("example/tree",
            "sh -c \"sleep 600 & exec node -e \\\"" + server + "\\\"\""));
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, "example/tree"));
        long pid = pid(s.started("t"));
        java.util.List<ProcessHandle> children = ProcessHandle.of(pid).orElseThrow().children().toList();
        assertEquals(1, children.size(), "the sleep started before node");
        kill("t", null);
        s.ack(s.awaitUpdate("t", TaskState.TASK_KILLING));
        s.awaitUpdate("t", TaskState.TASK_KILLED);
        awaitGone(pid);
        awaitGone(children.get(0).pid());
    }

    @Test
    void childrenLeftBehindDieWithTheContainer() throws Exception {
        // sh ends at once; its child, orphaned, is no longer in its process tree
        start(TestScheduler.oneAgent().runtime("example/leaves-child", "sh -c 'sleep 600 & echo $!; exit 3'"));
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, "example/leaves-child"));
        s.ack(s.awaitUpdate("t", TaskState.TASK_STARTING));
        assertEquals("Container exited with status 3", s.awaitUpdate("t", TaskState.TASK_FAILED).getMessage());
        Matcher child = Pattern.compile("\"data\":\"(\\d+)\\\\n\"").matcher(read("stdout"));
        assertTrue(child.find(), read("stdout"));
        awaitGone(Long.parseLong(child.group(1)));
    }

    @Test
    void closingTheEmulatorEndsItsProcesses() throws Exception {
        start(TestScheduler.oneAgent().defaultRuntimes());
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, IMAGE));
        long pid = pid(s.started("t"));
        Optional<ProcessHandle> proxy = ProcessHandle.of(pid);
        assertTrue(proxy.isPresent());
        s.close();
        emu.close();
        assertFalse(proxy.get().isAlive(), "close() returns once the process is gone");
        emu = null;
        s = null;
    }

    @Test
    void imagesWithoutARuntimeStaySimulated() throws Exception {
        start(TestScheduler.oneAgent().defaultRuntimes().runtime("openwhisk/action-nodejs-v18", ""));
        Protos.Offer o = s.firstOffer();
        s.launch(o, actionTask("t", o, "openwhisk/action-nodejs-v18"));
        assertEquals(0, pid(s.started("t")), "an empty command keeps the image simulated");
        assertEquals("{\"data\":\"\",\"offset\":0}", read("stdout"));
    }
}
