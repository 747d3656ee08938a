package io.mesowhisk.mesos.api;

import io.mesowhisk.mesos.api.internal.JettyMesosClient;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Client of the Mesos v1 scheduler HTTP API ({@code POST /api/v1/scheduler}), for framework authors.
 *
 * <pre>{@code
 * MesosClient client = MesosClient.create(MesosClientConfig.builder()
 *         .masters("http://m1:5050", "http://m2:5050").build());
 * Subscription s = client.subscribe(frameworkInfo, new SubscriptionListener() { ... });
 * // in the listener: s.decline(offerIds, null), s.acknowledge(update.getStatus()), ...
 * client.close();
 * }</pre>
 *
 * <p>What it does for you: tries the configured masters in turn and follows 307 redirects to the leader (SUBSCRIBE
 * and calls), retries 503 (no leader yet) with exponential backoff, authenticates every request with HTTP Basic if
 * configured, decodes the RecordIO event stream incrementally with a size bound, declares the stream dead when
 * heartbeats stop, and resubscribes (with the assigned framework id) after a lost stream. Encoding (protobuf or
 * JSON), timeouts, backoff and limits come from {@link MesosClientConfig}.
 *
 * <p><b>Threading:</b> thread-safe. Each subscription has its own event thread on which its listener is called
 * (see {@link SubscriptionListener}); HTTP I/O runs on a shared Jetty thread pool; nothing blocks the caller.
 *
 * <p><b>Lifecycle:</b> a client owns an HTTP client and threads; {@link #close()} ends every subscription (the
 * frameworks are not torn down) and releases them.
 */
@ProviderType
public interface MesosClient extends AutoCloseable {

    /**
     * Creates and starts a client.
     *
     * @throws MesosException if the HTTP client cannot start (e.g. the trust store cannot be used)
     */
    static MesosClient create(MesosClientConfig config) {
        return new JettyMesosClient(config);
    }

    /** The configuration (secrets are masked in its {@code toString()}). */
    MesosClientConfig config();

    /**
     * Subscribes a framework; returns at once. The outcome arrives at the listener: {@code subscribed} then events,
     * or {@code disconnected} with the reason. Without {@code frameworkInfo.id} the master assigns a new id; with
     * it, the framework resubscribes (failover).
     *
     * @throws IllegalStateException if the client is closed
     */
    Subscription subscribe(FrameworkInfo frameworkInfo, SubscriptionListener listener);

    /** Closes every subscription ({@code CLOSED}) and stops the HTTP client. Idempotent. */
    @Override
    void close();
}
