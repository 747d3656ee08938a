package io.mesowhisk.mesos.emulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.mesowhisk.mesos.v1.Protos;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** As Mesos behaves: the emulator's own JSON mapping and RecordIO framing. */
class MesosJsonTest {

    @Test
    void writesSnakeCaseEnumsByNameDoublesWithPointAndBase64Bytes() {
        Event e = Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
            .setFrameworkId(Protos.FrameworkID.newBuilder().setValue("f")).setHeartbeatIntervalSeconds(15)).build();
        assertEquals("{\"type\":\"SUBSCRIBED\",\"subscribed\":{\"framework_id\":{\"value\":\"f\"},"
            + "\"heartbeat_interval_seconds\":15.0}}", MesosJson.write(e));
        Protos.TaskStatus s = Protos.TaskStatus.newBuilder().setTaskId(Protos.TaskID.newBuilder().setValue("t"))
            .setState(Protos.TaskState.TASK_RUNNING).setUuid(ByteString.copyFrom(new byte[] {0, 1, 2})).build();
        assertEquals("{\"task_id\":{\"value\":\"t\"},\"state\":\"TASK_RUNNING\",\"uuid\":\"AAEC\"}",
            MesosJson.write(s));
    }

    @Test
    void writesUnsetFieldsWithExplicitDefaultsButNotDeprecatedOnes() {
        assertEquals("{\"refuse_seconds\":5.0}", MesosJson.write(Protos.Filters.getDefaultInstance()));
        String info = MesosJson.write(Protos.FrameworkInfo.newBuilder().setUser("u").setName("n").build());
        assertTrue(info.contains("\"failover_timeout\":0.0"), info);
        assertTrue(info.contains("\"checkpoint\":false"), info);
        assertTrue(!info.contains("\"role\""), "role is deprecated: " + info);
        assertTrue(MesosJson.write(Protos.CommandInfo.getDefaultInstance()).contains("\"shell\":true"));
    }

    @Test
    void writes64BitAndUnsignedIntegersAsNumbers() {
        Protos.Value.Range r = Protos.Value.Range.newBuilder().setBegin(-1L).setEnd(Long.MAX_VALUE).build();
        assertEquals("{\"begin\":18446744073709551615,\"end\":9223372036854775807}", MesosJson.write(r));
    }

    @Test
    void readsIgnoringUnknownFieldsAcceptingNumericStringsAndDroppingUnknownEnums() throws Exception {
        Call c = MesosJson.read("{\"type\":\"DECLINE\",\"extra\":{\"x\":[1,2]},\"framework_id\":{\"value\":\"f\"},"
            + "\"decline\":{\"offer_ids\":[{\"value\":\"o\"}],\"filters\":{\"refuse_seconds\":\"2.5\"}}}",
            Call.newBuilder()).build();
        assertEquals(Call.Type.DECLINE, c.getType());
        assertEquals(2.5, c.getDecline().getFilters().getRefuseSeconds());
        Call unknown = MesosJson.read("{\"type\":\"FOO\"}", Call.newBuilder()).build();
        assertTrue(!unknown.hasType());
        Protos.Value.Range r = MesosJson.read("{\"begin\":\"31000\",\"end\":18446744073709551615}",
            Protos.Value.Range.newBuilder()).build();
        assertEquals(31000, r.getBegin());
        assertEquals(-1L, r.getEnd());
        Protos.TaskStatus s = MesosJson.read("{\"task_id\":{\"value\":\"t\"},\"state\":\"TASK_LOST\","
            + "\"uuid\":\"AAEC\",\"timestamp\":\"Infinity\"}", Protos.TaskStatus.newBuilder()).build();
        assertEquals(ByteString.copyFrom(new byte[] {0, 1, 2}), s.getUuid());
        assertEquals(Double.POSITIVE_INFINITY, s.getTimestamp());
    }

    @Test
    void readsALoneValueAsAOneElementListAndTruncatesFractionalIntegers() throws Exception {
        // stout's parser: a repeated field given one value gets it as its only element; an integer field given a
        // fractional number gets the number cast (truncated toward zero)
        Call c = MesosJson.read("{\"type\":\"DECLINE\",\"framework_id\":{\"value\":\"f\"},"
            + "\"decline\":{\"offer_ids\":{\"value\":\"o1\"}}}", Call.newBuilder()).build();
        assertEquals(1, c.getDecline().getOfferIdsCount());
        assertEquals("o1", c.getDecline().getOfferIds(0).getValue());
        Protos.FrameworkInfo info = MesosJson.read("{\"user\":\"u\",\"name\":\"n\",\"roles\":\"a\"}",
            Protos.FrameworkInfo.newBuilder()).build();
        assertEquals(java.util.List.of("a"), info.getRolesList());
        Protos.Value.Range r = MesosJson.read("{\"begin\":8080.5,\"end\":8081}", Protos.Value.Range.newBuilder())
            .build();
        assertEquals(8080, r.getBegin());
        assertEquals(-1, MesosJson.read("{\"nanoseconds\":-1.9}", Protos.DurationInfo.newBuilder()).build()
            .getNanoseconds());
    }

    @Test
    void rejectsMissingRequiredFieldsAndWrongShapes() {
        MesosJson.JsonException e = assertThrows(MesosJson.JsonException.class,
            () -> MesosJson.read("{\"task_id\":{\"value\":\"t\"}}", Protos.TaskStatus.newBuilder()));
        assertTrue(e.getMessage().contains("state"), e.getMessage());
        assertThrows(MesosJson.JsonException.class,
            () -> MesosJson.read("{\"resources\":{}}", Protos.Offer.newBuilder()));
        assertThrows(MesosJson.JsonException.class, () -> MesosJson.read("{\"a\":}", Call.newBuilder()));
        assertThrows(MesosJson.JsonException.class, () -> MesosJson.read("[1]", Call.newBuilder()));
    }

    @Test
    void nestingIsBoundedAsPicojsonBoundsIt() throws Exception {
        String ok = "[".repeat(MesosJson.MAX_DEPTH) + "]".repeat(MesosJson.MAX_DEPTH);
        assertTrue(MesosJson.parse(ok) instanceof java.util.List);
        String deep = "{\"a\":".repeat(200_000) + "1" + "}".repeat(200_000);
        MesosJson.JsonException e = assertThrows(MesosJson.JsonException.class, () -> MesosJson.parse(deep));
        assertTrue(e.getMessage().startsWith("Document nesting depth (101) exceeds the maximum allowed (100"),
            e.getMessage());
    }

    @Test
    void numbersAsStoutReadsThem() throws Exception {
        // picojson hands any run of digits, signs, dots and exponents to strtod
        assertEquals(0, new java.math.BigDecimal(((MesosJson.Num) MesosJson.parse("01")).text()).compareTo(
            java.math.BigDecimal.ONE));
        assertEquals(0, new java.math.BigDecimal(((MesosJson.Num) MesosJson.parse("1.")).text()).compareTo(
            java.math.BigDecimal.ONE));
        assertEquals(new MesosJson.Num("-1.5e3"), MesosJson.parse("-1.5e3"));
        assertThrows(MesosJson.JsonException.class, () -> MesosJson.parse("1 2"));
        assertThrows(MesosJson.JsonException.class, () -> MesosJson.parse(""));
    }

    @Test
    void roundTripsMapsAsObjects() throws Exception {
        Protos.TaskInfo t = Protos.TaskInfo.newBuilder().setName("n").setTaskId(Protos.TaskID.newBuilder()
            .setValue("t")).setAgentId(Protos.AgentID.newBuilder().setValue("a"))
            .putLimits("cpus", Protos.Value.Scalar.newBuilder().setValue(1.5).build()).build();
        String json = MesosJson.write(t);
        assertTrue(json.contains("\"limits\":{\"cpus\":{\"value\":1.5}}"), json);
        assertEquals(t, MesosJson.read(json, Protos.TaskInfo.newBuilder()).build());
    }

    @Test
    void recordIoFramesByByteLength() {
        byte[] data = "{\"ü\":1}".getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = RecordIo.frame(data);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        assertEquals(data.length + "\n{\"ü\":1}", new String(out, StandardCharsets.UTF_8));
        assertEquals("20\n{\"type\":\"HEARTBEAT\"}", new String(RecordIo.frame(MesosJson.writeBytes(
            Event.newBuilder().setType(Event.Type.HEARTBEAT).build())).array(), StandardCharsets.UTF_8));
    }

    @Test
    void agentSpecSyntaxErrorsNameTheEntry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> SpecParser.resources("cpus:4;mem:lots"));
        assertTrue(e.getMessage().contains("'mem:lots'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpecParser.resources("ports:[32000-31000]"));
        assertTrue(e.getMessage().contains("32000-31000"), e.getMessage());
        assertEquals(4.0, SpecParser.resources("cpus:2;cpus(web):2").scalar("cpus"));
        // as Mesos's values::parse and Attributes::parse: sets are no attribute type, brackets must match and open
        // the value, numbers are C++'s (no Java suffixes), text otherwise
        e = assertThrows(IllegalArgumentException.class, () -> SpecParser.attributes("zone:{a,b}"));
        assertTrue(e.getMessage().endsWith("Bad type for attribute zone text {a,b} type SET"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpecParser.attributes("t:a[b"));
        assertTrue(e.getMessage().endsWith("error Mismatched brackets"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpecParser.attributes("t:a[b]"));
        assertTrue(e.getMessage().endsWith("error Unexpected '[' found"), e.getMessage());
        assertEquals("1d", SpecParser.attributes("zone:1d").get(0).getText().getValue());
        assertEquals(5.0, SpecParser.attributes("lvl:+5").get(0).getScalar().getValue());
        assertEquals(2, SpecParser.attributes("a:1\nb:2").size());
        e = assertThrows(IllegalArgumentException.class, () -> SpecParser.resources("cpus:2d"));
        assertTrue(e.getMessage().endsWith("Bad type for resource cpus value 2d type TEXT"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpecParser.resources("cpus:4:5"));
        assertTrue(e.getMessage().endsWith("missing or extra ':' in cpus:4:5"), e.getMessage());
        assertEquals(4.0, SpecParser.resources("cpus::4").scalar("cpus"));
        // the JSON form Resources::fromString tries first
        ResourceBag json = SpecParser.resources("[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":2}},"
            + "{\"name\":\"ports\",\"type\":\"RANGES\",\"role\":\"web\",\"ranges\":{\"range\":[{\"begin\":31000,"
            + "\"end\":31009}]}}]");
        assertEquals(2.0, json.scalar("cpus"));
        assertTrue(json.rangesContain("ports", 31005));
        assertTrue(json.entries().containsKey(new ResourceBag.Key("ports", "web")));
        e = assertThrows(IllegalArgumentException.class, () -> SpecParser.resources("[{\"name\":\"cpus\"}]"));
        assertTrue(e.getMessage().startsWith("Invalid resources JSON: "), e.getMessage());
    }
}
