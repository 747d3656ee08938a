package io.mesowhisk.mesos.emulator.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.mesowhisk.mesos.emulator.internal.Model.Agent;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP surface of every emulated process, told apart by the local port: masters ({@code /api/v1/scheduler},
 * {@code /state}) and agents ({@code /state}, {@code /files/*}). Runs the stateless request checks on Jetty's
 * thread and hands everything that needs state to the master loop.
 *
 * <p>The handler is non-blocking, so Jetty runs it on the selector thread that read the request, with no hand-off
 * to a pool thread: scheduler calls only check headers, parse a small body and queue the call on the master loop.
 * The few requests that wait (state views, which wait for the loop, and sandbox file reads) are handed to
 * {@code blocking} explicitly.
 */
public final class HttpFront extends Handler.Abstract.NonBlocking {

    static final String JSON = "application/json";
    static final String PROTOBUF = "application/x-protobuf";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final Master master;
    private final Map<Integer, Integer> masterIndexByPort;
    private final Map<Integer, Integer> agentByPort;
    private final AgentFiles files;
    private final Executor blocking;

    public HttpFront(Master master, Map<Integer, Integer> masterIndexByPort, Map<Integer, Integer> agentByPort,
                     Executor blocking) {
        this.master = master;
        this.blocking = blocking;
        this.masterIndexByPort = masterIndexByPort;
        this.agentByPort = agentByPort;
        this.files = new AgentFiles(master);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        int port = Request.getLocalPort(request);
        String path = request.getHttpURI().getPath();
        Integer masterIndex = masterIndexByPort.get(port);
        if (masterIndex != null) {
            String endpoint = Routes.MASTER.route(path);
            if ("master/api/v1/scheduler".equals(endpoint)) {
                scheduler(masterIndex, request, response, callback);
            } else if ("master/state".equals(endpoint) || "master/state.json".equals(endpoint)) {
                offload(callback, () -> send(response, callback, 200, JSON, master.call(master::stateJson)));
            } else {
                send(response, callback, 404, TEXT, "");
            }
            return true;
        }
        Integer agentIndex = agentByPort.get(port);
        if (agentIndex != null) {
            String endpoint = Routes.AGENT.route(path);
            if (endpoint == null) {
                send(response, callback, 404, TEXT, "");
                return true;
            }
            offload(callback, () -> files.handle(master.call(() -> master.agent(agentIndex)), endpoint, request,
                response, callback));
            return true;
        }
        return false;
    }

    /** Runs a request that may wait off the selector thread. */
    private void offload(Callback callback, Runnable work) {
        blocking.execute(() -> {
            try {
                work.run();
            } catch (Throwable t) {
                callback.failed(t);
            }
        });
    }

    static void send(Response response, Callback callback, int status, String type, String body) {
        response.setStatus(status);
        if (type != null && !(status == 202 && body.isEmpty())) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        }
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    private void scheduler(int masterIndex, Request request, Response response, Callback callback) {
        // 1. authentication (libprocess, before the handler)
        Map<String, String> credentials = master.config.credentials();
        String principal = null;
        if (!credentials.isEmpty()) {
            principal = authenticatedPrincipal(request.getHeaders().get(HttpHeader.AUTHORIZATION), credentials);
            if (principal == null) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"mesos-master-scheduler\"");
                send(response, callback, 401, TEXT, "401 Unauthorized.");
                return;
            }
        }
        // 2. leadership
        int leader = master.leader;
        if (leader != masterIndex) {
            if (leader < 0) {
                send(response, callback, 503, TEXT, "No leader elected");
            } else {
                String query = request.getHttpURI().getQuery();
                response.getHeaders().put(HttpHeader.LOCATION, "//" + master.config.host() + ":"
                    + master.masterPorts[leader] + "/api/v1/scheduler" + (query == null ? "" : "?" + query));
                send(response, callback, 307, TEXT, "");
            }
            return;
        }
        // 3. registry recovery after a failover
        if (master.recovering()) {
            send(response, callback, 503, TEXT, "Master has not finished recovery");
            return;
        }
        // 4. method
        if (!"POST".equals(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            send(response, callback, 405, TEXT, "Expecting one of { 'POST' }, but received '"
                + request.getMethod() + "'");
            return;
        }
        // 5, 6. content type, byte-exact
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null) {
            send(response, callback, 400, TEXT, "Expecting 'Content-Type' to be present");
            return;
        }
        if (!contentType.equals(JSON) && !contentType.equals(PROTOBUF)) {
            send(response, callback, 415, TEXT, "Expecting 'Content-Type' of " + JSON + " or " + PROTOBUF);
            return;
        }
        // the emulator's own limits (libprocess has none): a body is buffered whole, so its size is bounded, and a
        // body that stops arriving ends the request instead of holding the connection for the idle hour
        long declared = request.getLength();
        if (declared > MAX_BODY_BYTES) {
            tooLarge(response, callback);
            return;
        }
        String authenticated = principal;
        new BodyReader(request, (body, failure) -> {
            if (failure != null) {
                bodyFailed(response, callback, failure);
                return;
            }
            try {
                afterBody(request, response, callback, contentType, body, authenticated);
            } catch (Throwable t) {
                callback.failed(t);
            }
        }).run();
    }

    /**
     * Reads a request body whole, up to {@link #MAX_BODY_BYTES}; then calls {@code done} once. A body that is not all
     * there at once is waited for with the connection's idle timeout lowered to {@link #BODY_IDLE_TIMEOUT} (and
     * restored after), so the usual request, whose body came with its headers, costs no timer.
     */
    private static final class BodyReader implements Runnable {
        private final Request request;
        private final java.util.function.BiConsumer<byte[], Throwable> done;
        private byte[] bytes;
        private int size;
        private EndPoint waitingOn;
        private long idle;

        BodyReader(Request request, java.util.function.BiConsumer<byte[], Throwable> done) {
            this.request = request;
            this.done = done;
        }

        private void finish(byte[] body, Throwable failure) {
            if (waitingOn != null) {
                waitingOn.setIdleTimeout(idle);
            }
            done.accept(body, failure);
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    if (waitingOn == null) {
                        waitingOn = request.getConnectionMetaData().getConnection().getEndPoint();
                        idle = waitingOn.getIdleTimeout();
                        waitingOn.setIdleTimeout(BODY_IDLE_TIMEOUT.toMillis());
                    }
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    finish(null, chunk.getFailure());
                    return;
                }
                ByteBuffer b = chunk.getByteBuffer();
                int n = b.remaining();
                if (n > MAX_BODY_BYTES - size) {
                    chunk.release();
                    finish(null, new BodyTooLarge());
                    return;
                }
                if (bytes == null && chunk.isLast()) {
                    // the usual case: the whole body in one chunk
                    byte[] whole = new byte[n];
                    b.get(whole);
                    chunk.release();
                    finish(whole, null);
                    return;
                }
                if (bytes == null) {
                    bytes = new byte[Math.max(1024, n)];
                }
                if (size + n > bytes.length) {
                    bytes = java.util.Arrays.copyOf(bytes, Math.max(size + n, Math.min(MAX_BODY_BYTES,
                        bytes.length * 2)));
                }
                b.get(bytes, size, n);
                size += n;
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    finish(size == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, size), null);
                    return;
                }
            }
        }
    }

    private static final class BodyTooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        BodyTooLarge() {
            super(null, null, false, false);
        }
    }

    /** Largest request body the scheduler endpoint reads; a larger one is answered 413. */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    /** How long a request body may pause before the request is answered 408 and its connection closed. */
    static final Duration BODY_IDLE_TIMEOUT = Duration.ofSeconds(10);

    private static void tooLarge(Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close"); // the rest of the body is not read
        send(response, callback, 413, TEXT, "Request body is larger than the emulator's limit of " + MAX_BODY_BYTES
            + " bytes");
    }

    /** The body could not be read whole: too large, stalled (a Content-Length larger than what came), or cut. */
    private static void bodyFailed(Response response, Callback callback, Throwable failure) {
        if (failure instanceof BodyTooLarge) {
            tooLarge(response, callback);
        } else if (failure instanceof java.util.concurrent.TimeoutException) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            send(response, callback, 408, TEXT, "Request body did not arrive: nothing for "
                + BODY_IDLE_TIMEOUT.toSeconds() + " seconds");
        } else {
            callback.failed(failure); // the client went away: nobody to answer
        }
    }

    /** {@code principal}: the authenticated principal, null when authentication is off. */
    private void afterBody(Request request, Response response, Callback callback, String contentType,
                           byte[] bytes, String principal) {
        // 7. parse
        Call call;
        if (contentType.equals(JSON)) {
            Object json;
            try {
                json = MesosJson.parse(new String(bytes, StandardCharsets.UTF_8));
            } catch (MesosJson.JsonException e) {
                send(response, callback, 400, TEXT, "Failed to parse body into JSON: " + e.getMessage());
                return;
            }
            try {
                call = MesosJson.merge(json, Call.newBuilder()).build();
            } catch (MesosJson.JsonException e) {
                send(response, callback, 400, TEXT, "Failed to convert JSON into Call protobuf: " + e.getMessage());
                return;
            }
        } else {
            try {
                call = Call.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                send(response, callback, 400, TEXT, "Failed to parse body into Call protobuf");
                return;
            }
        }
        // 8. validate
        String invalid = validate(call, principal);
        if (invalid != null) {
            send(response, callback, 400, TEXT, "Failed to validate scheduler::Call: " + invalid);
            return;
        }
        if (call.getType() == Call.Type.SUBSCRIBE) {
            // 9. accept negotiation
            String accept = acceptedType(request.getHeaders().getValuesList(HttpHeader.ACCEPT));
            if (accept == null) {
                send(response, callback, 406, TEXT,
                    "Expecting 'Accept' to allow '" + PROTOBUF + "' or '" + JSON + "'");
                return;
            }
            // 10. no stream id on subscribe
            if (request.getHeaders().get("Mesos-Stream-Id") != null) {
                send(response, callback, 400, TEXT,
                    "Subscribe calls should not include the 'Mesos-Stream-Id' header");
                return;
            }
            String streamId = UUID.randomUUID().toString();
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, accept);
            response.getHeaders().put("Mesos-Stream-Id", streamId);
            Stream stream = new Stream(streamId, accept.equals(JSON), response, callback);
            request.addFailureListener(t -> stream.fail(t));
            // the body is read, so Jetty no longer reads this connection: watch it for the client leaving
            ConnectionWatch.start(request.getConnectionMetaData().getConnection().getEndPoint(), stream);
            master.loop.execute(master.guard(() -> master.subscribe(call, stream)));
            return;
        }
        if (call.getType() == Call.Type.RECONCILE_OPERATIONS
            && acceptedType(request.getHeaders().getValuesList(HttpHeader.ACCEPT)) == null) {
            send(response, callback, 406, TEXT, "Expecting 'Accept' to allow '" + PROTOBUF + "' or '" + JSON + "'");
            return;
        }
        String streamId = request.getHeaders().get("Mesos-Stream-Id");
        master.loop.execute(master.guard(() -> {
            Master.Reply reply = master.handle(call, streamId, principal);
            send(response, callback, reply.status(), TEXT, reply.body());
        }));
    }

    /** Mesos's scheduler::Call validation; {@code principal} is the authenticated one or null. */
    static String validate(Call call, String principal) {
        if (!call.hasType()) {
            return "Expecting 'type' to be present";
        }
        if (call.getType() == Call.Type.SUBSCRIBE) {
            if (!call.hasSubscribe()) {
                return "Expecting 'subscribe' to be present";
            }
            var info = call.getSubscribe().getFrameworkInfo();
            if (!info.getId().getValue().equals(call.getFrameworkId().getValue())) {
                return "'framework_id' differs from 'subscribe.framework_info.id'";
            }
            if (principal != null && info.hasPrincipal() && !principal.equals(info.getPrincipal())) {
                return "Authenticated principal '" + principal + "' does not match principal '"
                    + info.getPrincipal() + "' set in `FrameworkInfo`";
            }
            return null;
        }
        if (!call.hasFrameworkId()) {
            return "Expecting 'framework_id' to be present";
        }
        String missing = switch (call.getType()) {
            case ACCEPT -> call.hasAccept() ? null : "accept";
            case DECLINE -> call.hasDecline() ? null : "decline";
            case ACCEPT_INVERSE_OFFERS -> call.hasAcceptInverseOffers() ? null : "accept_inverse_offers";
            case DECLINE_INVERSE_OFFERS -> call.hasDeclineInverseOffers() ? null : "decline_inverse_offers";
            case KILL -> call.hasKill() ? null : "kill";
            case SHUTDOWN -> call.hasShutdown() ? null : "shutdown";
            case ACKNOWLEDGE -> call.hasAcknowledge() ? null : "acknowledge";
            case ACKNOWLEDGE_OPERATION_STATUS -> call.hasAcknowledgeOperationStatus() ? null
                : "acknowledge_operation_status";
            case RECONCILE -> call.hasReconcile() ? null : "reconcile";
            case RECONCILE_OPERATIONS -> call.hasReconcileOperations() ? null : "reconcile_operations";
            case MESSAGE -> call.hasMessage() ? null : "message";
            case REQUEST -> call.hasRequest() ? null : "request";
            case UPDATE_FRAMEWORK -> call.hasUpdateFramework() ? null : "update_framework";
            default -> null;
        };
        if (missing != null) {
            return "Expecting '" + missing + "' to be present";
        }
        if (call.getType() == Call.Type.ACKNOWLEDGE && call.getAcknowledge().getUuid().size() != 16) {
            return "Not a valid UUID";
        }
        if (call.getType() == Call.Type.ACKNOWLEDGE_OPERATION_STATUS) {
            if (call.getAcknowledgeOperationStatus().getUuid().size() != 16) {
                return "Not a valid UUID";
            }
            if (!call.getAcknowledgeOperationStatus().hasAgentId()) {
                return "Expecting 'agent_id' to be present";
            }
        }
        if (call.getType() == Call.Type.UPDATE_FRAMEWORK
            && !call.getUpdateFramework().getFrameworkInfo().getId().equals(call.getFrameworkId())) {
            return "'framework_id' differs from 'update_framework.framework_info.id'";
        }
        return null;
    }

    /** JSON if acceptable (tested first), else protobuf if acceptable, else null (libprocess semantics). */
    static String acceptedType(List<String> acceptValues) {
        if (acceptValues == null || acceptValues.isEmpty()) {
            return JSON;
        }
        String joined = String.join(",", acceptValues);
        if (acceptable(joined, JSON)) {
            return JSON;
        }
        if (acceptable(joined, PROTOBUF)) {
            return PROTOBUF;
        }
        return null;
    }

    private static boolean acceptable(String header, String mediaType) {
        String type = mediaType.substring(0, mediaType.indexOf('/'));
        // the most specific matching entry decides: exact, then type/*, then */*
        Double exact = null;
        Double wildcardSub = null;
        Double any = null;
        for (String part : header.split(",")) {
            String[] params = part.trim().split(";");
            String range = params[0].trim().toLowerCase();
            double q = 1.0;
            for (int i = 1; i < params.length; i++) {
                String p = params[i].trim();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (range.equals(mediaType)) {
                exact = q;
            } else if (range.equals(type + "/*")) {
                wildcardSub = q;
            } else if (range.equals("*/*")) {
                any = q;
            }
        }
        Double q = exact != null ? exact : wildcardSub != null ? wildcardSub : any;
        return q != null && q > 0;
    }

    /** The principal that {@code header} authenticates with HTTP Basic, or null when it does not. */
    private static String authenticatedPrincipal(String header, Map<String, String> credentials) {
        if (header == null || !header.startsWith("Basic ")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        String[] parts = decoded.split(":", -1);
        if (parts.length != 2 || !parts[1].equals(credentials.get(parts[0]))) {
            return null;
        }
        return parts[0];
    }
}
