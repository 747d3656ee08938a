package io.mesowhisk.mesos.scheduler.internal;

import com.google.protobuf.ByteString;
import io.mesowhisk.mesos.api.Disconnect;
import io.mesowhisk.mesos.api.EncodedOffers;
import io.mesowhisk.mesos.api.MesosClient;
import io.mesowhisk.mesos.api.MesosClientConfig;
import io.mesowhisk.mesos.api.OffersListener;
import io.mesowhisk.mesos.api.Subscription;
import io.mesowhisk.mesos.api.SubscriptionListener;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.ExecutorID;
import io.mesowhisk.mesos.v1.Protos.Filters;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.Protos.KillPolicy;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.Request;
import io.mesowhisk.mesos.v1.Protos.TaskID;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real {@link MesosClient}, passed through, recording what the scheduler sends: ACKNOWLEDGEs per update uuid
 * (to prove exactly-once), task ids per LAUNCH, and optionally holding back the answer to ACCEPT, so updates arrive
 * before the scheduler sees the 202 (the master has long processed the call). Not a mock: every call goes to Mesos.
 */
final class RecordingClient implements MesosClient {

    final MesosClient real;
    final Map<ByteString, AtomicInteger> acksByUuid = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> launchesByTask = new ConcurrentHashMap<>();
    final AtomicInteger updatesWithUuid = new AtomicInteger();
    final Map<ByteString, AtomicInteger> deliveriesByUuid = new ConcurrentHashMap<>();
    volatile Duration acceptAnswerDelay = Duration.ZERO;

    RecordingClient(MesosClientConfig config) {
        this.real = MesosClient.create(config);
    }

    /**
     * Checks that every delivered update was acknowledged, and none more often than it was delivered (the agent
     * re-sends an update whose acknowledgement it did not get; that re-delivery must be acknowledged again).
     */
    void assertAcknowledgedOncePerDelivery() {
        deliveriesByUuid.forEach((uuid, delivered) -> {
            AtomicInteger acked = acksByUuid.get(uuid);
            if (acked == null || acked.get() < 1 || acked.get() > delivered.get()) {
                throw new AssertionError("update delivered " + delivered.get() + " time(s), acknowledged "
                        + (acked == null ? 0 : acked.get()));
            }
        });
        if (!deliveriesByUuid.keySet().containsAll(acksByUuid.keySet())) {
            throw new AssertionError("acknowledged an update that was never delivered");
        }
    }

    @Override
    public MesosClientConfig config() {
        return real.config();
    }

    @Override
    public void close() {
        real.close();
    }

    @Override
    public Subscription subscribe(FrameworkInfo frameworkInfo, SubscriptionListener listener) {
        Wrapped w = new Wrapped();
        w.inner = real.subscribe(frameworkInfo, new OffersListener() {
            @Override
            public void subscribed(Subscription s, Event.Subscribed subscribed) {
                listener.subscribed(w, subscribed);
            }

            @Override
            public void event(Subscription s, Event event) {
                if (event.getType() == Event.Type.UPDATE && event.getUpdate().getStatus().hasUuid()) {
                    updatesWithUuid.incrementAndGet();
                    deliveriesByUuid.computeIfAbsent(event.getUpdate().getStatus().getUuid(),
                            k -> new AtomicInteger()).incrementAndGet();
                }
                listener.event(w, event);
            }

            @Override
            public void offers(Subscription s, EncodedOffers offers) {
                if (listener instanceof OffersListener l) {
                    l.offers(w, offers);
                } else {
                    listener.event(w, Event.newBuilder().setType(Event.Type.OFFERS)
                            .setOffers(Event.Offers.newBuilder().addAllOffers(offers.offers())).build());
                }
            }

            @Override
            public void disconnected(Subscription s, Disconnect disconnect) {
                listener.disconnected(w, disconnect);
            }
        });
        return w;
    }

    private final class Wrapped implements Subscription {
        volatile Subscription inner;

        @Override
        public Optional<FrameworkID> frameworkId() {
            return inner.frameworkId();
        }

        @Override
        public boolean isSubscribed() {
            return inner.isSubscribed();
        }

        @Override
        public CompletionStage<Disconnect> terminated() {
            return inner.terminated();
        }

        @Override
        public CompletionStage<Void> accept(Collection<OfferID> offerIds, Collection<Offer.Operation> operations,
                Filters filters) {
            for (Offer.Operation op : operations) {
                op.getLaunch().getTaskInfosList().forEach(t -> launchesByTask
                        .computeIfAbsent(t.getTaskId().getValue(), k -> new AtomicInteger()).incrementAndGet());
            }
            CompletionStage<Void> answer = inner.accept(offerIds, operations, filters);
            Duration delay = acceptAnswerDelay;
            if (delay.isZero()) {
                return answer;
            }
            CompletableFuture<Void> late = new CompletableFuture<>();
            answer.whenComplete((v, e) -> CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        if (e != null) {
                            late.completeExceptionally(e);
                        } else {
                            late.complete(v);
                        }
                    }));
            return late;
        }

        @Override
        public CompletionStage<Void> decline(Collection<OfferID> offerIds, Filters filters) {
            return inner.decline(offerIds, filters);
        }

        @Override
        public CompletionStage<Void> kill(TaskID taskId, AgentID agentId, KillPolicy killPolicy) {
            return inner.kill(taskId, agentId, killPolicy);
        }

        @Override
        public CompletionStage<Void> acknowledge(AgentID agentId, TaskID taskId, ByteString uuid) {
            acksByUuid.computeIfAbsent(uuid, k -> new AtomicInteger()).incrementAndGet();
            return inner.acknowledge(agentId, taskId, uuid);
        }

        @Override
        public CompletionStage<Void> acknowledge(TaskStatus status) {
            acksByUuid.computeIfAbsent(status.getUuid(), k -> new AtomicInteger()).incrementAndGet();
            return inner.acknowledge(status);
        }

        @Override
        public CompletionStage<Void> reconcile(Collection<Call.Reconcile.Task> tasks) {
            return inner.reconcile(tasks);
        }

        @Override
        public CompletionStage<Void> revive(Collection<String> roles) {
            return inner.revive(roles);
        }

        @Override
        public CompletionStage<Void> suppress(Collection<String> roles) {
            return inner.suppress(roles);
        }

        @Override
        public CompletionStage<Void> teardown() {
            return inner.teardown();
        }

        @Override
        public CompletionStage<Void> shutdown(ExecutorID executorId, AgentID agentId) {
            return inner.shutdown(executorId, agentId);
        }

        @Override
        public CompletionStage<Void> message(AgentID agentId, ExecutorID executorId, ByteString data) {
            return inner.message(agentId, executorId, data);
        }

        @Override
        public CompletionStage<Void> request(Collection<Request> requests) {
            return inner.request(requests);
        }

        @Override
        public CompletionStage<Void> call(Call call) {
            return inner.call(call);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
