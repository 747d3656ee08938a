package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone emulator as a user runs it, in a JVM of its own (its exit status, its output, and a temporary
 * directory of its own to check that nothing is left there).
 */
class CommandLineStartTest {

    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private ProcessBuilder command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + tmp,
            "io.mesowhisk.mesos.emulator.internal.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** Runs the emulator, which must exit by itself. */
    private Run run(String... args) throws Exception {
        Process p = command(args).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the emulator did not exit");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
            new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Asserts a start failure as a user must see it: status 2, one line naming {@code option}, nothing left over. */
    private void failsNaming(Run r, String option) throws Exception {
        assertEquals(2, r.exit(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("mesos-emulator: " + option), r.err());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "left in the temporary directory");
        }
    }

    @Test
    void portInUse() throws Exception {
        try (MesosEmulator other = MesosEmulator.builder().agents(0).start()) {
            Run r = run("--port", String.valueOf(other.leaderUri().getPort()));
            failsNaming(r, "--port");
            assertTrue(r.err().contains("is already in use"), r.err());
        }
    }

    @Test
    void unknownHost() throws Exception {
        failsNaming(run("--port", "0", "--host", "no-such-host.invalid"), "--host");
    }

    @Test
    void hostThatIsNotOurs() throws Exception {
        // TEST-NET-1 (RFC 5737): never an address of this machine
        failsNaming(run("--port", "0", "--host", "192.0.2.1"), "--host");
    }

    @Test
    void workDirThatIsAFile() throws Exception {
        Path file = Files.createTempFile("mesos-emulator-cli-test", ".file"); // outside the emulator's tmp
        try {
            failsNaming(run("--port", "0", "--work-dir", file.toString()), "--work-dir");
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void tooManyAgentsNamesTheFlag() throws Exception {
        Run r = run("--port", "0", "--agents", "300");
        failsNaming(r, "--agents 300");
        assertTrue(r.err().contains("--no-agent-http"), r.err());
    }

    /** Starts the emulator, reads its standard output up to the work dir line, and stops it. */
    private String startAndStop(List<String> errLines, String... args) throws Exception {
        Process p = command(args).start();
        try {
            StringBuilder out = new StringBuilder();
            Thread errReader = new Thread(() -> {
                try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                    for (String line; (line = err.readLine()) != null;) {
                        synchronized (errLines) {
                            errLines.add(line);
                        }
                    }
                } catch (java.io.IOException e) {
                    // process gone
                }
            });
            errReader.start();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null;) {
                    out.append(line).append('\n');
                    if (line.contains("work dir")) {
                        break;
                    }
                }
            }
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            errReader.join(10_000);
            return out.toString();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void noAgentHttpStarts() throws Exception {
        List<String> err = new ArrayList<>();
        String out = startAndStop(err, "--port", "0", "--agents", "300", "--no-agent-http");
        assertTrue(out.contains("agent 299 ") && out.contains("(no HTTP endpoint: --no-agent-http)"), out + err);
    }

    @Test
    void listeningBeyondLoopbackWithoutCredentialsWarns() throws Exception {
        List<String> err = new ArrayList<>();
        startAndStop(err, "--port", "0", "--agents", "0", "--host", "0.0.0.0");
        synchronized (err) {
            assertTrue(err.stream().anyMatch(l -> l.contains("WARN") && l.contains("can run any command")
                && l.contains("--credential")), String.join("\n", err));
        }
        err.clear();
        startAndStop(err, "--port", "0", "--agents", "0");
        synchronized (err) {
            assertTrue(err.stream().noneMatch(l -> l.contains("can run any command")), String.join("\n", err));
        }
    }
}
