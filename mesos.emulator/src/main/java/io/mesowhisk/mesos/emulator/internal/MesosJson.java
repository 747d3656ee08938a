package io.mesowhisk.mesos.emulator.internal;

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
 * {@code jsonify}/{@code protobuf::parse} (mesos-api.md §1.5), deliberately independent of any client code.
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

    /** Parses JSON text into a tree of Map / List / String / Boolean / {@link Num} / null. */
    public static Object parse(String text) throws JsonException {
        Parser p = new Parser(text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.pos != text.length()) {
            throw new JsonException("Unexpected character '" + text.charAt(p.pos) + "' at offset " + p.pos);
        }
        return v;
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

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        void ws() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                } else {
                    break;
                }
            }
        }

        JsonException error(String what) {
            return new JsonException(what + " at offset " + pos);
        }

        Object value() throws JsonException {
            if (pos >= s.length()) {
                throw error("Unexpected end of input");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return str();
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return num();
                    }
                    throw error("Unexpected character '" + c + "'");
            }
        }

        void literal(String word) throws JsonException {
            if (!s.startsWith(word, pos)) {
                throw error("Invalid literal");
            }
            pos += word.length();
        }

        Map<String, Object> object() throws JsonException {
            Map<String, Object> map = new LinkedHashMap<>();
            pos++;
            ws();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return map;
            }
            while (true) {
                ws();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw error("Expecting a string key");
                }
                String key = str();
                ws();
                expect(':');
                ws();
                map.put(key, value());
                ws();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                expect('}');
                return map;
            }
        }

        List<Object> array() throws JsonException {
            List<Object> list = new ArrayList<>();
            pos++;
            ws();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return list;
            }
            while (true) {
                ws();
                list.add(value());
                ws();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                expect(']');
                return list;
            }
        }

        void expect(char c) throws JsonException {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw error("Expecting '" + c + "'");
            }
            pos++;
        }

        String str() throws JsonException {
            pos++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("Unterminated string");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    if (pos >= s.length()) {
                        throw error("Unterminated string");
                    }
                    char e = s.charAt(pos++);
                    switch (e) {
                        case '"', '\\', '/' -> b.append(e);
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'n' -> b.append('\n');
                        case 'r' -> b.append('\r');
                        case 't' -> b.append('\t');
                        case 'u' -> {
                            if (pos + 4 > s.length()) {
                                throw error("Bad unicode escape");
                            }
                            try {
                                b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                            } catch (NumberFormatException ex) {
                                throw error("Bad unicode escape");
                            }
                            pos += 4;
                        }
                        default -> throw error("Bad escape '\\" + e + "'");
                    }
                } else if (c < 0x20) {
                    throw error("Control character in string");
                } else {
                    b.append(c);
                }
            }
        }

        Num num() throws JsonException {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            int digits = pos;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                    pos++;
                } else {
                    break;
                }
            }
            String text = s.substring(start, pos);
            if (pos == digits) {
                throw error("Invalid number");
            }
            try {
                new java.math.BigDecimal(text);
            } catch (NumberFormatException e) {
                throw error("Invalid number '" + text + "'");
            }
            return new Num(text);
        }
    }
}
