package io.mesowhisk.mesos.api.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.mesowhisk.mesos.api.Encoding;
import io.mesowhisk.mesos.api.MesosProtocolException;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.CommandInfo;
import io.mesowhisk.mesos.v1.Protos.Filters;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.Resource;
import io.mesowhisk.mesos.v1.Protos.TaskID;
import io.mesowhisk.mesos.v1.Protos.TaskInfo;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.Protos.Value;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MessageCodecTest {

    static final FrameworkID FW = FrameworkID.newBuilder().setValue("5b2d6a3c-0e5f-4c4e-9e58-5f0b6f1d2c11-0000").build();
    static final AgentID AGENT = AgentID.newBuilder().setValue("5b2d6a3c-0e5f-4c4e-9e58-5f0b6f1d2c11-S0").build();

    static Resource scalar(String name, double v) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(v)).build();
    }

    static Resource ports(long begin, long end) {
        return Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end)))
                .build();
    }

    static Call acceptCall() {
        TaskInfo task = TaskInfo.newBuilder().setName("action-1").setTaskId(TaskID.newBuilder().setValue("t-1"))
                .setAgentId(AGENT).addResources(scalar("cpus", 0.5)).addResources(scalar("mem", 256))
                .addResources(ports(31000, 31000))
                .setCommand(CommandInfo.newBuilder().setValue("echo hi")).build();
        return Call.newBuilder().setType(Call.Type.ACCEPT).setFrameworkId(FW)
                .setAccept(Call.Accept.newBuilder().addOfferIds(OfferID.newBuilder().setValue("o-1"))
                        .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
                                .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)))
                        .setFilters(Filters.newBuilder().setRefuseSeconds(1.5)))
                .build();
    }

    static Event updateEvent() {
        return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder()
                .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t-1"))
                        .setState(TaskState.TASK_RUNNING).setAgentId(AGENT).setTimestamp(1.7e9)
                        .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
                        .setUuid(ByteString.copyFrom(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}))))
                .build();
    }

    static List<Message> samples() {
        return List.of(acceptCall(), updateEvent(),
                Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
                        .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("root").setName("whisk")
                                .addRoles("whisk").setFailoverTimeout(604800)
                                .addCapabilities(FrameworkInfo.Capability.newBuilder()
                                        .setType(FrameworkInfo.Capability.Type.MULTI_ROLE)))).build(),
                Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void roundTripsCallsAndEvents(Encoding encoding) {
        MessageCodec codec = MessageCodec.of(encoding);
        assertEquals(acceptCall(), codec.decodeCall(codec.encode(acceptCall())));
        assertEquals(updateEvent(), codec.decodeEvent(codec.encode(updateEvent())));
    }

    @Test
    void jsonUsesTheProtoFieldNamesLikeMesos() {
        String json = new String(MessageCodec.of(Encoding.JSON).encode(acceptCall()), UTF_8);
        for (String name : List.of("\"framework_id\"", "\"offer_ids\"", "\"task_infos\"", "\"task_id\"",
                "\"agent_id\"", "\"refuse_seconds\"", "\"type\":\"ACCEPT\"", "\"type\":\"LAUNCH\"")) {
            assertTrue(json.contains(name), name + " in " + json);
        }
        assertFalse(json.contains("frameworkId") || json.contains("offerIds") || json.contains("taskInfos"), json);
        assertFalse(json.contains(": ") || json.contains(", ") || json.contains("\n"), "no insignificant whitespace: " + json);
    }

    @Test
    void jsonPrintsInt64AsNumericStringsWhichMesosAccepts() {
        // documented difference: Mesos prints numbers, accepts numbers or numeric strings (stout's JSON reader)
        String json = new String(MessageCodec.of(Encoding.JSON).encode(acceptCall()), UTF_8);
        assertTrue(json.contains("\"begin\":\"31000\""), json);
    }

    @Test
    void parsesMesosStyleSubscribedEvent() {
        // as Mesos prints it: int64/uint32 as numbers, doubles like 15.0, fields outside our subset
        String json = "{\"type\":\"SUBSCRIBED\",\"subscribed\":{\"framework_id\":{\"value\":\"" + FW.getValue()
                + "\"},\"heartbeat_interval_seconds\":15.0,\"master_info\":{\"id\":\"5b2d6a3c\",\"ip\":16777343,"
                + "\"port\":5050,\"pid\":\"master@127.0.0.1:5050\",\"hostname\":\"localhost\",\"version\":\"1.11.0\","
                + "\"capabilities\":[{\"type\":\"AGENT_UPDATE\"}],\"a_field_from_the_future\":{\"x\":[1,2]}}}}";
        Event event = MessageCodec.of(Encoding.JSON).decodeEvent(json.getBytes(UTF_8));
        assertEquals(Event.Type.SUBSCRIBED, event.getType());
        assertEquals(FW, event.getSubscribed().getFrameworkId());
        assertEquals(15.0, event.getSubscribed().getHeartbeatIntervalSeconds());
        assertEquals(16777343, event.getSubscribed().getMasterInfo().getIp());
        assertEquals("localhost", event.getSubscribed().getMasterInfo().getHostname());
    }

    @Test
    void parsesMesosStyleOffersWithNumericRangesAndUpdateWithBase64Uuid() {
        String offers = "{\"type\":\"OFFERS\",\"offers\":{\"offers\":[{\"id\":{\"value\":\"o-1\"},"
                + "\"framework_id\":{\"value\":\"f\"},\"agent_id\":{\"value\":\"a\"},\"hostname\":\"h1\","
                + "\"resources\":[{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":31000,"
                + "\"end\":32000}]},\"role\":\"*\"},{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":4.0}}]}]}}";
        Event e = MessageCodec.of(Encoding.JSON).decodeEvent(offers.getBytes(UTF_8));
        Value.Range range = e.getOffers().getOffers(0).getResources(0).getRanges().getRange(0);
        assertEquals(31000, range.getBegin());
        assertEquals(32000, range.getEnd());
        String update = "{\"type\":\"UPDATE\",\"update\":{\"status\":{\"task_id\":{\"value\":\"t-1\"},"
                + "\"state\":\"TASK_RUNNING\",\"uuid\":\"AAECAwQFBgcICQoLDA0ODw==\",\"timestamp\":1.7E9}}}";
        Event u = MessageCodec.of(Encoding.JSON).decodeEvent(update.getBytes(UTF_8));
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
                u.getUpdate().getStatus().getUuid().toByteArray());
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void unknownEventTypeArrivesAsUnknownInsteadOfBreakingTheStream(Encoding encoding) {
        byte[] wire = encoding == Encoding.JSON ? "{\"type\":\"SOMETHING_NEW\"}".getBytes(UTF_8)
                : new byte[] {0x08, 0x63}; // field 1 (type), varint 99
        Event e = MessageCodec.of(encoding).decodeEvent(wire);
        assertEquals(Event.Type.UNKNOWN, e.getType());
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void missingRequiredFieldIsAProtocolError(Encoding encoding) {
        Event partial = Event.newBuilder().setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder().setHeartbeatIntervalSeconds(15).buildPartial()).buildPartial();
        MessageCodec codec = MessageCodec.of(encoding);
        MesosProtocolException e = assertThrows(MesosProtocolException.class,
                () -> codec.decodeEvent(codec.encode(partial)));
        assertTrue(e.getMessage().contains("framework_id"), e.getMessage());
        assertTrue(e.getMessage().startsWith("Cannot decode mesos.v1.scheduler.Event"), e.getMessage());
    }

    /** The binary event path parses without copying (strings and bytes share the record): same events, same errors. */
    @Test
    void binaryEventsDecodedWithoutCopyingEqualTheGeneratedParsersResult() throws Exception {
        MessageCodec codec = MessageCodec.of(Encoding.PROTOBUF);
        byte[] wire = codec.encode(updateEvent());
        Event decoded = codec.decodeEvent(wire.clone());
        assertEquals(Event.parseFrom(wire), decoded);
        assertEquals(updateEvent().getUpdate().getStatus().getUuid(), decoded.getUpdate().getStatus().getUuid());
        assertEquals(updateEvent().getUpdate().getStatus().getTaskId().getValue(),
                decoded.getUpdate().getStatus().getTaskId().getValue());
        // an end-group tag where the event should end is malformed, as for the generated byte[] parser
        MesosProtocolException e = assertThrows(MesosProtocolException.class,
                () -> codec.decodeEvent(new byte[] {0x08, 0x01, 0x0c}));
        assertTrue(e.getMessage().startsWith("Cannot decode mesos.v1.scheduler.Event from 3 bytes"), e.getMessage());
        assertThrows(com.google.protobuf.InvalidProtocolBufferException.class,
                () -> Event.parseFrom(new byte[] {0x08, 0x01, 0x0c}));
        // a truncated record
        assertThrows(MesosProtocolException.class, () -> codec.decodeEvent(java.util.Arrays.copyOf(wire, wire.length - 1)));
    }

    @Test
    void garbageIsAProtocolError() {
        assertThrows(MesosProtocolException.class,
                () -> MessageCodec.of(Encoding.JSON).decodeEvent("{\"type\":".getBytes(UTF_8)));
        assertThrows(MesosProtocolException.class,
                () -> MessageCodec.of(Encoding.JSON).decodeEvent("not json at all".getBytes(UTF_8)));
        assertThrows(MesosProtocolException.class,
                () -> MessageCodec.of(Encoding.PROTOBUF).decodeEvent(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}));
    }

    /** Our bytes and JSON names are what the official Mesos 1.11 classes (test scope) read and write. */
    @Test
    void interoperatesWithTheOfficialMesosClasses() throws Exception {
        for (Message ours : samples()) {
            boolean isCall = ours instanceof Call;
            Message.Builder official = isCall ? org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()
                    : org.apache.mesos.v1.scheduler.Protos.Event.newBuilder();
            Message fromBinary = official.clone().mergeFrom(ours.toByteArray()).build();
            assertTrue(fromBinary.getUnknownFields().asMap().isEmpty(), "unknown to Mesos: " + fromBinary);
            assertArrayEquals(ours.toByteArray(), fromBinary.toByteArray());

            Message.Builder fromJson = official.clone();
            JsonFormat.parser().merge(new String(MessageCodec.of(Encoding.JSON).encode(ours), UTF_8), fromJson);
            assertArrayEquals(ours.toByteArray(), fromJson.build().toByteArray());

            String officialJson = JsonFormat.printer().preservingProtoFieldNames().print(fromBinary);
            Message back = isCall ? MessageCodec.of(Encoding.JSON).decodeCall(officialJson.getBytes(UTF_8))
                    : MessageCodec.of(Encoding.JSON).decodeEvent(officialJson.getBytes(UTF_8));
            assertEquals(ours, back);
        }
    }
}
