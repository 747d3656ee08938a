package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad HTTP input never crashes, hangs or exhausts the emulator, and gets an answer in Mesos's style. */
class BadRequestTest {

    static MesosEmulator emu;

    @BeforeAll
    static void start() {
        emu = MesosEmulator.builder().agents(1).start();
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    private static Socket connect() throws Exception {
        URI master = emu.leaderUri();
        Socket s = new Socket(master.getHost(), master.getPort());
        s.setSoTimeout((int) TestScheduler.WAIT.toMillis());
        return s;
    }

    private static String headers(String extra) {
        return "POST /api/v1/scheduler HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + extra + "\r\n";
    }

    /** Everything the server sends until it closes the connection (a read timeout fails the test). */
    private static String readToEnd(Socket s) throws Exception {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0;) {
                seen.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open after " + TestScheduler.WAIT + "; got: " + seen, e);
        } catch (java.net.SocketException e) {
            // reset after the answer: the server closed without reading what we sent
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void declaredBodyLargerThanTheLimitIs413WithoutReadingIt() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(headers("Content-Length: " + (256L << 20) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readToEnd(s);
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.contains("Request body is larger than the emulator's limit of 16777216 bytes"), answer);
        }
    }

    @Test
    void chunkedBodyLargerThanTheLimitIs413() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(headers("Transfer-Encoding: chunked\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try {
                for (int i = 0; i < 20; i++) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (java.net.SocketException e) {
                // the server answered and closed before we were done sending
            }
            String answer = readToEnd(s);
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        }
    }

    @Test
    void bodyShorterThanItsContentLengthIs408AndTheConnectionCloses() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write((headers("Content-Length: 100\r\n") + "{\"type\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readToEnd(s); // bounded: the body may pause 10 s at most
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertTrue(answer.contains("Request body did not arrive"), answer);
        }
    }

    @Test
    void deeplyNestedJsonIs400WithAMessage() throws Exception {
        String body = "[".repeat(200_000) + "]".repeat(200_000);
        HttpResponse<String> r = TestScheduler.HTTP.send(HttpRequest.newBuilder(emu.leaderUri()
                .resolve("/api/v1/scheduler")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("Failed to parse body into JSON: ") && r.body().contains("nesting depth"),
            r.body());
        assertTrue(r.body().length() < 300, r.body());
        // and the emulator still serves
        assertEquals(200, TestScheduler.HTTP.send(HttpRequest.newBuilder(emu.leaderUri().resolve("/state")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
