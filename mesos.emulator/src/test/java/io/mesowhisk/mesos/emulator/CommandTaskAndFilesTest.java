package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** As Mesos behaves: command tasks as real processes, sandbox, environment, agent /state and /files. */
class CommandTaskAndFilesTest {

    MesosEmulator emu;
    TestScheduler s;

    @BeforeEach
    void start() throws Exception {
        emu = TestScheduler.oneAgent().start();
        s = new TestScheduler(emu.leaderUri(), true);
        s.subscribe(TestScheduler.info().build());
    }

    @AfterEach
    void stop() {
        s.close();
        emu.close();
    }

    private TaskStatus runToEnd(String id, TaskState end) throws Exception {
        s.ack(s.awaitUpdate(id, TaskState.TASK_STARTING));
        s.ack(s.awaitUpdate(id, TaskState.TASK_RUNNING));
        TaskStatus last = s.awaitUpdate(id, end);
        s.ack(last);
        return last;
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return TestScheduler.HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String q(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    @Test
    void exitZeroFinishesAndStdoutIsReadableThroughFiles() throws Exception {
        Protos.Offer o = s.firstOffer();
        s.launch(o, TestScheduler.commandTask("echo", o,
            "echo \"$MESOS_EXECUTOR_ID|$MESOS_SANDBOX|${PORT0:-none}|$MESOS_FRAMEWORK_ID\"").build());
        TaskStatus done = runToEnd("echo", TaskState.TASK_FINISHED);
        assertEquals("Command exited with status 0", done.getMessage());
        // the agent's /state names the executor's sandbox directory
        String state = get(emu.agentUri(0).resolve("/state")).body();
        String dir = s.runs(emu, "echo").toString();
        assertTrue(state.contains("\"directory\":\"" + dir + "/"), state);
        String stdout = dir + "/latest/stdout";
        // no offset: empty data and the file size
        HttpResponse<String> end = get(emu.agentUri(0).resolve("/files/read?path=" + q(stdout)));
        assertEquals(200, end.statusCode());
        String expected = "echo|" + dir.substring(0, dir.length()) + "/";
        assertTrue(end.body().startsWith("{\"data\":\"\",\"offset\":"), end.body());
        HttpResponse<String> all = get(emu.agentUri(0).resolve("/files/read?path=" + q(stdout) + "&offset=0"));
        assertTrue(all.body().startsWith("{\"data\":\"" + expected), all.body());
        assertTrue(all.body().contains("|none|" + s.frameworkId + "\\n\""), all.body());
        HttpResponse<String> part = get(emu.agentUri(0).resolve("/files/read?path=" + q(stdout)
            + "&offset=1&length=3"));
        assertEquals("{\"data\":\"cho\",\"offset\":1}", part.body());
        assertEquals(400, get(emu.agentUri(0).resolve("/files/read?path=" + q(dir + "/latest"))).statusCode());
        assertEquals("Expecting 'path=value' in query.\n", get(emu.agentUri(0).resolve("/files/read")).body());
        assertEquals(404, get(emu.agentUri(0).resolve("/files/read?path=/nowhere")).statusCode());
        HttpResponse<String> browse = get(emu.agentUri(0).resolve("/files/browse?path="
            + q("/frameworks/" + s.frameworkId + "/executors/echo/runs/latest")));
        assertTrue(browse.body().contains("/runs/latest/stderr\"") && browse.body().contains("/runs/latest/stdout\""),
            browse.body());
    }

    @Test
    void readIsCappedAt64KiB() throws Exception {
        Protos.Offer o = s.firstOffer();
        s.launch(o, TestScheduler.commandTask("big", o, "head -c 100000 /dev/zero | tr '\\0' a").build());
        runToEnd("big", TaskState.TASK_FINISHED);
        String path = "/frameworks/" + s.frameworkId + "/executors/big/runs/latest/stdout";
        String body = get(emu.agentUri(0).resolve("/files/read?path=" + q(path) + "&offset=0")).body();
        assertEquals("{\"data\":\"" + "a".repeat(65536) + "\",\"offset\":0}", body);
        assertEquals("{\"data\":\"\",\"offset\":100000}",
            get(emu.agentUri(0).resolve("/files/read?path=" + q(path))).body());
    }

    @Test
    void nonZeroExitFailsAndArgvFormRuns() throws Exception {
        Protos.Offer o = s.firstOffer();
        s.launch(o, TestScheduler.commandTask("fail", o, "exit 3").build(),
            TestScheduler.commandTask("argv", o, "/bin/sh").setCommand(Protos.CommandInfo.newBuilder()
                .setShell(false).setValue("/bin/sh").addArguments("sh").addArguments("-c")
                .addArguments("exit 0")).build());
        assertEquals("Command exited with status 3", runToEnd("fail", TaskState.TASK_FAILED).getMessage());
        runToEnd("argv", TaskState.TASK_FINISHED);
    }

    @Test
    void killSendsSigtermAndHonoursGrace() throws Exception {
        Protos.Offer o = s.firstOffer();
        s.launch(o, TestScheduler.commandTask("sleep", o, "exec sleep 60").build());
        s.ack(s.awaitUpdate("sleep", TaskState.TASK_STARTING));
        s.ack(s.awaitUpdate("sleep", TaskState.TASK_RUNNING));
        s.post(s.call(Call.Type.KILL).setKill(Call.Kill.newBuilder()
            .setTaskId(Protos.TaskID.newBuilder().setValue("sleep"))).build());
        TaskStatus killed = s.awaitUpdate("sleep", TaskState.TASK_KILLED);
        assertEquals("Command terminated with signal Terminated", killed.getMessage());
    }

    @Test
    void tcpHealthCheckReallyProbes() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0)) {
            Protos.Offer o = s.firstOffer();
            s.launch(o, TestScheduler.commandTask("hc", o, "exec sleep 60").setHealthCheck(Protos.HealthCheck
                .newBuilder().setType(Protos.HealthCheck.Type.TCP).setDelaySeconds(0).setIntervalSeconds(0.05)
                .setTcp(Protos.HealthCheck.TCPCheckInfo.newBuilder().setPort(server.getLocalPort()))).build());
            s.ack(s.awaitUpdate("hc", TaskState.TASK_STARTING));
            s.ack(s.awaitUpdate("hc", TaskState.TASK_RUNNING));
            TaskStatus healthy = s.await(e -> e.getType() == Event.Type.UPDATE
                && e.getUpdate().getStatus().hasHealthy()).getUpdate().getStatus();
            assertTrue(healthy.getHealthy());
            assertEquals(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, healthy.getReason());
        }
    }

    @Test
    void masterStateViewListsFrameworksAgentsTasks() throws Exception {
        Protos.Offer o = s.firstOffer();
        s.launch(o, TestScheduler.commandTask("st", o, "exec sleep 60").build());
        s.awaitUpdate("st", TaskState.TASK_STARTING);
        String state = get(emu.leaderUri().resolve("/state")).body();
        com.google.protobuf.Struct.Builder b = com.google.protobuf.Struct.newBuilder();
        JsonFormat.parser().merge(state, b); // valid JSON
        assertTrue(state.contains("\"id\":\"st\""), state);
        assertTrue(state.contains("\"slaves\":[{\"id\":\"" + emu.agentId(0) + "\""), state);
        assertEquals(state.substring(0, 20), emu.stateJson().substring(0, 20));
    }

    @Test
    void sigkillFollowsWhenSigtermIsIgnored() throws Exception {
        Protos.Offer o = s.firstOffer();
        s.launch(o, TestScheduler.commandTask("stubborn", o, "trap '' TERM; exec sleep 60").build());
        s.ack(s.awaitUpdate("stubborn", TaskState.TASK_STARTING));
        s.ack(s.awaitUpdate("stubborn", TaskState.TASK_RUNNING));
        s.post(s.call(Call.Type.KILL).setKill(Call.Kill.newBuilder()
            .setTaskId(Protos.TaskID.newBuilder().setValue("stubborn"))
            .setKillPolicy(Protos.KillPolicy.newBuilder().setGracePeriod(Protos.DurationInfo.newBuilder()
                .setNanoseconds(100_000_000L)))).build());
        assertEquals("Command terminated with signal Killed",
            s.awaitUpdate("stubborn", TaskState.TASK_KILLED).getMessage());
    }

    @Test
    void httpAndCommandHealthChecksReallyProbe() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health", ex -> {
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        try {
            Protos.Offer o = s.firstOffer();
            s.launch(o, TestScheduler.commandTask("http", o, "exec sleep 60").setHealthCheck(Protos.HealthCheck
                    .newBuilder().setType(Protos.HealthCheck.Type.HTTP).setDelaySeconds(0).setIntervalSeconds(0.05)
                    .setHttp(Protos.HealthCheck.HTTPCheckInfo.newBuilder().setPort(server.getAddress().getPort())
                        .setPath("/health"))).build(),
                TestScheduler.commandTask("cmd", o, "exec sleep 60").setHealthCheck(Protos.HealthCheck.newBuilder()
                    .setType(Protos.HealthCheck.Type.COMMAND).setDelaySeconds(0).setIntervalSeconds(0.05)
                    .setGracePeriodSeconds(0).setConsecutiveFailures(2)
                    .setCommand(Protos.CommandInfo.newBuilder().setValue("exit 1"))).build());
            for (String id : new String[] {"http", "cmd"}) {
                s.ack(s.awaitUpdate(id, TaskState.TASK_STARTING));
                s.ack(s.awaitUpdate(id, TaskState.TASK_RUNNING));
            }
            TaskStatus healthy = s.await(e -> e.getType() == Event.Type.UPDATE
                && e.getUpdate().getStatus().getTaskId().getValue().equals("http")
                && e.getUpdate().getStatus().hasHealthy()).getUpdate().getStatus();
            assertTrue(healthy.getHealthy());
            s.ack(healthy);
            // the failing command check reports unhealthy, then the task is killed after 2 failures
            TaskStatus unhealthy = s.await(e -> e.getType() == Event.Type.UPDATE
                && e.getUpdate().getStatus().getTaskId().getValue().equals("cmd")
                && e.getUpdate().getStatus().hasHealthy()).getUpdate().getStatus();
            assertTrue(!unhealthy.getHealthy());
            s.ack(unhealthy);
            s.ack(s.await(e -> e.getType() == Event.Type.UPDATE
                && e.getUpdate().getStatus().getTaskId().getValue().equals("cmd")
                && e.getUpdate().getStatus().getState() == TaskState.TASK_RUNNING).getUpdate().getStatus());
            TaskStatus killed = s.awaitUpdate("cmd", TaskState.TASK_KILLED);
            assertTrue(killed.hasHealthy() && !killed.getHealthy());
        } finally {
            server.stop(0);
        }
    }
}
