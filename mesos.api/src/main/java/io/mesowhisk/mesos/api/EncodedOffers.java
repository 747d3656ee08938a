package io.mesowhisk.mesos.api;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The offers of one OFFERS event in their wire form (binary protobuf), found but not decoded. An OFFERS event of a
 * big cluster holds thousands of offers, of which a framework uses a few: decoding them all into protobuf objects
 * costs far more than deciding which to use (10,000 offers: about 25 ms to decode against 1-2 ms to place tasks on
 * them). A framework that reads what it needs straight from the bytes and decodes only the offers it accepts gets an
 * {@code EncodedOffers} by implementing {@link OffersListener}.
 *
 * <p>Offer {@code i} is the {@link #length(int)} bytes at {@link #offset(int)} of {@link #array()}: one serialized
 * {@code mesos.v1.Offer}. The array is shared, never copied: it must not be modified. The structure of the event is
 * checked when it is read (every offer's bytes lie inside the record); the content of each offer is checked only when
 * it is decoded or read.
 *
 * <p>Immutable and thread-safe; {@link #offer(int)} decodes each time it is called.
 */
public final class EncodedOffers {

    private static final int EVENT_TYPE = fieldTag(Event.TYPE_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
    private static final int EVENT_OFFERS = fieldTag(Event.OFFERS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int OFFERS_OFFER = fieldTag(Event.Offers.OFFERS_FIELD_NUMBER,
            WireFormat.WIRETYPE_LENGTH_DELIMITED);

    private final byte[] array;
    private final int[] offsets;
    private final int[] lengths;

    private EncodedOffers(byte[] array, int[] offsets, int[] lengths) {
        this.array = array;
        this.offsets = offsets;
        this.lengths = lengths;
    }

    /**
     * The offers of an OFFERS event record (one binary protobuf {@code mesos.v1.scheduler.Event}), taking ownership of
     * the array: it must not be modified afterwards.
     *
     * @throws MesosProtocolException if the record is not a well-formed event of type OFFERS
     */
    public static EncodedOffers fromEvent(byte[] record) {
        int count = 0;
        int[] offsets = new int[16];
        int[] lengths = new int[16];
        int type = -1;
        try {
            CodedInputStream in = CodedInputStream.newInstance(record);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == EVENT_TYPE) {
                    type = in.readEnum();
                } else if (tag == EVENT_OFFERS) {
                    // Offers may come in several parts; protobuf merges them into one list, in order
                    int limit = in.pushLimit(in.readRawVarint32());
                    for (int t = in.readTag(); t != 0; t = in.readTag()) {
                        if (t != OFFERS_OFFER) {
                            in.skipField(t);
                            continue;
                        }
                        int length = in.readRawVarint32();
                        if (count == offsets.length) {
                            offsets = Arrays.copyOf(offsets, count * 2);
                            lengths = Arrays.copyOf(lengths, count * 2);
                        }
                        offsets[count] = in.getTotalBytesRead();
                        lengths[count] = length;
                        count++;
                        in.skipRawBytes(length);
                    }
                    in.popLimit(limit);
                } else {
                    in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw new MesosProtocolException("Cannot read the offers of an OFFERS event from " + record.length
                    + " bytes: " + e.getMessage(), e);
        }
        if (type != Event.Type.OFFERS_VALUE) {
            throw new MesosProtocolException("Not an OFFERS event: type " + (type < 0 ? "missing" : type) + " in "
                    + record.length + " bytes");
        }
        return new EncodedOffers(record, Arrays.copyOf(offsets, count), Arrays.copyOf(lengths, count));
    }

    /** Whether a binary protobuf event record is of type OFFERS (reads only its type; a malformed record is not). */
    public static boolean isOffersEvent(byte[] record) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(record);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == EVENT_TYPE) {
                    return in.readEnum() == Event.Type.OFFERS_VALUE;
                }
                in.skipField(tag);
            }
        } catch (IOException e) {
            return false; // left to the full decoder, which says what is wrong
        }
        return false;
    }

    /** Decoded offers in their wire form (for an event that arrived in JSON, and for tests). */
    public static EncodedOffers of(List<Offer> offers) {
        int total = 0;
        for (Offer o : offers) {
            total += o.getSerializedSize();
        }
        byte[] array = new byte[total];
        int[] offsets = new int[offers.size()];
        int[] lengths = new int[offers.size()];
        CodedOutputStream out = CodedOutputStream.newInstance(array);
        try {
            for (int i = 0; i < offers.size(); i++) {
                offsets[i] = out.getTotalBytesWritten();
                lengths[i] = offers.get(i).getSerializedSize();
                offers.get(i).writeTo(out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Writing into an array of the exact size failed", e); // cannot happen
        }
        return new EncodedOffers(array, offsets, lengths);
    }

    /** The number of offers. */
    public int size() {
        return offsets.length;
    }

    /** The array holding every offer's bytes; shared, never to be modified. */
    public byte[] array() {
        return array;
    }

    /** Where offer {@code i} starts in {@link #array()}. */
    public int offset(int i) {
        return offsets[i];
    }

    /** How many bytes offer {@code i} has. */
    public int length(int i) {
        return lengths[i];
    }

    /**
     * Offer {@code i}, decoded; its string fields share {@link #array()}.
     *
     * @throws MesosProtocolException if its bytes are not a valid {@code mesos.v1.Offer} with every required field
     */
    public Offer offer(int i) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(array, offsets[i], lengths[i]);
            in.enableAliasing(true);
            Offer offer = Offer.parser().parsePartialFrom(in, ExtensionRegistryLite.getEmptyRegistry());
            in.checkLastTagWas(0);
            if (!offer.isInitialized()) {
                throw new MesosProtocolException("Offer " + i + " of an OFFERS event lacks "
                        + offer.findInitializationErrors());
            }
            return offer;
        } catch (InvalidProtocolBufferException e) {
            throw new MesosProtocolException("Cannot decode offer " + i + " of an OFFERS event (" + lengths[i]
                    + " bytes): " + e.getMessage(), e);
        }
    }

    /** Every offer, decoded, in order. */
    public List<Offer> offers() {
        List<Offer> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(offer(i));
        }
        return out;
    }

    @Override
    public String toString() {
        return size() + " encoded offer(s)";
    }

    private static int fieldTag(int number, int wireType) {
        return number << 3 | wireType;
    }
}
