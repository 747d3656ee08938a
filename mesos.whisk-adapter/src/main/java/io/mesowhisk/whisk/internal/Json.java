package io.mesowhisk.whisk.internal;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.Optional;

/** Strict JSON reading (no lenient Gson extensions) and string quoting, for the action proxy and the agent. */
final class Json {

    private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);

    private Json() {
    }

    /** The one JSON value the whole text holds, or empty when it is not exactly one strict JSON value. */
    static Optional<JsonElement> parse(String text) {
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setLenient(false);
            JsonElement element = ELEMENT.read(reader);
            if (element == null || reader.peek() != JsonToken.END_DOCUMENT) {
                return Optional.empty();
            }
            return Optional.of(element);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The parsed value of a caller's JSON text.
     *
     * @throws IllegalArgumentException naming {@code what} when the text is not JSON
     */
    static JsonElement require(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " must be JSON text, got null");
        }
        return parse(text).orElseThrow(() -> new IllegalArgumentException(what + " is not valid JSON: "
                + (text.length() > 200 ? text.substring(0, 200) + "..." : text)));
    }

    /** {@code text} as a JSON string literal. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
