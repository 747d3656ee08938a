package io.mesowhisk.whisk.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.mesowhisk.whisk.LogResult;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Reads a task's stdout and stderr from its agent's sandbox through the agent's {@code GET /files/read}
 * ({@code path}, {@code offset}, {@code length}), continuing each call where the previous one stopped.
 *
 * <p>The sandbox is addressed by the agent's virtual path {@code /frameworks/<framework>/executors/<executor>/runs/
 * latest}, which Mesos attaches for every executor. Offsets are bytes: the agent sends the file's bytes as they
 * are inside a JSON string, so the answer is read as ISO-8859-1 (one character per byte) and each line decoded as
 * UTF-8 afterwards; a multi-byte character is never split between lines, and offsets never drift.
 *
 * <p>Only complete lines are consumed while the task runs (a half-written line is read again next time); once
 * the task has ended, what is left is consumed too. A line that equals OpenWhisk's activation sentinel ends that
 * stream for this call and is left out. The limit counts the bytes of the lines returned; past it, lines are
 * dropped (still consumed, so the next activation starts at its own output) and OpenWhisk's truncation notice is
 * added.
 *
 * <p>Calls are serialized: a call starts when the previous one has finished. Thread-safe; nothing blocks.
 */
final class SandboxLogReader {

    /** OpenWhisk's end-of-activation marker, written by the action proxy to stdout and stderr after each run. */
    static final String SENTINEL = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX";
    /** Bytes asked for per read; Mesos caps a read at 16 pages anyway. */
    static final int CHUNK = 64 * 1024;
    private static final long POLL_MILLIS = 50;

    private final HttpClient http;
    private final URI agent;
    private final String directory;
    private final Duration idleWait;
    private final Duration requestTimeout;
    private final StreamState[] streams = {new StreamState("stdout"), new StreamState("stderr")};
    private CompletableFuture<?> previous = CompletableFuture.completedFuture(null);

    /**
     * @param agent the agent's HTTP base URL
     * @param frameworkId the task's framework
     * @param executorId the task's executor (the task id for command and docker tasks)
     * @param idleWait while waiting for the sentinel: give up after this long without new output
     */
    SandboxLogReader(HttpClient http, URI agent, String frameworkId, String executorId, Duration idleWait) {
        this.http = http;
        String base = agent.toString();
        this.agent = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.directory = "/frameworks/" + frameworkId + "/executors/" + executorId + "/runs/latest";
        this.idleWait = idleWait;
        this.requestTimeout = Duration.ofSeconds(10);
    }

    /** The sandbox directory as the agent's {@code /files} knows it. */
    String directory() {
        return directory;
    }

    /**
     * The output since the previous call.
     *
     * @param limitBytes bytes of log text to return at most
     * @param waitForSentinel wait for the sentinel on both streams (bounded by the idle wait and the task's end)
     * @param ended whether the task has ended (nothing more will be written)
     * @return the lines; exceptionally when the agent cannot be reached or answers with an error
     */
    synchronized CompletionStage<LogResult> read(long limitBytes, boolean waitForSentinel, BooleanSupplier ended) {
        if (limitBytes < 0) {
            throw new IllegalArgumentException("the log limit must not be negative, got " + limitBytes);
        }
        CompletableFuture<LogResult> result = new CompletableFuture<>();
        CompletableFuture<?> before = previous;
        previous = result.handle((r, e) -> null);
        before.whenComplete((r, e) -> new Call(limitBytes, waitForSentinel, ended, result).round());
        return result;
    }

    /** Where a stream stands between calls. Only touched by the one call in progress. */
    private static final class StreamState {
        final String name;
        long offset;

        StreamState(String name) {
            this.name = name;
        }
    }

    /** One {@link #read} in progress. */
    private final class Call {
        final long limit;
        final boolean waitForSentinel;
        final BooleanSupplier ended;
        final CompletableFuture<LogResult> result;
        final List<String> lines = new ArrayList<>();
        final boolean[] sentinel = new boolean[2];
        long bytes;
        boolean truncated;
        long lastProgress = System.nanoTime();

        Call(long limit, boolean waitForSentinel, BooleanSupplier ended, CompletableFuture<LogResult> result) {
            this.limit = limit;
            this.waitForSentinel = waitForSentinel;
            this.ended = ended;
            this.result = result;
        }

        /** Reads each stream that is not finished once; then completes or schedules the next round. */
        void round() {
            boolean endedBefore = ended.getAsBoolean();
            CompletableFuture<Boolean> out = sentinel[0] ? CompletableFuture.completedFuture(false) : readChunk(0, endedBefore);
            out.thenCompose(moreOut -> (sentinel[1] ? CompletableFuture.completedFuture(false)
                    : readChunk(1, endedBefore)).thenApply(moreErr -> moreOut || moreErr))
                    .whenComplete((more, failure) -> {
                        if (failure != null) {
                            result.completeExceptionally(failure instanceof java.util.concurrent.CompletionException
                                    && failure.getCause() != null ? failure.getCause() : failure);
                            return;
                        }
                        next(more, endedBefore);
                    });
        }

        private void next(boolean more, boolean endedBefore) {
            boolean bothSentinels = sentinel[0] && sentinel[1];
            if (bothSentinels) {
                finish();
            } else if (more) {
                round(); // a full chunk: more is there now
            } else if (!waitForSentinel || endedBefore
                    || System.nanoTime() - lastProgress > idleWait.toNanos()) {
                finish();
            } else {
                CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS).execute(this::round);
            }
        }

        private void finish() {
            if (truncated) {
                lines.add(logLine("stderr", "Logs were truncated because the total bytes size exceeds the limit of "
                        + limit + " bytes."));
            }
            result.complete(new LogResult(lines, truncated, sentinel[0] && sentinel[1]));
        }

        /** Reads one chunk of a stream and consumes its complete lines; true when the chunk was full. */
        private CompletableFuture<Boolean> readChunk(int index, boolean taskEnded) {
            StreamState stream = streams[index];
            URI uri = URI.create(agent + "/files/read?path="
                    + URLEncoder.encode(directory + "/" + stream.name, StandardCharsets.UTF_8)
                    + "&offset=" + stream.offset + "&length=" + CHUNK);
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build();
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
                String body = new String(response.body(), StandardCharsets.ISO_8859_1);
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("the agent answered HTTP " + response.statusCode() + " to GET "
                            + uri + ": " + new String(response.body(), StandardCharsets.UTF_8).trim());
                }
                Optional<JsonElement> json = Json.parse(body);
                JsonObject o = json.filter(JsonElement::isJsonObject).map(JsonElement::getAsJsonObject)
                        .filter(j -> j.has("data") && j.get("data").isJsonPrimitive())
                        .orElseThrow(() -> new IllegalStateException("the agent's answer to GET " + uri
                                + " is not {\"data\":...,\"offset\":...}: " + body));
                String data = o.get("data").getAsString(); // one char per byte
                consume(index, data, taskEnded);
                return data.length() >= CHUNK;
            });
        }

        private void consume(int index, String data, boolean taskEnded) {
            StreamState stream = streams[index];
            int start = 0;
            while (start < data.length()) {
                int newline = data.indexOf('\n', start);
                boolean fullChunkWithoutNewline = newline < 0 && start == 0 && data.length() >= CHUNK;
                if (newline < 0 && !taskEnded && !fullChunkWithoutNewline) {
                    break; // a half-written line: read it again when it is complete
                }
                int end = newline < 0 ? data.length() : newline;
                String raw = data.substring(start, end);
                int consumed = end - start + (newline < 0 ? 0 : 1);
                stream.offset += consumed;
                start += consumed;
                lastProgress = System.nanoTime();
                String text = new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                if (text.equals(SENTINEL) || text.equals(SENTINEL + "\r")) {
                    sentinel[index] = true;
                    return; // what follows belongs to the next activation
                }
                add(stream.name, text, raw.length() + 1L);
            }
        }

        private void add(String stream, String text, long size) {
            if (truncated) {
                return;
            }
            if (bytes + size > limit) {
                truncated = true;
                return;
            }
            bytes += size;
            lines.add(logLine(stream, text));
        }
    }

    /** A log line as docker's json-file driver writes it, which OpenWhisk's log stores read. */
    static String logLine(String stream, String text) {
        return "{\"log\":" + Json.quote(text + "\n") + ",\"stream\":\"" + stream + "\",\"time\":\""
                + Instant.now() + "\"}";
    }
}
