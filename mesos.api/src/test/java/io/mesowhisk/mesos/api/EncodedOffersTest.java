package io.mesowhisk.mesos.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.Resource;
import io.mesowhisk.mesos.v1.Protos.TaskID;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus;
import io.mesowhisk.mesos.v1.Protos.Value;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finding the offers of an OFFERS event record without decoding them. */
class EncodedOffersTest {

    static Offer offer(int i) {
        return Offer.newBuilder().setId(OfferID.newBuilder().setValue("offer-" + i))
                .setFrameworkId(FrameworkID.newBuilder().setValue("fw-1"))
                .setAgentId(AgentID.newBuilder().setValue("agent-" + i)).setHostname("host-" + i)
                .addResources(Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR)
                        .setScalar(Value.Scalar.newBuilder().setValue(i)))
                .build();
    }

    static List<Offer> offers(int n) {
        List<Offer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(offer(i));
        }
        return out;
    }

    static byte[] event(List<Offer> offers) {
        return Event.newBuilder().setType(Event.Type.OFFERS)
                .setOffers(Event.Offers.newBuilder().addAllOffers(offers)).build().toByteArray();
    }

    @Test
    void findsEveryOfferOfARecordInOrderAndDecodesEachOnDemand() throws Exception {
        List<Offer> offers = offers(40); // more than the first index arrays hold
        byte[] record = event(offers);
        assertTrue(EncodedOffers.isOffersEvent(record));
        EncodedOffers encoded = EncodedOffers.fromEvent(record);
        assertEquals(40, encoded.size());
        assertEquals(offers, encoded.offers());
        assertEquals(offers.get(17), encoded.offer(17));
        assertEquals(offers.get(3), Offer.parseFrom(Arrays.copyOfRange(encoded.array(), encoded.offset(3),
                encoded.offset(3) + encoded.length(3))));
    }

    @Test
    void offersSplitOverSeveralPartsOfTheEventAreJoinedAsProtobufMergesThem() throws Exception {
        byte[] first = event(offers(2));
        // the same field again, as a writer may emit it: protobuf merges the two Offers messages into one list
        byte[] second = Event.newBuilder().setOffers(Event.Offers.newBuilder().addOffers(offer(7))).build()
                .toByteArray();
        byte[] record = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, record, first.length, second.length);
        assertEquals(Event.parseFrom(record).getOffers().getOffersList(), EncodedOffers.fromEvent(record).offers());
    }

    @Test
    void anEventOfAnotherTypeIsNotOffers() {
        byte[] update = Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder()
                .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t"))
                        .setState(TaskState.TASK_RUNNING))).build().toByteArray();
        assertFalse(EncodedOffers.isOffersEvent(update));
        MesosProtocolException e = assertThrows(MesosProtocolException.class, () -> EncodedOffers.fromEvent(update));
        assertTrue(e.getMessage().contains("Not an OFFERS event: type " + Event.Type.UPDATE_VALUE), e.getMessage());
    }

    @Test
    void aTruncatedRecordIsAProtocolErrorThatSaysSo() {
        byte[] record = event(offers(3));
        byte[] cut = Arrays.copyOf(record, record.length - 5);
        assertTrue(EncodedOffers.isOffersEvent(cut)); // the type comes first
        MesosProtocolException e = assertThrows(MesosProtocolException.class, () -> EncodedOffers.fromEvent(cut));
        assertTrue(e.getMessage().startsWith("Cannot read the offers of an OFFERS event from " + cut.length
                + " bytes"), e.getMessage());
    }

    @Test
    void anOfferMissingARequiredFieldIsReportedWhenDecoded() {
        Offer partial = Offer.newBuilder().setId(OfferID.newBuilder().setValue("o")).buildPartial();
        EncodedOffers encoded = EncodedOffers.fromEvent(Event.newBuilder().setType(Event.Type.OFFERS)
                .setOffers(Event.Offers.newBuilder().addOffers(partial).buildPartial()).buildPartial().toByteArray());
        assertEquals(1, encoded.size());
        MesosProtocolException e = assertThrows(MesosProtocolException.class, () -> encoded.offer(0));
        assertTrue(e.getMessage().contains("Offer 0 of an OFFERS event lacks") && e.getMessage().contains("hostname"),
                e.getMessage());
    }

    @Test
    void decodedOffersWrittenBackReadTheSame() {
        List<Offer> offers = offers(5);
        EncodedOffers encoded = EncodedOffers.of(offers);
        assertEquals(5, encoded.size());
        assertEquals(offers, encoded.offers());
        assertEquals(0, EncodedOffers.of(List.of()).size());
    }
}
