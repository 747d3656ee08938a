package io.mesowhisk.mesos.api.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UninitializedMessageException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.util.JsonFormat;
import io.mesowhisk.mesos.api.Encoding;
import io.mesowhisk.mesos.api.MesosProtocolException;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes scheduler API messages in one {@link Encoding}. Thread-safe and stateless.
 *
 * <p>JSON follows Mesos's mapping: proto field names ({@code framework_id}, not {@code frameworkId}), enums by
 * name, bytes as standard base64. Differences that do not matter to Mesos, checked by tests:
 * <ul>
 * <li>int64/uint64 are printed as JSON strings ({@code "begin":"31000"}); Mesos accepts numeric strings for
 *     numeric fields. Mesos's numbers are parsed as well.</li>
 * <li>Unknown JSON fields (from a newer Mesos, or outside our .proto subset) are ignored, as Mesos does.</li>
 * <li>An unknown enum name is dropped (field left unset), so an event of a type this client does not know
 *     arrives with type {@code UNKNOWN} instead of breaking the stream; same for binary protobuf.</li>
 * </ul>
 * A message missing a required field is a protocol error in both encodings.
 */
public final class MessageCodec {
    private static final MessageCodec PROTOBUF = new MessageCodec(Encoding.PROTOBUF);
    private static final MessageCodec JSON = new MessageCodec(Encoding.JSON);

    private final Encoding encoding;
    private final JsonFormat.Printer printer =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private final JsonFormat.Parser parser = JsonFormat.parser().ignoringUnknownFields();

    private MessageCodec(Encoding encoding) {
        this.encoding = encoding;
    }

    /** The codec of an encoding. */
    public static MessageCodec of(Encoding encoding) {
        return switch (encoding) {
            case PROTOBUF -> PROTOBUF;
            case JSON -> JSON;
        };
    }

    public Encoding encoding() {
        return encoding;
    }

    /** The wire form of a message (a {@link Call}, or an {@link Event} in tests and fake masters). */
    public byte[] encode(Message message) {
        if (encoding == Encoding.PROTOBUF) {
            return message.toByteArray();
        }
        try {
            return printer.print(message).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            // only for Any fields without a type registry: our messages have none
            throw new IllegalArgumentException("Cannot print " + message.getDescriptorForType().getFullName()
                    + " as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes one event record, taking ownership of the array: in binary protobuf the event's string and bytes fields
     * are views of {@code record}, not copies, so the caller must never modify it afterwards ({@link RecordIODecoder}
     * hands every record its own array). This is the event stream's hot path: parsing without copying every string
     * is what makes it as fast as the old protobuf 3 generated code. The record stays reachable for as long as such a
     * field does (a string field stops sharing it once read as a {@code String}); a record is a few hundred bytes.
     *
     * @throws MesosProtocolException if the record is not a valid event or misses a required field
     */
    public Event decodeEvent(byte[] record) {
        if (encoding != Encoding.PROTOBUF) {
            return decode(record, Event.newBuilder());
        }
        Event event;
        try {
            CodedInputStream input = UnsafeByteOperations.unsafeWrap(record).newCodedInput();
            input.enableAliasing(true);
            event = Event.parser().parsePartialFrom(input, ExtensionRegistryLite.getEmptyRegistry());
            input.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            throw new MesosProtocolException("Cannot decode mesos.v1.scheduler.Event from " + record.length
                    + " bytes of " + encoding.mediaType() + ": " + e.getMessage(), e);
        }
        if (!event.isInitialized()) {
            UninitializedMessageException e = new UninitializedMessageException(event.findInitializationErrors());
            throw new MesosProtocolException("Cannot decode mesos.v1.scheduler.Event from " + record.length
                    + " bytes of " + encoding.mediaType() + ": " + e.getMessage(), e);
        }
        return event;
    }

    /** Decodes one call body (fake masters and tests). */
    public Call decodeCall(byte[] body) {
        return decode(body, Call.newBuilder());
    }

    /**
     * Decodes into {@code builder} and builds.
     *
     * @throws MesosProtocolException if the bytes are not a valid message of the builder's type in this encoding,
     *         or a required field is missing
     */
    @SuppressWarnings("unchecked")
    public <M extends Message> M decode(byte[] bytes, Message.Builder builder) {
        String type = builder.getDescriptorForType().getFullName();
        try {
            if (encoding == Encoding.PROTOBUF) {
                builder.mergeFrom(bytes);
            } else {
                parser.merge(new String(bytes, StandardCharsets.UTF_8), builder);
            }
            return (M) builder.build();
        } catch (InvalidProtocolBufferException | UninitializedMessageException e) {
            throw new MesosProtocolException("Cannot decode " + type + " from " + bytes.length + " bytes of "
                    + encoding.mediaType() + ": " + e.getMessage() + preview(bytes), e);
        } catch (RuntimeException e) {
            // JsonFormat reports some malformed input (e.g. deeply nested or non-JSON text) this way
            throw new MesosProtocolException("Cannot decode " + type + " from " + bytes.length + " bytes of "
                    + encoding.mediaType() + ": " + e + preview(bytes), e);
        }
    }

    private String preview(byte[] bytes) {
        if (encoding != Encoding.JSON) {
            return "";
        }
        String text = new String(bytes, 0, Math.min(bytes.length, 120), StandardCharsets.UTF_8);
        return " (starts with: " + text.replaceAll("\\p{Cntrl}", "?") + ")";
    }
}
