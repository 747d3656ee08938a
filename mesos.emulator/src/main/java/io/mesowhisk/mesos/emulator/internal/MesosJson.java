package io.mesowhisk.mesos.emulator.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulator's own Mesos-style JSON mapping of protobuf messages, written from the behaviour of stout's
 * {@code jsonify}/{@code protobuf::parse}, deliberately independent of any client code.
 *
 * <p>Output: proto field names, enums by name, bytes base64, 64-bit integers as numbers, doubles with a decimal
 * point, set fields plus unset non-deprecated fields that declare an explicit default. Input: unknown fields ignored,
 * unknown enum names dropped, numbers accepted as JSON numbers or numeric strings, missing required fields rejected.
 * Stateless and thread-safe.
 */
public final class MesosJson {

    private MesosJson() {
    }

    /** A JSON text that is not valid JSON, or JSON that does not convert into the protobuf message. */
    public static final class JsonException extends Exception {
        private static final long serialVersionUID = 1L;

        JsonException(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------- writing

    public static String write(MessageOrBuilder message) {
        StringBuilder out = new StringBuilder(256);
        writeMessage(message, out);
        return out.toString();
    }

    public static byte[] writeBytes(MessageOrBuilder message) {
        return write(message).getBytes(StandardCharsets.UTF_8);
    }

    private static void writeMessage(MessageOrBuilder message, StringBuilder out) {
        out.append('{');
        boolean first = true;
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (field.isRepeated()) {
                int n = message.getRepeatedFieldCount(field);
                if (n == 0) {
                    continue;
                }
                first = name(field, first, out);
                if (field.isMapField()) {
                    writeMap(message, field, n, out);
                    continue;
                }
                out.append('[');
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    writeValue(field, message.getRepeatedField(field, i), out);
                }
                out.append(']');
            } else if (message.hasField(field)
                    || (field.hasDefaultValue() && !field.getOptions().getDeprecated()
                        && field.getJavaType() != FieldDescriptor.JavaType.MESSAGE)) {
                first = name(field, first, out);
                writeValue(field, message.getField(field), out);
            }
        }
        out.append('}');
    }

    private static void writeMap(MessageOrBuilder message, FieldDescriptor field, int n, StringBuilder out) {
        FieldDescriptor key = field.getMessageType().findFieldByName("key");
        FieldDescriptor value = field.getMessageType().findFieldByName("value");
        out.append('{');
        for (int i = 0; i < n; i++) {
            Message entry = (Message) message.getRepeatedField(field, i);
            if (i > 0) {
                out.append(',');
            }
            string(String.valueOf(entry.getField(key)), out);
            out.append(':');
            writeValue(value, entry.getField(value), out);
        }
        out.append('}');
    }

    private static boolean name(FieldDescriptor field, boolean first, StringBuilder out) {
        if (!first) {
            out.append(',');
        }
        string(field.getName(), out);
        out.append(':');
        return false;
    }

    private static void writeValue(FieldDescriptor field, Object value, StringBuilder out) {
        switch (field.getJavaType()) {
            case MESSAGE -> writeMessage((MessageOrBuilder) value, out);
            case ENUM -> string(((EnumValueDescriptor) value).getName(), out);
            case STRING -> string((String) value, out);
            case BYTE_STRING -> string(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()), out);
            case BOOLEAN -> out.append(((Boolean) value).booleanValue());
            case DOUBLE, FLOAT -> writeDouble(((Number) value).doubleValue(), out);
            case INT, LONG -> {
                FieldDescriptor.Type t = field.getType();
                boolean unsigned = t == FieldDescriptor.Type.UINT32 || t == FieldDescriptor.Type.UINT64
                    || t == FieldDescriptor.Type.FIXED32 || t == FieldDescriptor.Type.FIXED64;
                if (unsigned && value instanceof Integer i) {
                    out.append(Integer.toUnsignedString(i));
                } else if (unsigned && value instanceof Long l) {
                    out.append(Long.toUnsignedString(l));
                } else {
                    out.append(value);
                }
            }
        }
    }

    private static void writeDouble(double d, StringBuilder out) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            // JSON has no literal for these; Mesos's writer emits them as strings its parser accepts back.
            string(Double.isNaN(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"), out);
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d).append(".0");
        } else {
            out.append(d);
        }
    }

    /** Appends {@code s} as a JSON string literal. */
    public static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    // ---------------------------------------------------------------- reading

    /**
     * Deepest nesting of objects and arrays a JSON text may have, as stout's picojson allows
     * ({@code PICOJSON_DEFAULT_MAX_DEPTHS}); Mesos's messages need far less. Deeper text is a parse error, which keeps a
     * hostile body from exhausting the stack.
     */
    static final int MAX_DEPTH = 100;

    /**
     * Jackson's tokenizer with stout's leniency for numbers (picojson hands any run of digits, signs, dots and
     * exponents to strtod, so {@code 01} and {@code 1.} are numbers) and Jackson's limits on nesting, string and
     * number length.
     */
    private static final JsonFactory TOKENIZER = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
        .enable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
        .enable(JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS)
        .enable(JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS)
        .build();

    /** Parses JSON text into a tree of Map / List / String / Boolean / {@link Num} / null. */
    public static Object parse(String text) throws JsonException {
        try (JsonParser p = TOKENIZER.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new JsonException("Unexpected end of input at offset 0");
            }
            Object value = value(p, first);
            if (p.nextToken() != null) {
                throw new JsonException("Unexpected content after the JSON value at offset "
                    + p.currentTokenLocation().getCharOffset());
            }
            return value;
        } catch (JsonProcessingException e) {
            long offset = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
            throw new JsonException(e.getOriginalMessage() + (offset < 0 ? "" : " at offset " + offset));
        } catch (java.io.IOException e) {
            throw new JsonException(e.getMessage()); // not expected from a String source
        }
    }

    /** The value that starts at {@code token}; recursion is bounded by {@link #MAX_DEPTH}. */
    private static Object value(JsonParser p, JsonToken token) throws java.io.IOException {
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    map.put(name, value(p, p.nextToken()));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    list.add(value(p, t));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new Num(p.getText());
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new JsonParseException(p, "Unexpected token " + token);
        }
    }

    /** Converts a parsed JSON object into {@code builder}; throws when it does not fit the message. */
    public static <B extends Message.Builder> B merge(Object json, B builder) throws JsonException {
        if (!(json instanceof Map<?, ?> object)) {
            throw new JsonException("Expecting a JSON object");
        }
        mergeObject(object, builder);
        List<String> missing = builder.findInitializationErrors();
        if (!missing.isEmpty()) {
            throw new JsonException("Missing required fields: " + String.join(", ", missing));
        }
        return builder;
    }

    /** Parses {@code text} into {@code builder} (JSON syntax or conversion errors as {@link JsonException}). */
    public static <B extends Message.Builder> B read(String text, B builder) throws JsonException {
        return merge(parse(text), builder);
    }

    /** A JSON number, kept as its literal text so 64-bit integers are not rounded. */
    public record Num(String text) {
    }

    private static void mergeObject(Map<?, ?> object, Message.Builder builder) throws JsonException {
        Descriptor type = builder.getDescriptorForType();
        for (Map.Entry<?, ?> e : object.entrySet()) {
            FieldDescriptor field = type.findFieldByName((String) e.getKey());
            Object value = e.getValue();
            if (field == null || value == null) {
                continue; // unknown fields are ignored, as stout does
            }
            if (field.isMapField()) {
                if (!(value instanceof Map<?, ?> map)) {
                    throw new JsonException("Expecting a JSON object for map field '" + field.getName() + "'");
                }
                FieldDescriptor k = field.getMessageType().findFieldByName("key");
                FieldDescriptor v = field.getMessageType().findFieldByName("value");
                for (Map.Entry<?, ?> me : map.entrySet()) {
                    Message.Builder entry = builder.newBuilderForField(field);
                    entry.setField(k, convert(k, me.getKey(), entry));
                    Object converted = convert(v, me.getValue(), entry);
                    if (converted != null) {
                        entry.setField(v, converted);
                    }
                    builder.addRepeatedField(field, entry.build());
                }
            } else if (field.isRepeated()) {
                // stout adds a lone value to a repeated field as its one element (protobuf.hpp internal::Parser)
                List<?> list = value instanceof List<?> l ? l : List.of(value);
                for (Object item : list) {
                    Object converted = convert(field, item, builder);
                    if (converted != null) {
                        builder.addRepeatedField(field, converted);
                    }
                }
            } else {
                Object converted = convert(field, value, builder);
                if (converted != null) {
                    builder.setField(field, converted);
                }
            }
        }
    }

    private static Object convert(FieldDescriptor field, Object value, Message.Builder parent) throws JsonException {
        String name = field.getName();
        switch (field.getJavaType()) {
            case MESSAGE -> {
                if (!(value instanceof Map<?, ?> map)) {
                    throw new JsonException("Not expecting a JSON " + kind(value) + " for field '" + name + "'");
                }
                Message.Builder nested = parent.newBuilderForField(field);
                mergeObject(map, nested);
                return nested.buildPartial();
            }
            case ENUM -> {
                if (!(value instanceof String s)) {
                    throw new JsonException("Not expecting a JSON " + kind(value) + " for field '" + name + "'");
                }
                return field.getEnumType().findValueByName(s); // unknown names are dropped (null)
            }
            case STRING -> {
                if (value instanceof String s) {
                    return s;
                }
                throw new JsonException("Not expecting a JSON " + kind(value) + " for field '" + name + "'");
            }
            case BYTE_STRING -> {
                if (!(value instanceof String s)) {
                    throw new JsonException("Not expecting a JSON " + kind(value) + " for field '" + name + "'");
                }
                try {
                    return ByteString.copyFrom(Base64.getDecoder().decode(s));
                } catch (IllegalArgumentException e) {
                    throw new JsonException("Failed to base64 decode bytes field '" + name + "': " + e.getMessage());
                }
            }
            case BOOLEAN -> {
                if (value instanceof Boolean b) {
                    return b;
                }
                if ("true".equals(value) || "false".equals(value)) {
                    return Boolean.valueOf((String) value);
                }
                throw new JsonException("Not expecting a JSON " + kind(value) + " for field '" + name + "'");
            }
            default -> {
                String text;
                if (value instanceof Num n) {
                    text = n.text();
                } else if (value instanceof String s) {
                    text = s.trim();
                } else {
                    throw new JsonException("Not expecting a JSON " + kind(value) + " for field '" + name + "'");
                }
                try {
                    return number(field, text);
                } catch (NumberFormatException e) {
                    throw new JsonException("Failed to convert '" + text + "' to number for field '" + name + "'");
                }
            }
        }
    }

    private static Object number(FieldDescriptor field, String text) {
        switch (field.getType()) {
            case DOUBLE:
                return parseDouble(text);
            case FLOAT:
                return (float) parseDouble(text);
            case UINT32:
            case FIXED32:
                return Integer.parseUnsignedInt(integral(text));
            case UINT64:
            case FIXED64:
                return Long.parseUnsignedLong(integral(text));
            case INT64:
            case SINT64:
            case SFIXED64:
                return Long.parseLong(integral(text));
            default:
                return Integer.parseInt(integral(text));
        }
    }

    private static double parseDouble(String text) {
        return switch (text) {
            case "Infinity", "inf" -> Double.POSITIVE_INFINITY;
            case "-Infinity", "-inf" -> Double.NEGATIVE_INFINITY;
            case "NaN", "nan" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    /**
     * A JSON number for an integer field: stout's {@code JSON::Number::as<int64_t>()} casts a floating value, so
     * {@code 5.0} is 5 and {@code 8080.5} is 8080 (truncated toward zero).
     */
    private static String integral(String text) {
        if (text.indexOf('.') >= 0 || text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
            return new java.math.BigDecimal(text).toBigInteger().toString();
        }
        return text;
    }

    private static String kind(Object value) {
        if (value instanceof Map) {
            return "object";
        }
        if (value instanceof List) {
            return "array";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof Num) {
            return "number";
        }
        return "null";
    }
}
