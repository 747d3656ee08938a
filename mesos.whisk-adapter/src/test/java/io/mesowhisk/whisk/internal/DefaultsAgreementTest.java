package io.mesowhisk.whisk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The parser's {@link SettingsParser#DEFAULTS} are the one source of the defaults; the Metatype (what the Web
 * Console shows) and the README's configuration reference (what users read) must say the same, for every key.
 */
class DefaultsAgreementTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([a-z.-]+)`[^|]*\\| ([^|]+) \\|");

    @Test
    void theMetatypeHasEveryKeyWithTheParsersDefault() {
        Map<String, Object> metatype = new LinkedHashMap<>();
        for (Method m : WhiskMesosConfigDefinition.class.getDeclaredMethods()) {
            metatype.put(m.getName().replace("$_$", "-").replace('_', '.'), m.getDefaultValue());
        }
        assertEquals(SettingsParser.DEFAULTS.keySet(), metatype.keySet(), "the same keys");
        SettingsParser.DEFAULTS.forEach((key, value) ->
                assertEquals(canonical(value), canonical(metatype.get(key)), "Metatype default of " + key));
    }

    @Test
    void theReadmeTableHasEveryKeyWithTheParsersDefault() throws Exception {
        Path readme = Path.of("..", "README.md");
        assertTrue(Files.exists(readme), "the README at the reactor root: " + readme.toAbsolutePath());
        List<String> lines = Files.readAllLines(readme);
        int start = lines.indexOf(lines.stream().filter(l -> l.startsWith("## Configuration reference: PID `whisk.mesos`"))
                .findFirst().orElseThrow(() -> new AssertionError("no configuration reference section in the README")));
        Map<String, String> table = new LinkedHashMap<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                table.put(m.group(1), m.group(2).trim());
            }
        }
        assertEquals(List.copyOf(SettingsParser.DEFAULTS.keySet()), List.copyOf(table.keySet()),
                "the README table lists every key, in the parser's order");
        SettingsParser.DEFAULTS.forEach((key, value) -> {
            String written = table.get(key);
            if (key.equals(SettingsParser.MASTER_PUBLIC_URL)) {
                assertEquals("the first master URL", written, "empty means the first master URL");
                assertEquals("", value);
                return;
            }
            assertEquals(canonical(value), canonical(readmeValue(written)), "README default of " + key);
        });
    }

    /** {@code empty} → "", {@code `x`} → x, {@code `[]`} → an empty list, {@code `" "`} → a space. */
    private static Object readmeValue(String written) {
        if (written.equals("empty")) {
            return "";
        }
        if (!(written.startsWith("`") && written.endsWith("`"))) {
            throw new AssertionError("a README default is `a value` or \"empty\": " + written);
        }
        String v = written.substring(1, written.length() - 1);
        if (v.equals("[]")) {
            return List.of();
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** Durations compared as durations, lists as lists, everything else as text. */
    private static Object canonical(Object value) {
        if (value instanceof String[] array) {
            return Arrays.asList(array);
        }
        if (value instanceof List<?> list) {
            return list;
        }
        String s = String.valueOf(value);
        Duration d = s.matches(".*\\d.*[a-z]+") ? SettingsParser.parseDuration(s) : null;
        return d != null ? d : s;
    }
}
