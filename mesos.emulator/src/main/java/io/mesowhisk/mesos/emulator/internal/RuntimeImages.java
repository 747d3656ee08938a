package io.mesowhisk.mesos.emulator.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runtime images: which docker images a simulated container runs as a real local process, and with which command.
 * Each entry is {@code PATTERN=COMMAND}: PATTERN is a glob ({@code *} any characters, {@code ?} one) matched against
 * the image name with and without its registry, tag and digest; COMMAND is a command line split on white space
 * (single and double quotes group, a backslash escapes), run without a shell, with placeholders {@code {port}},
 * {@code {host}}, {@code {sandbox}}, {@code {image}}, {@code {task-id}} and {@code {nodejs-proxy}} (the bundled
 * Node.js action proxy). An empty COMMAND keeps matching images simulated. The first matching entry wins; the
 * defaults, if enabled, are consulted after the explicit entries. Immutable and thread-safe.
 */
public final class RuntimeImages {

    /** The system property that sets entries (one entry; {@code .0}, {@code .1}, … for several). */
    public static final String SYSTEM_PROPERTY = "whisk.mesos.local.runtimes";
    /** The environment variable that sets entries, as OpenWhisk names {@link #SYSTEM_PROPERTY}. */
    public static final String ENVIRONMENT_VARIABLE = "CONFIG_whisk_mesos_local_runtimes";

    /** The placeholder for the path of the bundled Node.js action proxy. */
    public static final String NODEJS_PROXY = "{nodejs-proxy}";

    /** OpenWhisk's Node.js images run the bundled proxy with the {@code node} found on the PATH. */
    public static final List<String> DEFAULTS = List.of(
        "openwhisk/action-nodejs-v*=node " + NODEJS_PROXY + " --host {host} --port {port}",
        "openwhisk/nodejs*action=node " + NODEJS_PROXY + " --host {host} --port {port}");

    /** How users set entries, for error messages. */
    static final String HOW_TO_SET = "MesosEmulator.Builder.runtime(pattern, command), the standalone emulator's"
        + " --runtime PATTERN=COMMAND, the 'runtimes' property of configuration PID mesos.emulator, -D"
        + SYSTEM_PROPERTY + "=PATTERN=COMMAND or " + ENVIRONMENT_VARIABLE + "=PATTERN=COMMAND";

    private static final Set<String> PLACEHOLDERS = Set.of("port", "host", "sandbox", "image", "task-id",
        "nodejs-proxy");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z][a-z-]*)\\}");

    /** No runtime images: every docker task is simulated. */
    public static final RuntimeImages NONE = new RuntimeImages(List.of());

    /**
     * One {@code PATTERN=COMMAND} entry.
     *
     * @param text    the entry as given
     * @param source  where it came from, e.g. {@code system property whisk.mesos.local.runtimes.0}
     * @param pattern the glob
     * @param command the command's words before placeholders are replaced; empty: simulated
     */
    public record Entry(String text, String source, String pattern, List<String> command) {

        /** The command with its placeholders replaced by {@code values} (keys without braces). */
        List<String> argv(Map<String, String> values) {
            List<String> argv = new ArrayList<>(command.size());
            for (String word : command) {
                Matcher m = PLACEHOLDER.matcher(word);
                StringBuilder out = new StringBuilder();
                while (m.find()) {
                    String value = values.get(m.group(1));
                    m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
                }
                m.appendTail(out);
                argv.add(out.toString());
            }
            return argv;
        }

        boolean usesNodejsProxy() {
            return command.stream().anyMatch(w -> w.contains(NODEJS_PROXY));
        }

        @Override
        public String toString() {
            return "'" + text + "' (" + source + ")";
        }
    }

    private final List<Entry> entries;
    private final List<Pattern> globs;

    private RuntimeImages(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        List<Pattern> g = new ArrayList<>();
        for (Entry e : entries) {
            g.add(glob(e.pattern()));
        }
        this.globs = List.copyOf(g);
    }

    /** The entries, first match first. */
    public static RuntimeImages of(List<Entry> entries) {
        return entries.isEmpty() ? NONE : new RuntimeImages(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    /**
     * Parses {@code PATTERN=COMMAND}.
     *
     * @throws IllegalArgumentException naming the entry, its source and what was expected
     */
    public static Entry parse(String text, String source) {
        Objects.requireNonNull(text, "runtime image entry");
        int eq = text.indexOf('=');
        String pattern = eq < 0 ? "" : text.substring(0, eq).trim();
        if (eq < 0 || pattern.isEmpty() || pattern.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("runtime image entry '" + text + "' (" + source + "): expected"
                + " PATTERN=COMMAND with a docker image glob before the first '=', e.g. 'openwhisk/action-nodejs-v*="
                + "node " + NODEJS_PROXY + " --host {host} --port {port}'");
        }
        List<String> command;
        try {
            command = words(text.substring(eq + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("runtime image entry '" + text + "' (" + source + "): "
                + e.getMessage());
        }
        for (String word : command) {
            Matcher m = PLACEHOLDER.matcher(word);
            while (m.find()) {
                if (!PLACEHOLDERS.contains(m.group(1))) {
                    throw new IllegalArgumentException("runtime image entry '" + text + "' (" + source
                        + "): unknown placeholder " + m.group() + "; known: {port}, {host}, {sandbox}, {image},"
                        + " {task-id}, " + NODEJS_PROXY);
                }
            }
        }
        return new Entry(text, source, pattern, List.copyOf(command));
    }

    /**
     * The entry that serves {@code image}, or null when the image stays simulated (no entry matches, or the first
     * matching one has an empty command).
     */
    public Entry match(String image) {
        if (entries.isEmpty() || image == null || image.isEmpty()) {
            return null;
        }
        List<String> names = candidates(image);
        for (int i = 0; i < entries.size(); i++) {
            Pattern g = globs.get(i);
            for (String name : names) {
                if (g.matcher(name).matches()) {
                    Entry e = entries.get(i);
                    return e.command().isEmpty() ? null : e;
                }
            }
        }
        return null;
    }

    /**
     * The forms of an image name a pattern is matched against: as given; without digest; without tag; without
     * registry (a first component with a dot or colon, or {@code localhost}, as docker reads it); without both.
     */
    static List<String> candidates(String image) {
        List<String> out = new ArrayList<>(5);
        out.add(image);
        String name = image;
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
            out.add(name);
        }
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        String untagged = colon > slash ? name.substring(0, colon) : name;
        out.add(untagged);
        int first = untagged.indexOf('/');
        if (first > 0) {
            String registry = untagged.substring(0, first);
            if (registry.contains(".") || registry.contains(":") || registry.equals("localhost")) {
                out.add(name.substring(first + 1));
                out.add(untagged.substring(first + 1));
            }
        }
        return out;
    }

    private static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** Splits a command line into words: white space separates, quotes group, a backslash escapes. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\\') {
                if (i + 1 >= line.length()) {
                    throw new IllegalArgumentException("the command ends with a lone backslash");
                }
                w.append(line.charAt(++i));
                inWord = true;
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("the command has an unclosed " + quote + " quote");
        }
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }

    /**
     * The entries set by system properties ({@value #SYSTEM_PROPERTY}, or {@code .0}, {@code .1}, …) or, when there
     * are none, by environment variables ({@value #ENVIRONMENT_VARIABLE}, or {@code _0}, {@code _1}, …, as
     * OpenWhisk's {@code transformEnvironment.sh} reads them: empty values skipped, a value {@code $NAME} replaced
     * by the variable NAME when it is set).
     *
     * @throws IllegalArgumentException naming the bad property or variable
     */
    public static List<Entry> fromSystem(Properties properties, Map<String, String> environment) {
        Map<String, String> props = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            props.put(name, properties.getProperty(name));
        }
        List<Entry> fromProps = layer(props, SYSTEM_PROPERTY, ".", "system property ");
        if (!fromProps.isEmpty()) {
            return fromProps;
        }
        Map<String, String> env = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (value == null || value.isEmpty()) {
                return;
            }
            if (value.startsWith("$") && environment.get(value.substring(1)) != null) {
                value = environment.get(value.substring(1));
            }
            env.put(name, value);
        });
        return layer(env, ENVIRONMENT_VARIABLE, "_", "environment variable ");
    }

    private static List<Entry> layer(Map<String, String> values, String name, String separator, String kind) {
        TreeMap<Integer, String> indexed = new TreeMap<>();
        TreeMap<Integer, String> names = new TreeMap<>();
        String prefix = name + separator;
        for (Map.Entry<String, String> v : values.entrySet()) {
            String key = v.getKey();
            if (key.startsWith(prefix) && key.substring(prefix.length()).matches("\\d{1,9}")) {
                int index = Integer.parseInt(key.substring(prefix.length()));
                indexed.put(index, v.getValue());
                names.put(index, key);
            } else if (key.startsWith(prefix)) {
                throw new IllegalArgumentException(kind + key + ": expected " + name + " or " + prefix
                    + "<index> (0, 1, …) holding PATTERN=COMMAND");
            }
        }
        List<Entry> out = new ArrayList<>();
        String single = values.get(name);
        if (single != null && !indexed.isEmpty()) {
            throw new IllegalArgumentException(kind + name + " is given both as one value and as a list ("
                + names.firstEntry().getValue() + "): keep one");
        }
        if (single != null && !single.isBlank()) {
            out.add(parse(single, kind + name));
        }
        indexed.forEach((index, text) -> out.add(parse(text, kind + names.get(index))));
        return out;
    }

    /** The entries of {@link #DEFAULTS}. */
    public static List<Entry> defaults() {
        List<Entry> out = new ArrayList<>();
        for (String d : DEFAULTS) {
            out.add(parse(d, "default"));
        }
        return out;
    }

    /**
     * Where the command's program would come from: null if it can be found (an existing file, or a name found on
     * the {@code PATH}), else a description of what is missing. Placeholders in the program name are not checked.
     */
    static String missingProgram(Entry e, String path) {
        if (e.command().isEmpty()) {
            return null;
        }
        String program = e.command().get(0);
        if (PLACEHOLDER.matcher(program).find()) {
            return null;
        }
        if (program.contains(File.separator)) {
            return Files.isExecutable(Path.of(program)) ? null : program + " does not exist or is not executable";
        }
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                    return null;
                }
            }
        }
        return program + " is not on the PATH (" + path + ")";
    }
}
