package io.mesowhisk.mesos.scheduler.internal;

import static io.mesowhisk.mesos.scheduler.internal.HandMadeOffers.offer;
import static io.mesowhisk.mesos.scheduler.internal.HandMadeOffers.ports;
import static io.mesowhisk.mesos.scheduler.internal.HandMadeOffers.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.mesowhisk.mesos.api.EncodedOffers;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PortRange;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.Attribute;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.Resource;
import io.mesowhisk.mesos.v1.Protos.Value;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Offer intake from the wire form of an OFFERS event, checked against the same rules applied to decoded offers. */
class OfferIntakeTest {

    private final OfferIntake intake = new OfferIntake("whisk");

    private OfferView view(Offer offer) {
        return intake.convert(EncodedOffers.of(List.of(offer)), 0);
    }

    /** An offer given as raw bytes (fields in any order, unknown fields, broken data). */
    private OfferView view(byte[] offerBytes) {
        byte[] event = Event.newBuilder().setType(Event.Type.OFFERS).build().toByteArray();
        ByteString offers = ByteString.copyFrom(new byte[] {0x0a}).concat(varint(offerBytes.length))
                .concat(ByteString.copyFrom(offerBytes));
        ByteString record = ByteString.copyFrom(event).concat(ByteString.copyFrom(new byte[] {0x1a}))
                .concat(varint(offers.size())).concat(offers);
        return intake.convert(EncodedOffers.fromEvent(record.toByteArray()), 0);
    }

    private static ByteString varint(int v) {
        ByteString.Output out = ByteString.newOutput();
        while ((v & ~0x7f) != 0) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
        return out.toByteString();
    }

    @Test
    void countsOnlyWhatTheRoleMayUseAndTagsTheViewWithItsOffer() {
        Offer o = offer();
        OfferView v = view(o);
        assertEquals("O1", v.id());
        assertEquals("S1", v.agentId());
        assertEquals("host1", v.hostname());
        assertEquals(3000, v.cpusMilli());
        assertEquals(1024_000, v.memMilli());
        assertEquals(0, v.diskMilli());
        assertEquals("[31000-31002, 40000-40000]", v.ports().toString());
        assertEquals(o, OfferIntake.offerOf(v));
        assertSame(OfferIntake.offerOf(v), OfferIntake.offerOf(v), "decoded once");
    }

    @Test
    void blacklistedPortsAreCutOutOfTheView() {
        OfferView v = view(offer());
        OfferView cut = OfferIntake.withoutPorts(v, Set.of(31001, 41000));
        assertEquals("[31000-31000, 31002-31002, 40000-40000]", cut.ports().toString());
        assertEquals(v.cpusMilli(), cut.cpusMilli());
        assertSame(v.tag(), cut.tag());
        assertSame(v, OfferIntake.withoutPorts(v, Set.of(41000)), "no port of the view blacklisted: the same view");
        assertSame(v, OfferIntake.withoutPorts(v, Set.of()));
    }

    @Test
    void honoursRefinedReservationsAndSkipsRevocable() {
        Resource reservedForUs = scalar("cpus", 4, "").toBuilder().clearRole()
                .addReservations(Resource.ReservationInfo.newBuilder().setRole("other"))
                .addReservations(Resource.ReservationInfo.newBuilder().setRole("whisk")).build();
        Resource reservedAbove = scalar("mem", 512, "").toBuilder().clearRole()
                .addReservations(Resource.ReservationInfo.newBuilder().setRole("whisk"))
                .addReservations(Resource.ReservationInfo.newBuilder().setRole("whisk/child")).build();
        Resource reservedWithoutRole = scalar("disk", 100, "").toBuilder().clearRole()
                .addReservations(Resource.ReservationInfo.newBuilder()
                        .setType(Resource.ReservationInfo.Type.STATIC)).build();
        Resource revocable = scalar("cpus", 16, "*").toBuilder()
                .setRevocable(Resource.RevocableInfo.getDefaultInstance()).build();
        Resource revocablePorts = ports(45000, 45010, "*").toBuilder()
                .setRevocable(Resource.RevocableInfo.getDefaultInstance()).build();
        OfferView v = view(offer().toBuilder().addResources(reservedForUs).addResources(reservedAbove)
                .addResources(reservedWithoutRole).addResources(revocable).addResources(revocablePorts).build());
        assertEquals(7000, v.cpusMilli(), "1 unreserved + 2 for the role + 4 reserved (refined) for the role");
        assertEquals(1024_000, v.memMilli(), "a reservation refined for another role is not ours");
        assertEquals(0, v.diskMilli());
        assertEquals("[31000-31002, 40000-40000]", v.ports().toString());
    }

    @Test
    void givesAttributesInMesosTextFormsWhenPlacementFirstReadsThem() {
        Offer o = offer().toBuilder()
                .addAttributes(Attribute.newBuilder().setName("zone").setType(Value.Type.TEXT)
                        .setText(Value.Text.newBuilder().setValue("us-east-1a")))
                .addAttributes(Attribute.newBuilder().setName("gen").setType(Value.Type.SCALAR)
                        .setScalar(Value.Scalar.newBuilder().setValue(2.50049)))
                .addAttributes(Attribute.newBuilder().setName("slots").setType(Value.Type.RANGES)
                        .setRanges(Value.Ranges.newBuilder()
                                .addRange(Value.Range.newBuilder().setBegin(1).setEnd(2))
                                .addRange(Value.Range.newBuilder().setBegin(4).setEnd(5))))
                .addAttributes(Attribute.newBuilder().setName("gpus").setType(Value.Type.SET)
                        .setSet(Value.Set.newBuilder().addItem("a").addItem("b")))
                .addAttributes(Attribute.newBuilder().setName("bad").setType(Value.Type.SCALAR)
                        .setScalar(Value.Scalar.newBuilder().setValue(Double.NaN)))
                .build();
        OfferView v = view(o);
        assertEquals("us-east-1a", v.valueOf("zone"));
        assertEquals("2.5", v.valueOf("gen"));
        assertEquals("[1-2, 4-5]", v.valueOf("slots"));
        assertEquals("{a, b}", v.valueOf("gpus"));
        assertNull(v.valueOf("bad"), "an attribute Mesos would have refused is left out, not fatal");
        assertEquals(4, v.attributes().size());
        assertEquals(List.of(), view(offer()).attributes());
    }

    @Test
    void fieldsInAnyOrderRepeatedOrUnknownReadAsProtobufMergesThem() throws Exception {
        Offer resources = Offer.newBuilder().addResources(scalar("cpus", 2, "*"))
                .addResources(scalar("mem", 64, "*")).buildPartial();
        Offer ids = Offer.newBuilder().setId(OfferID.newBuilder().setValue("O9"))
                .setFrameworkId(FrameworkID.newBuilder().setValue("F"))
                .setAgentId(AgentID.newBuilder().setValue("S9")).setHostname("h9").buildPartial();
        // a resource whose name comes after its value, whose scalar is given twice, with a field from a newer Mesos
        Resource.Builder late = Resource.newBuilder().setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(1))
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(99, UnknownFieldSet.Field.newBuilder()
                        .addVarint(7).addFixed32(1).addFixed64(2).addLengthDelimited(ByteString.copyFromUtf8("x"))
                        .build()).build());
        byte[] lateBytes = concat(late.buildPartial().toByteArray(),
                Resource.newBuilder().setScalar(Value.Scalar.newBuilder().setValue(3)).setName("cpus")
                        .buildPartial().toByteArray());
        byte[] lateResource = concat(new byte[] {0x2a}, varint(lateBytes.length).toByteArray(), lateBytes);
        byte[] bytes = concat(resources.toByteArray(), lateResource, ids.toByteArray());
        OfferView v = view(bytes);
        Offer decoded = Offer.parser().parsePartialFrom(bytes);
        assertEquals("O9", v.id());
        assertEquals("S9", v.agentId());
        assertEquals("h9", v.hostname());
        assertEquals(5000, v.cpusMilli(), "2 + the later scalar (3) of the resource given twice");
        assertEquals(oracle(decoded, "whisk"), summary(v));
    }

    @Test
    void malformedOrIncompleteOffersAreRefusedWithWhatIsWrong() {
        byte[] whole = offer().toByteArray();
        IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
                () -> view(Arrays.copyOf(whole, whole.length - 3)));
        assertTrue(cut.getMessage().startsWith("malformed protobuf at byte "), cut.getMessage());
        IllegalArgumentException noAgent = assertThrows(IllegalArgumentException.class,
                () -> view(offer().toBuilder().clearAgentId().buildPartial().toByteArray()));
        assertEquals("offer O1 has no agent id", noAgent.getMessage());
        IllegalArgumentException noHost = assertThrows(IllegalArgumentException.class,
                () -> view(offer().toBuilder().clearHostname().buildPartial().toByteArray()));
        assertTrue(noHost.getMessage().contains("hostname must not be empty"), noHost.getMessage());
        IllegalArgumentException group = assertThrows(IllegalArgumentException.class,
                () -> view(concat(whole, new byte[] {(byte) (12 << 3 | 3)})));
        assertTrue(group.getMessage().contains("unsupported wire type 3 of field 12"), group.getMessage());
    }

    @Test
    void attributesOfAnOfferThatCannotBeDecodedAreNoneInsteadOfFailingPlacement() {
        // readable for intake, but without the framework id every offer must have: decoding it fails
        Offer partial = offer().toBuilder().clearFrameworkId().addAttributes(Attribute.newBuilder().setName("zone")
                .setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue("a"))).buildPartial();
        OfferView v = view(partial.toByteArray());
        assertEquals(3000, v.cpusMilli());
        assertEquals(List.of(), v.attributes());
        assertNull(v.valueOf("zone"));
    }

    @Test
    void portRangesMesosCouldNotMeanAreLeftOut() {
        OfferView v = view(offer().toBuilder().clearResources().addResources(ports(31000, 31001, "*"))
                .addResources(ports(70000, 70001, "*")).addResources(ports(32000, 31000, "*")).build());
        assertEquals("[31000-31001]", v.ports().toString());
    }

    /** Random offers: the wire reading agrees with the same rules applied to the decoded offer. */
    @Test
    void agreesWithTheDecodedOfferOnThousandsOfRandomOffers() {
        Random random = new Random(20261205);
        String[] names = {"cpus", "mem", "disk", "ports", "gpus", "cpu"};
        String[] roles = {"*", "whisk", "other", "whisk/child", "", "whiskers"};
        List<Offer> offers = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            Offer.Builder o = Offer.newBuilder().setId(OfferID.newBuilder().setValue("offer-" + i + "-é"))
                    .setFrameworkId(FrameworkID.newBuilder().setValue("F"))
                    .setAgentId(AgentID.newBuilder().setValue("agent-" + random.nextInt(50)))
                    .setHostname("host-" + i);
            for (int r = random.nextInt(9); r > 0; r--) {
                String name = names[random.nextInt(names.length)];
                Resource.Builder res = Resource.newBuilder().setName(name);
                if (name.equals("ports") || random.nextInt(10) == 0) {
                    Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
                    for (int k = random.nextInt(4); k > 0; k--) {
                        long begin = random.nextInt(70000);
                        ranges.addRange(Value.Range.newBuilder().setBegin(begin).setEnd(begin + random.nextInt(50)
                                - 5));
                    }
                    res.setType(Value.Type.RANGES).setRanges(ranges);
                } else {
                    res.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder()
                            .setValue(random.nextInt(100000) / 1000.0));
                }
                switch (random.nextInt(4)) {
                    case 0 -> { }
                    case 1 -> res.setRole(roles[random.nextInt(roles.length)]);
                    case 2 -> {
                        for (int k = random.nextInt(3) + 1; k > 0; k--) {
                            Resource.ReservationInfo.Builder ri = Resource.ReservationInfo.newBuilder()
                                    .setType(Resource.ReservationInfo.Type.DYNAMIC);
                            if (random.nextInt(5) > 0) {
                                ri.setRole(roles[random.nextInt(roles.length)]);
                            }
                            res.addReservations(ri);
                        }
                    }
                    default -> res.setRevocable(Resource.RevocableInfo.getDefaultInstance());
                }
                if (random.nextBoolean()) {
                    res.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole("whisk"));
                }
                o.addResources(res);
            }
            if (random.nextBoolean()) {
                o.addAttributes(Attribute.newBuilder().setName("zone").setType(Value.Type.TEXT)
                        .setText(Value.Text.newBuilder().setValue("z" + random.nextInt(3))));
            }
            offers.add(o.build());
        }
        EncodedOffers encoded = EncodedOffers.fromEvent(Event.newBuilder().setType(Event.Type.OFFERS)
                .setOffers(Event.Offers.newBuilder().addAllOffers(offers)).build().toByteArray());
        for (int i = 0; i < offers.size(); i++) {
            OfferView v = intake.convert(encoded, i);
            Offer o = offers.get(i);
            assertEquals(oracle(o, "whisk"), summary(v), o.toString());
            assertEquals(o.getId().getValue(), v.id());
            assertEquals(o.getAgentId().getValue(), v.agentId());
            assertEquals(o.getHostname(), v.hostname());
            assertEquals(o.getAttributesCount(), v.attributes().size());
            assertEquals(o, OfferIntake.offerOf(v));
        }
    }

    /** What placement needs, by the rules stated in {@link OfferIntake}, from a decoded offer. */
    private String oracle(Offer o, String role) {
        OfferIntake rules = new OfferIntake(role);
        double cpus = 0;
        double mem = 0;
        double disk = 0;
        List<PortRange> ports = new ArrayList<>();
        for (Resource r : o.getResourcesList()) {
            if (!rules.usable(r)) {
                continue;
            }
            switch (r.getName()) {
                case "cpus" -> cpus += r.getScalar().getValue();
                case "mem" -> mem += r.getScalar().getValue();
                case "disk" -> disk += r.getScalar().getValue();
                case "ports" -> {
                    for (Value.Range range : r.getRanges().getRangeList()) {
                        if (range.getEnd() <= 65535 && range.getBegin() <= range.getEnd()) {
                            ports.add(new PortRange(range.getBegin(), range.getEnd()));
                        }
                    }
                }
                default -> { }
            }
        }
        return Math.round(cpus * 1000) + " " + Math.round(mem * 1000) + " " + Math.round(disk * 1000) + " " + ports;
    }

    private static String summary(OfferView v) {
        return v.cpusMilli() + " " + v.memMilli() + " " + v.diskMilli() + " " + v.ports();
    }

    private static byte[] concat(byte[]... parts) {
        ByteString out = ByteString.EMPTY;
        for (byte[] p : parts) {
            out = out.concat(ByteString.copyFrom(p));
        }
        return out.toByteArray();
    }
}
