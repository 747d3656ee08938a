package io.mesowhisk.mesos.api;

import io.mesowhisk.mesos.api.internal.MessageCodec;
import io.mesowhisk.mesos.api.internal.RecordIO;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.MasterInfo;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A tiny, purpose-built stand-in for a Mesos master's {@code POST /api/v1/scheduler}, faithful to
 * Mesos's request handling (check order, status codes, bodies, headers) for what the client tests need. It does not
 * allocate or run anything: the test drives the event stream through {@link Stream}. Masters built with
 * {@link #FakeMaster(FakeMaster)} share one registry of frameworks, as masters of one cluster would after failover.
 */
final class FakeMaster implements AutoCloseable {
    private static final String JSON = "application/json";
    private static final String PROTOBUF = "application/x-protobuf";

    /** A request that passed the HTTP checks. */
    record Received(Call call, String contentType, String accept, String streamId, String authorization) {
    }

    /** Frameworks and their current streams; shared between masters of one fake cluster. */
    static final class Registry {
        final String masterId = UUID.randomUUID().toString();
        final AtomicInteger frameworks = new AtomicInteger();
        final Map<String, Stream> streams = new ConcurrentHashMap<>();
    }

    /** One open SUBSCRIBE response; the test writes events and ends it. */
    final class Stream {
        final String streamId = UUID.randomUUID().toString();
        final FrameworkID frameworkId;
        final MessageCodec codec;
        private final Response response;
        private final Callback done;
        private boolean ended;

        Stream(FrameworkID frameworkId, MessageCodec codec, Response response, Callback done) {
            this.frameworkId = frameworkId;
            this.codec = codec;
            this.response = response;
            this.done = done;
        }

        void send(Event event) {
            sendRaw(RecordIO.frame(codec.encode(event)));
        }

        synchronized void sendRaw(byte[] bytes) {
            if (ended) {
                return;
            }
            FutureCallback written = new FutureCallback();
            response.write(false, ByteBuffer.wrap(bytes), written);
            try {
                written.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                end(e); // the client went away
            }
        }

        /** Ends the response cleanly (last chunk). */
        void end() {
            end(null);
        }

        /** Drops the connection without the last chunk. */
        void cut() {
            end(new IOException("connection cut by the fake master"));
        }

        private synchronized void end(Throwable failure) {
            if (ended) {
                return;
            }
            ended = true;
            registry.streams.remove(frameworkId.getValue(), this);
            if (failure == null) {
                done.succeeded();
            } else {
                done.failed(failure);
            }
        }
    }

    final Registry registry;
    private final Server server;
    private final ServerConnector connector;
    /** Non-null: this master is not the leader; 307 to this base URL. */
    volatile URI redirectTo;
    /** Answer this many requests with 503 "No leader elected" before serving. */
    final AtomicInteger unavailable = new AtomicInteger();
    /** After the 503s: leave this many requests unanswered (a hanging master); they are failed at close. */
    final AtomicInteger silent = new AtomicInteger();
    /** The requests left unanswered, in arrival order. */
    final BlockingQueue<Callback> held = new LinkedBlockingQueue<>();
    volatile String principal;
    volatile String secret;
    volatile double heartbeatSeconds = 15.0;
    final AtomicInteger requests = new AtomicInteger();
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final BlockingQueue<Stream> streams = new LinkedBlockingQueue<>();

    FakeMaster() throws Exception {
        this(new Registry(), null);
    }

    /** A second master of the same cluster. */
    FakeMaster(FakeMaster sameCluster) throws Exception {
        this(sameCluster.registry, sameCluster.tls);
    }

    /** A master serving https with the key in {@code keyStore} (PKCS12). */
    static FakeMaster https(Path keyStore, String password) throws Exception {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keyStore.toString());
        tls.setKeyStorePassword(password);
        tls.setKeyStoreType("PKCS12");
        return new FakeMaster(new Registry(), tls);
    }

    private final SslContextFactory.Server tls;

    private FakeMaster(Registry registry, SslContextFactory.Server tls) throws Exception {
        this.registry = registry;
        this.tls = tls;
        this.server = new Server();
        this.connector = tls == null ? new ServerConnector(server) : new ServerConnector(server, tls);
        connector.setPort(0);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return FakeMaster.this.handle(request, response, callback);
            }
        });
        server.start();
    }

    URI uri() {
        return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + connector.getLocalPort());
    }

    FakeMaster requireCredentials(String principal, String secret) {
        this.principal = principal;
        this.secret = secret;
        return this;
    }

    /** The next stream opened, waiting up to 10 s. */
    Stream nextStream() throws InterruptedException {
        Stream s = streams.poll(10, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no SUBSCRIBE stream was opened at " + uri());
        }
        return s;
    }

    /** The next accepted request, waiting up to 10 s. */
    Received nextRequest() throws InterruptedException {
        Received r = received.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request reached " + uri());
        }
        return r;
    }

    @Override
    public void close() throws Exception {
        for (Callback c; (c = held.poll()) != null; ) {
            c.failed(new IOException("fake master closed"));
        }
        server.stop();
    }

    private static boolean text(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, body, callback);
        return true;
    }

    // check order of Master::Http::scheduler
    private boolean handle(Request request, Response response, Callback callback) throws Exception {
        requests.incrementAndGet();
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (principal != null) {
            String expected = "Basic " + Base64.getEncoder().encodeToString(
                    (principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(authorization)) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"mesos-master-scheduler\"");
                return text(response, callback, 401, "401 Unauthorized.");
            }
        }
        URI leader = redirectTo;
        if (leader != null) {
            response.getHeaders().put(HttpHeader.LOCATION, "//" + leader.getRawAuthority() + "/api/v1/scheduler");
            response.setStatus(307);
            callback.succeeded();
            return true;
        }
        if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return text(response, callback, 503, "No leader elected");
        }
        if (silent.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            held.add(callback);
            return true;
        }
        if (!"POST".equals(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            return text(response, callback, 405, "");
        }
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null) {
            return text(response, callback, 400, "Expecting 'Content-Type' to be present");
        }
        if (!contentType.equals(JSON) && !contentType.equals(PROTOBUF)) { // byte-exact, like Mesos
            return text(response, callback, 415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
        }
        byte[] body = toBytes(Content.Source.asByteBuffer(request));
        Call call;
        try {
            call = MessageCodec.of(contentType.equals(JSON) ? Encoding.JSON : Encoding.PROTOBUF).decodeCall(body);
        } catch (MesosProtocolException e) {
            return text(response, callback, 400, "Failed to parse body into Call protobuf");
        }
        String streamId = request.getHeaders().get("Mesos-Stream-Id");
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        if (call.getType() != Call.Type.SUBSCRIBE && !call.hasFrameworkId()) {
            return text(response, callback, 400, "Failed to validate scheduler::Call: Expecting 'framework_id' to be present");
        }
        if (call.getType() == Call.Type.ACKNOWLEDGE && call.getAcknowledge().getUuid().size() != 16) {
            return text(response, callback, 400, "Failed to validate scheduler::Call: Not a valid UUID");
        }
        if (call.getType() == Call.Type.SUBSCRIBE) {
            Encoding streamEncoding;
            if (accept == null || accept.contains("*/*") || accept.contains(JSON)) {
                streamEncoding = Encoding.JSON; // JSON wins when both are acceptable
            } else if (accept.contains(PROTOBUF)) {
                streamEncoding = Encoding.PROTOBUF;
            } else {
                return text(response, callback, 406, "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'");
            }
            if (streamId != null) {
                return text(response, callback, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
            }
            received.add(new Received(call, contentType, accept, null, authorization));
            return subscribe(call, streamEncoding, response, callback);
        }
        Stream stream = registry.streams.get(call.getFrameworkId().getValue());
        if (stream == null) {
            return text(response, callback, 400, "Framework cannot be found");
        }
        if (streamId == null) {
            return text(response, callback, 400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
        }
        if (!streamId.equals(stream.streamId)) {
            return text(response, callback, 400, "The stream ID '" + streamId + "' included in this request didn't match"
                    + " the stream ID currently associated with framework ID " + call.getFrameworkId().getValue());
        }
        received.add(new Received(call, contentType, accept, streamId, authorization));
        response.setStatus(202);
        callback.succeeded();
        if (call.getType() == Call.Type.TEARDOWN) {
            stream.end(); // stream closed, no ERROR event
        }
        return true;
    }

    private boolean subscribe(Call call, Encoding encoding, Response response, Callback callback) {
        FrameworkID id = call.getSubscribe().getFrameworkInfo().hasId()
                && !call.getSubscribe().getFrameworkInfo().getId().getValue().isEmpty()
                ? call.getSubscribe().getFrameworkInfo().getId()
                : FrameworkID.newBuilder().setValue(String.format("%s-%04d", registry.masterId,
                        registry.frameworks.getAndIncrement())).build();
        MessageCodec codec = MessageCodec.of(encoding);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, encoding.mediaType());
        Stream stream = new Stream(id, codec, response, callback);
        response.getHeaders().put("Mesos-Stream-Id", stream.streamId);
        Stream old = registry.streams.put(id.getValue(), stream);
        if (old != null) {
            old.send(Event.newBuilder().setType(Event.Type.ERROR)
                    .setError(Event.Error.newBuilder().setMessage("Framework failed over")).build());
            old.end();
        }
        stream.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
                .setFrameworkId(id).setHeartbeatIntervalSeconds(heartbeatSeconds)
                .setMasterInfo(MasterInfo.newBuilder().setId(registry.masterId).setIp(16777343)
                        .setPort(connector.getLocalPort()).setHostname("127.0.0.1"))).build());
        stream.send(Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
        streams.add(stream);
        return true;
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }
}
