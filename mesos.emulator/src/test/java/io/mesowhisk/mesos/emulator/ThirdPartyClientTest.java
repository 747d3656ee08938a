package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mesosphere.mesos.rx.java.AwaitableSubscription;
import com.mesosphere.mesos.rx.java.SinkOperation;
import com.mesosphere.mesos.rx.java.SinkOperations;
import com.mesosphere.mesos.rx.java.protobuf.ProtobufMesosClientBuilder;
import com.mesosphere.mesos.rx.java.protobuf.SchedulerCalls;
import com.mesosphere.mesos.rx.java.util.UserAgentEntries;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;
import rx.Observable;

/**
 * Drives the emulator with Mesosphere's published mesos-rxjava client and the official Mesos 1.11 protobuf classes,
 * unmodified: subscribe → offers → launch → running → kill → teardown. Neither side shares code with the emulator.
 */
class ThirdPartyClientTest {

    @Test
    void mesosRxJavaClientRunsATaskLifecycle() throws Throwable {
        try (MesosEmulator emu = MesosEmulator.builder().agents(1).heartbeatInterval(Duration.ofSeconds(1))
            .allocationInterval(Duration.ofMillis(50)).start()) {
            AtomicReference<Protos.FrameworkID> fid = new AtomicReference<>();
            List<String> states = new CopyOnWriteArrayList<>();
            AtomicReference<Boolean> launched = new AtomicReference<>(false);
            Protos.FrameworkInfo info = Protos.FrameworkInfo.newBuilder().setUser("test").setName("rxjava")
                .addCapabilities(Protos.FrameworkInfo.Capability.newBuilder()
                    .setType(Protos.FrameworkInfo.Capability.Type.TASK_KILLING_STATE)).build();
            Call subscribe = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info)).build();
            AwaitableSubscription subscription = ProtobufMesosClientBuilder.schedulerUsingProtos()
                .mesosUri(URI.create(emu.leaderUri() + "/api/v1/scheduler"))
                .applicationUserAgentEntry(UserAgentEntries.literal("emulator-test", "1.0"))
                .subscribe(subscribe)
                .processStream(events -> events.flatMap(e -> react(e, fid, states, launched)))
                .build()
                .openStream();
            // the stream ends when the framework tears itself down after TASK_KILLED
            subscription.await();
            assertEquals(List.of("TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_KILLED"), states);
            assertTrue(emu.stateJson().contains("\"completed_frameworks\":[{\"id\":\"" + fid.get().getValue() + "\""),
                emu.stateJson());
        }
    }

    private static Observable<Optional<SinkOperation<Call>>> react(Event e, AtomicReference<Protos.FrameworkID> fid,
                                                                   List<String> states,
                                                                   AtomicReference<Boolean> launched) {
        switch (e.getType()) {
            case SUBSCRIBED -> fid.set(e.getSubscribed().getFrameworkId());
            case OFFERS -> {
                Protos.Offer offer = e.getOffers().getOffers(0);
                if (launched.getAndSet(true)) {
                    return Observable.just(Optional.of(SinkOperations.create(
                        SchedulerCalls.decline(fid.get(), List.of(offer.getId())))));
                }
                Protos.TaskInfo task = Protos.TaskInfo.newBuilder().setName("web")
                    .setTaskId(Protos.TaskID.newBuilder().setValue("web-1")).setAgentId(offer.getAgentId())
                    .addResources(Protos.Resource.newBuilder().setName("cpus").setType(Protos.Value.Type.SCALAR)
                        .setScalar(Protos.Value.Scalar.newBuilder().setValue(0.5)))
                    .addResources(Protos.Resource.newBuilder().setName("mem").setType(Protos.Value.Type.SCALAR)
                        .setScalar(Protos.Value.Scalar.newBuilder().setValue(128)))
                    .setCommand(Protos.CommandInfo.newBuilder().setShell(false))
                    .setContainer(Protos.ContainerInfo.newBuilder().setType(Protos.ContainerInfo.Type.DOCKER)
                        .setDocker(Protos.ContainerInfo.DockerInfo.newBuilder().setImage("nginx")))
                    .build();
                Call accept = Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(fid.get())
                    .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
                        .addOperations(Protos.Offer.Operation.newBuilder().setType(Protos.Offer.Operation.Type.LAUNCH)
                            .setLaunch(Protos.Offer.Operation.Launch.newBuilder().addTaskInfos(task))))
                    .build();
                return Observable.just(Optional.of(SinkOperations.create(accept)));
            }
            case UPDATE -> {
                Protos.TaskStatus s = e.getUpdate().getStatus();
                states.add(s.getState().name());
                Call ack = SchedulerCalls.ackUpdate(fid.get(), s.getUuid(), s.getAgentId(), s.getTaskId());
                Call next = switch (s.getState()) {
                    case TASK_RUNNING -> Call.newBuilder().setType(Call.Type.KILL).setFrameworkId(fid.get())
                        .setKill(Call.Kill.newBuilder().setTaskId(s.getTaskId())).build();
                    case TASK_KILLED -> Call.newBuilder().setType(Call.Type.TEARDOWN).setFrameworkId(fid.get())
                        .build();
                    default -> null;
                };
                if (next == null) {
                    return Observable.just(Optional.of(SinkOperations.create(ack)));
                }
                return Observable.just(Optional.of(SinkOperations.create(ack)),
                    Optional.of(SinkOperations.create(next)));
            }
            default -> {
            }
        }
        return Observable.empty();
    }
}
