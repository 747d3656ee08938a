package io.mesowhisk.mesos.api;

import com.google.protobuf.ByteString;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.ExecutorID;
import io.mesowhisk.mesos.v1.Protos.Filters;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.KillPolicy;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.Request;
import io.mesowhisk.mesos.v1.Protos.TaskID;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One framework's subscription to the leading master: it holds the SUBSCRIBE event stream (resubscribing with
 * backoff after a lost stream, see {@link MesosClientConfig}) and sends calls on behalf of the framework.
 *
 * <p><b>Calls</b> are asynchronous: each returns a stage that completes normally when the master accepted the call
 * (HTTP 202), i.e. <em>queued</em> it; the effects arrive later as events. A stage fails with
 * <ul>
 * <li>{@link IllegalStateException} if the subscription is not currently subscribed (no stream id yet, or
 *     reconnecting, or closed);</li>
 * <li>{@link Mesos4xxException} if the master rejected the call (the message carries Mesos's reason, e.g.
 *     {@code Failed to validate scheduler::Call: ...}), {@link Mesos5xxException} if it failed or stayed
 *     unavailable (503 is retried with backoff within the request timeout; when that runs out, the last 503 is
 *     reported, its message noting the timeout), {@link Mesos3xxException} for a
 *     redirect that was not followed;</li>
 * <li>{@link MesosConnectionException} if the master could not be reached or did not answer in time (and had not
 *     answered 503 before).</li>
 * </ul>
 * Calls follow 307 redirects to the new leader and carry {@code Mesos-Stream-Id}; the framework id is filled in.
 * Null arguments are rejected at once with {@link NullPointerException}.
 *
 * <p><b>Threading:</b> thread-safe; call methods never block. Listener callbacks: see {@link SubscriptionListener}.
 */
@ProviderType
public interface Subscription extends AutoCloseable {

    /** The framework id, once the master assigned or confirmed it (first SUBSCRIBED event). */
    Optional<FrameworkID> frameworkId();

    /** True while a stream is open and SUBSCRIBED was received. */
    boolean isSubscribed();

    /** Completes when the subscription is over for good (closed, torn down, ERROR event, rejected), never exceptionally. */
    CompletionStage<Disconnect> terminated();

    /** ACCEPT: use offers for operations (LAUNCH, RESERVE, ...); unused resources are declined with {@code filters}. */
    CompletionStage<Void> accept(Collection<OfferID> offerIds, Collection<Offer.Operation> operations, Filters filters);

    /** ACCEPT without filters (Mesos default: refuse for 5 s). */
    default CompletionStage<Void> accept(Collection<OfferID> offerIds, Collection<Offer.Operation> operations) {
        return accept(offerIds, operations, null);
    }

    /** DECLINE offers; {@code filters} may be {@code null} (refuse for 5 s). */
    CompletionStage<Void> decline(Collection<OfferID> offerIds, Filters filters);

    /** KILL a task; {@code agentId} and {@code killPolicy} may be {@code null}. */
    CompletionStage<Void> kill(TaskID taskId, AgentID agentId, KillPolicy killPolicy);

    /** ACKNOWLEDGE a status update. */
    CompletionStage<Void> acknowledge(AgentID agentId, TaskID taskId, ByteString uuid);

    /**
     * ACKNOWLEDGE the given update, which must carry a {@code uuid} and {@code agent_id} (only updates from agents and
     * executors do; master-generated ones must not be acknowledged).
     *
     * @throws IllegalArgumentException if the status has no uuid or no agent id
     */
    CompletionStage<Void> acknowledge(TaskStatus status);

    /** RECONCILE the given tasks; an empty collection asks for implicit reconciliation of all tasks. */
    CompletionStage<Void> reconcile(Collection<Call.Reconcile.Task> tasks);

    /** REVIVE offers for the roles (empty = all subscribed roles); clears decline filters. */
    CompletionStage<Void> revive(Collection<String> roles);

    /** SUPPRESS offers for the roles (empty = all subscribed roles). */
    CompletionStage<Void> suppress(Collection<String> roles);

    /** TEARDOWN: remove the framework (its tasks are killed); the subscription then ends with {@code TORN_DOWN}. */
    CompletionStage<Void> teardown();

    /** SHUTDOWN a custom executor. */
    CompletionStage<Void> shutdown(ExecutorID executorId, AgentID agentId);

    /** MESSAGE to an executor (best effort). */
    CompletionStage<Void> message(AgentID agentId, ExecutorID executorId, ByteString data);

    /** REQUEST resources (ignored by Mesos's built-in allocator). */
    CompletionStage<Void> request(Collection<Request> requests);

    /**
     * Sends any call as is, except that a missing {@code framework_id} is filled in. Completes on 202, and on 200
     * (UPDATE_FRAMEWORK). SUBSCRIBE cannot be sent this way.
     *
     * @throws IllegalArgumentException if the call is a SUBSCRIBE
     */
    CompletionStage<Void> call(Call call);

    /**
     * Closes the stream and ends the subscription ({@code CLOSED}); the framework is NOT torn down: the master keeps
     * it (and its tasks) for its {@code failover_timeout}. Idempotent; calls in flight still complete.
     */
    @Override
    void close();
}
