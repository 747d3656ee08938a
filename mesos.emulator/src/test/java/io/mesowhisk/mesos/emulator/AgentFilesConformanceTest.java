package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * As Mesos behaves: the agent's {@code /files/browse|read|download} checked against Mesos's code
 * (src/files/files.cpp {@code FilesProcess::resolve/browse/_download}, src/common/http.cpp {@code model(FileInfo)},
 * src/common/protobuf_utils.cpp {@code createFileInfo}, libprocess process/mime.hpp).
 */
class AgentFilesConformanceTest {

    MesosEmulator emu;
    TestScheduler s;
    /** The run directory's real path, as the agent attaches it. */
    Path sandbox;
    /** The virtual path the agent attaches the run directory under. */
    String virtual;

    @TempDir
    Path outside;

    @BeforeEach
    void start() throws Exception {
        emu = TestScheduler.oneAgent().start();
        s = new TestScheduler(emu.leaderUri(), true);
        s.subscribe(TestScheduler.info().build());
        Protos.Offer o = s.await(Event.Type.OFFERS).getOffers().getOffers(0);
        // the task makes a FIFO (Java cannot), the test adds the rest once the task is done
        s.launch(o, TestScheduler.commandTask("files", o, "cd \"$MESOS_SANDBOX\" && mkfifo pipe").build());
        s.ack(s.awaitUpdate("files", TaskState.TASK_STARTING));
        s.ack(s.awaitUpdate("files", TaskState.TASK_RUNNING));
        s.ack(s.awaitUpdate("files", TaskState.TASK_FINISHED));
        sandbox = s.runs(emu, "files").resolve("latest").toRealPath();
        virtual = "/frameworks/" + s.frameworkId + "/executors/files/runs/latest";
    }

    @AfterEach
    void stop() {
        s.close();
        emu.close();
    }

    private HttpResponse<String> get(String endpoint, String path) throws Exception {
        URI uri = emu.agentUri(0).resolve(endpoint + "?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8));
        return TestScheduler.HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertAnswer(int status, String body, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(body, r.body());
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(sandbox.resolve(name), content);
    }

    /** One browse entry as model(FileInfo) writes it: keys sorted, mtime a double. */
    private static String entry(Path real, String virtualPath) throws Exception {
        String type = Files.isDirectory(real) ? "d" : Files.isRegularFile(real) ? "-" : "p";
        return "{\"gid\":\"" + Files.readAttributes(real, java.nio.file.attribute.PosixFileAttributes.class)
            .group().getName() + "\""
            + ",\"mode\":\"" + type + PosixFilePermissions.toString(Files.getPosixFilePermissions(real)) + "\""
            + ",\"mtime\":" + Files.getLastModifiedTime(real).toMillis() / 1000 + ".0"
            + ",\"nlink\":" + Files.getAttribute(real, "unix:nlink")
            + ",\"path\":\"" + virtualPath + "\""
            + ",\"size\":" + Files.size(real)
            + ",\"uid\":\"" + Files.getOwner(real).getName() + "\"}";
    }

    private static List<String> entries(String body) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\{[^{}]*\\}").matcher(body);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    @Test
    void browseOfAFileIsAnEmptyListing() throws Exception {
        write("notes.txt", "hello\n");
        assertAnswer(200, "[]", get("/files/browse", virtual + "/notes.txt"));
        assertAnswer(200, "[]", get("/files/browse", virtual + "/stdout"));
        // a missing entry and an unattached path are still 404, a missing path parameter 400
        assertAnswer(404, "", get("/files/browse", virtual + "/nothing-here"));
        assertAnswer(404, "", get("/files/browse", "/nowhere"));
        HttpResponse<String> noPath = TestScheduler.HTTP.send(HttpRequest.newBuilder(
            emu.agentUri(0).resolve("/files/browse")).build(), HttpResponse.BodyHandlers.ofString());
        assertAnswer(400, "Expecting 'path=value' in query.\n", noPath);
    }

    @Test
    void browseStatsThroughSymlinksAndWritesFileInfoLikeMesos() throws Exception {
        Path sub = Files.createDirectory(sandbox.resolve("sub"));
        write("sub/inner.txt", "x");
        Files.setLastModifiedTime(sub, FileTime.fromMillis(1_500_000_000_000L));
        Path data = write("data.json", "{\"k\":1}");
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(data, FileTime.fromMillis(1_600_000_000_500L));
        Files.createSymbolicLink(sandbox.resolve("linkdir"), Path.of("sub"));
        Files.createSymbolicLink(sandbox.resolve("alias.txt"), Path.of("data.json"));
        Files.createSymbolicLink(sandbox.resolve("dangling"), Path.of("no-such-target"));

        HttpResponse<String> r = get("/files/browse", virtual + "/");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        List<String> got = entries(r.body());
        // sorted by name, the dangling link left out (stat fails), the FIFO typed 'p'
        List<String> expected = new ArrayList<>();
        for (String name : new String[] {"alias.txt", "data.json", "linkdir", "pipe", "stderr", "stdout", "sub"}) {
            expected.add(entry(sandbox.resolve(name).toRealPath(), virtual + "/" + name));
        }
        assertEquals(expected, got);
        assertEquals("[" + String.join(",", expected) + "]", r.body());
        // the symlinks carry their targets' attributes: a directory, and the file's size, mode and mtime
        assertTrue(got.get(2).contains("\"mode\":\"d") && got.get(2).contains("\"mtime\":1500000000.0,"), got.get(2));
        assertEquals(got.get(1).replace("/data.json", "/alias.txt"), got.get(0));
        assertTrue(got.get(1).contains("\"mode\":\"-rw-r-----\",\"mtime\":1600000000.0,\"nlink\":1,"), got.get(1));
        assertTrue(got.get(3).contains("\"mode\":\"prw-"), got.get(3));
        assertFalse(r.body().contains("dangling"), r.body());
        // browsing through the symlinked directory lists the target
        assertEquals("[" + entry(sub.resolve("inner.txt"), virtual + "/linkdir/inner.txt") + "]",
            get("/files/browse", virtual + "/linkdir").body());
    }

    @Test
    void pathsResolvingOutsideTheSandboxAreInaccessible() throws Exception {
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(sandbox.resolve("out"), outside);
        String real = sandbox.toString();
        for (String endpoint : new String[] {"/files/read", "/files/browse", "/files/download"}) {
            assertAnswer(400, "'" + real + "/out/secret.txt' is inaccessible.\n",
                get(endpoint, virtual + "/out/secret.txt"));
            assertAnswer(400, "'" + real + "/out' is inaccessible.\n", get(endpoint, virtual + "/out"));
            assertAnswer(400, "'" + real + "/..' is inaccessible.\n", get(endpoint, virtual + "/.."));
            // nothing there is a 404 before any escape check
            assertAnswer(404, "", get(endpoint, virtual + "/../no-such-run"));
        }
    }

    private HttpResponse<String> readFrom(String path) throws Exception {
        URI uri = emu.agentUri(0).resolve("/files/read?offset=0&path="
            + URLEncoder.encode(path, StandardCharsets.UTF_8));
        return TestScheduler.HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void resolutionFollowsMesosStringRules() throws Exception {
        write("notes.txt", "hello");
        Files.createDirectory(sandbox.resolve("sub"));
        // '..' inside the sandbox, a doubled '/', a trailing '/' and a file:// prefix all resolve
        assertAnswer(200, "{\"data\":\"hello\",\"offset\":0}", readFrom(virtual + "/sub/../notes.txt"));
        assertAnswer(200, "{\"data\":\"hello\",\"offset\":0}", readFrom(virtual + "//notes.txt"));
        assertAnswer(200, "{\"data\":\"hello\",\"offset\":0}", readFrom(virtual + "/notes.txt/"));
        assertAnswer(200, "{\"data\":\"hello\",\"offset\":0}", readFrom("file://" + virtual + "/notes.txt"));
        // a file used as a directory is ENOTDIR for realpath: not found
        assertAnswer(404, "", readFrom(virtual + "/notes.txt/."));
        assertAnswer(404, "", readFrom(virtual + "/notes.txt/x"));
        // a symlink loop is a realpath error other than ENOENT/ENOTDIR: 400 with strerror's text
        Files.createSymbolicLink(sandbox.resolve("loop1"), Path.of("loop2"));
        Files.createSymbolicLink(sandbox.resolve("loop2"), Path.of("loop1"));
        assertAnswer(400, "Failed to determine canonical path of '" + sandbox + "/loop1': "
            + "Too many levels of symbolic links.\n", readFrom(virtual + "/loop1"));
        // the containment check is strings::startsWith on the real paths: a sibling whose name extends the run
        // directory's passes, as it does in Mesos
        Path sibling = Files.createDirectory(sandbox.resolveSibling(sandbox.getFileName() + "-sibling"));
        Files.writeString(sibling.resolve("f.txt"), "sib");
        Files.createSymbolicLink(sandbox.resolve("sib"), sibling);
        assertAnswer(200, "{\"data\":\"sib\",\"offset\":0}", readFrom(virtual + "/sib/f.txt"));
    }

    @Test
    void downloadNamesTheFileAndPicksTheTypeFromTheExtension() throws Exception {
        write("notes.txt", "hello\n");
        write("NOTES.TXT", "upper");
        write("page.html", "<p>");
        write("data.json", "{}");
        write("logs.tar.gz", "gz");
        write(".profile", "p");
        write("README", "r");
        Files.createSymbolicLink(sandbox.resolve("alias.txt"), Path.of("data.json"));
        String[][] cases = {
            {"notes.txt", "text/plain", "notes.txt", "hello\n"},
            {"NOTES.TXT", "application/octet-stream", "NOTES.TXT", "upper"}, // the lookup is case-sensitive
            {"page.html", "text/html", "page.html", "<p>"},
            {"data.json", "application/octet-stream", "data.json", "{}"}, // .json is not in libprocess's table
            {"logs.tar.gz", "application/octet-stream", "logs.tar.gz", "gz"}, // only the last extension counts
            {".profile", "application/octet-stream", ".profile", "p"},
            {"README", "application/octet-stream", "README", "r"},
            {"alias.txt", "application/octet-stream", "data.json", "{}"}, // name and type of the resolved file
            {"stdout", "application/octet-stream", "stdout", ""},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = get("/files/download", virtual + "/" + c[0]);
            assertEquals(200, r.statusCode(), c[0] + ": " + r.body());
            assertEquals(c[1], r.headers().firstValue("Content-Type").orElse(""), c[0]);
            assertEquals("attachment; filename=" + c[2], r.headers().firstValue("Content-Disposition").orElse(""),
                c[0]);
            assertEquals(c[3], r.body(), c[0]);
            assertEquals(String.valueOf(c[3].length()), r.headers().firstValue("Content-Length").orElse(""), c[0]);
        }
        assertAnswer(400, "Cannot download a directory.\n", get("/files/download", virtual));
        assertAnswer(404, "", get("/files/download", virtual + "/missing.txt"));
    }
}
