package io.mesowhisk.benchmarks.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.mesosphere.mesos.rx.java.recordio.RecordIOOperator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.mesowhisk.mesos.api.Encoding;
import io.mesowhisk.mesos.api.internal.MessageCodec;
import io.mesowhisk.mesos.api.internal.RecordIO;
import io.mesowhisk.mesos.api.internal.RecordIODecoder;
import io.mesowhisk.mesos.v1.Protos.Address;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.Attribute;
import io.mesowhisk.mesos.v1.Protos.ContainerID;
import io.mesowhisk.mesos.v1.Protos.ContainerStatus;
import io.mesowhisk.mesos.v1.Protos.ExecutorID;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.NetworkInfo;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.Resource;
import io.mesowhisk.mesos.v1.Protos.TaskID;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.Protos.URL;
import io.mesowhisk.mesos.v1.Protos.Value;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import rx.Subscriber;

/**
 * Decoding of a SUBSCRIBE event stream as the client does it: incremental RecordIO framing over network-sized chunks
 * plus event decoding, for binary protobuf and for JSON, against the reference on the same bytes in the same run:
 * mesos-rxjava 0.1.2's {@code RecordIOOperator} (fed Netty buffers, as its client feeds it) plus the official Mesos
 * 1.11 classes' {@code Event.parseFrom(byte[])}, which is what mesos-rxjava's protobuf client does per record.
 *
 * <p>Two streams of {@value #EVENTS} events ({@link #stream}): {@code updates} is UPDATE events only (agent-originated,
 * with uuid and container status), the bulk of a busy framework's stream; {@code mixed} is 80% UPDATE, 15% OFFERS
 * (4 offers × cpus/mem/disk/ports + attributes), 5% HEARTBEAT. The score is events/s; the {@code bytes} secondary
 * result is stream bytes/s (MB/s = bytes / 1e6). The trial setup decodes the stream with both paths and fails unless
 * they give the same events.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
// the official Mesos classes are pre-22 gencode (silence protobuf 4's warning); a fixed, pre-touched heap
@Fork(value = 1, jvmArgsAppend = {"-Dcom.google.protobuf.use_unsafe_pre22_gencode=true", "-Xms1g", "-Xmx1g",
    "-XX:+AlwaysPreTouch"})
public class EventStreamDecodeBenchmark {
    static final int EVENTS = 2000;

    /** Bytes handed to the decoder per read, as from a socket. */
    @Param({"16384"})
    public int chunkSize;

    /** {@code updates}: UPDATE events only; {@code mixed}: 80% UPDATE, 15% OFFERS, 5% HEARTBEAT. */
    @Param({"updates", "mixed"})
    public String stream;

    private List<ByteBuffer> protobufChunks;
    private List<ByteBuffer> jsonChunks;
    private long protobufBytes;
    private long jsonBytes;
    private final MessageCodec protobuf = MessageCodec.of(Encoding.PROTOBUF);
    private final MessageCodec json = MessageCodec.of(Encoding.JSON);

    /** Bytes of stream decoded, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup
    public void setUp() {
        List<Event> events = realisticEvents(new Random(42), stream.equals("updates") ? 100 : 80);
        byte[] pb = RecordIO.frameAll(events.stream().map(protobuf::encode).toList());
        byte[] js = RecordIO.frameAll(events.stream().map(json::encode).toList());
        protobufBytes = pb.length;
        jsonBytes = js.length;
        protobufChunks = chunks(pb, chunkSize);
        jsonChunks = chunks(js, chunkSize);
        checkSameEvents(events);
        System.out.printf("%n%d events: protobuf stream %d bytes (%.0f B/event), JSON stream %d bytes (%.0f B/event)%n",
                EVENTS, pb.length, (double) pb.length / EVENTS, js.length, (double) js.length / EVENTS);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void protobuf(Bytes counter, Blackhole bh) {
        decode(protobufChunks, protobuf, bh);
        counter.bytes += protobufBytes;
    }

    /**
     * The generic decode the client used for events before (builder merge of a copied byte[] per field), kept for the
     * before/after comparison in one run.
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void protobufCopying(Bytes counter, Blackhole bh) {
        RecordIODecoder decoder = new RecordIODecoder(16 * 1024 * 1024);
        for (ByteBuffer chunk : protobufChunks) {
            decoder.decode(chunk.duplicate(), record -> bh.consume(protobuf.<Event>decode(record, Event.newBuilder())));
        }
        decoder.finish();
        counter.bytes += protobufBytes;
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void json(Bytes counter, Blackhole bh) {
        decode(jsonChunks, json, bh);
        counter.bytes += jsonBytes;
    }

    /** RecordIO framing alone (protobuf stream), to separate it from message decoding. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void recordIoOnly(Bytes counter, Blackhole bh) {
        RecordIODecoder decoder = new RecordIODecoder(16 * 1024 * 1024);
        for (ByteBuffer chunk : protobufChunks) {
            decoder.decode(chunk.duplicate(), bh::consume);
        }
        decoder.finish();
        counter.bytes += protobufBytes;
    }

    /** The reference: mesos-rxjava's RecordIO operator and {@code Event.parseFrom} of the official Mesos classes. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void reference(Bytes counter, Blackhole bh) {
        referenceDecode(protobufChunks, record -> {
            try {
                bh.consume(org.apache.mesos.v1.scheduler.Protos.Event.parseFrom(record));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        });
        counter.bytes += protobufBytes;
    }

    /** The reference's framing alone. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void referenceRecordIoOnly(Bytes counter, Blackhole bh) {
        referenceDecode(protobufChunks, bh::consume);
        counter.bytes += protobufBytes;
    }

    private static void referenceDecode(List<ByteBuffer> chunks, Consumer<byte[]> sink) {
        Subscriber<byte[]> child = new Subscriber<>() {
            @Override
            public void onNext(byte[] record) {
                sink.accept(record);
            }

            @Override
            public void onError(Throwable e) {
                throw new IllegalStateException(e);
            }

            @Override
            public void onCompleted() {
            }
        };
        Subscriber<? super ByteBuf> operator = new RecordIOOperator().call(child);
        operator.onStart();
        for (ByteBuffer chunk : chunks) {
            operator.onNext(Unpooled.wrappedBuffer(chunk.duplicate()));
        }
        operator.onCompleted();
    }

    private void checkSameEvents(List<Event> expected) {
        List<Event> ours = new ArrayList<>();
        RecordIODecoder decoder = new RecordIODecoder(16 * 1024 * 1024);
        for (ByteBuffer chunk : protobufChunks) {
            decoder.decode(chunk.duplicate(), record -> ours.add(protobuf.decodeEvent(record)));
        }
        decoder.finish();
        List<byte[]> theirs = new ArrayList<>();
        referenceDecode(protobufChunks, record -> {
            try {
                theirs.add(org.apache.mesos.v1.scheduler.Protos.Event.parseFrom(record).toByteArray());
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        });
        if (!ours.equals(expected) || theirs.size() != expected.size()) {
            throw new IllegalStateException("the decoders disagree: " + ours.size() + " and " + theirs.size()
                    + " events of " + expected.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!Arrays.equals(theirs.get(i), expected.get(i).toByteArray())) {
                throw new IllegalStateException("the reference decoded event " + i + " differently");
            }
        }
    }

    private static void decode(List<ByteBuffer> chunks, MessageCodec codec, Blackhole bh) {
        RecordIODecoder decoder = new RecordIODecoder(16 * 1024 * 1024);
        for (ByteBuffer chunk : chunks) {
            decoder.decode(chunk.duplicate(), record -> bh.consume(codec.decodeEvent(record)));
        }
        decoder.finish();
    }

    private static List<ByteBuffer> chunks(byte[] stream, int size) {
        List<ByteBuffer> out = new ArrayList<>();
        for (int i = 0; i < stream.length; i += size) {
            out.add(ByteBuffer.wrap(stream, i, Math.min(size, stream.length - i)).slice());
        }
        return out;
    }

    /** {@value #EVENTS} events, {@code updatePercent}% UPDATE, then OFFERS up to 95%, the rest HEARTBEAT. */
    static List<Event> realisticEvents(Random random, int updatePercent) {
        String masterId = UUID.randomUUID().toString();
        FrameworkID framework = FrameworkID.newBuilder().setValue(masterId + "-0000").build();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            int kind = random.nextInt(100);
            if (kind < updatePercent) {
                events.add(update(masterId, i, random));
            } else if (kind < Math.max(95, updatePercent)) {
                events.add(offers(masterId, framework, i, random));
            } else {
                events.add(Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
            }
        }
        return events;
    }

    private static AgentID agent(String masterId, int n) {
        return AgentID.newBuilder().setValue(masterId + "-S" + n).build();
    }

    private static Event update(String masterId, int i, Random random) {
        String task = "whisk-action-" + UUID.randomUUID();
        byte[] uuid = new byte[16];
        random.nextBytes(uuid);
        return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(
                TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(task))
                        .setState(random.nextBoolean() ? TaskState.TASK_RUNNING : TaskState.TASK_FINISHED)
                        .setSource(TaskStatus.Source.SOURCE_EXECUTOR).setAgentId(agent(masterId, random.nextInt(20)))
                        .setExecutorId(ExecutorID.newBuilder().setValue(task))
                        .setTimestamp(1.7e9 + i * 0.25).setUuid(ByteString.copyFrom(uuid))
                        .setMessage("Command exited with status 0")
                        .setContainerStatus(ContainerStatus.newBuilder()
                                .setContainerId(ContainerID.newBuilder().setValue(UUID.randomUUID().toString()))
                                .addNetworkInfos(NetworkInfo.newBuilder().addIpAddresses(NetworkInfo.IPAddress
                                        .newBuilder().setIpAddress("10.0.3." + random.nextInt(250))))
                                .setExecutorPid(1000 + random.nextInt(30000)))))
                .build();
    }

    private static Resource scalar(String name, double v) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(v)).build();
    }

    private static Event offers(String masterId, FrameworkID framework, int i, Random random) {
        Event.Offers.Builder offers = Event.Offers.newBuilder();
        for (int o = 0; o < 4; o++) {
            int agent = random.nextInt(20);
            String host = "agent-" + agent + ".cluster.example";
            offers.addOffers(Offer.newBuilder().setId(OfferID.newBuilder().setValue(masterId + "-O" + (i * 4 + o)))
                    .setFrameworkId(framework).setAgentId(agent(masterId, agent)).setHostname(host)
                    .setUrl(URL.newBuilder().setScheme("http").setPath("/slave(1)").setAddress(Address.newBuilder()
                            .setHostname(host).setIp("10.0.2." + agent).setPort(5051)))
                    .addResources(scalar("cpus", 1 + random.nextInt(16)))
                    .addResources(scalar("mem", 1024 * (1 + random.nextInt(64))))
                    .addResources(scalar("disk", 10240 * (1 + random.nextInt(10))))
                    .addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                            .setRanges(Value.Ranges.newBuilder()
                                    .addRange(Value.Range.newBuilder().setBegin(31000).setEnd(31500))
                                    .addRange(Value.Range.newBuilder().setBegin(31600).setEnd(32000))))
                    .addAttributes(Attribute.newBuilder().setName("rack").setType(Value.Type.TEXT)
                            .setText(Value.Text.newBuilder().setValue("rack-" + agent % 4)))
                    .addAttributes(Attribute.newBuilder().setName("zone").setType(Value.Type.TEXT)
                            .setText(Value.Text.newBuilder().setValue("zone-" + agent % 2))));
        }
        return Event.newBuilder().setType(Event.Type.OFFERS).setOffers(offers).build();
    }
}
