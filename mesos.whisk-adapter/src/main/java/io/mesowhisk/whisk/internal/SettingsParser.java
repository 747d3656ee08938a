package io.mesowhisk.whisk.internal;

import io.mesowhisk.mesos.api.MesosClientConfig;
import io.mesowhisk.mesos.scheduler.FrameworkSettings;
import io.mesowhisk.whisk.WhiskMesosSettings;
import io.mesowhisk.whisk.WhiskMesosSettings.Encoding;
import io.mesowhisk.whisk.WhiskMesosSettings.HealthCheck;
import io.mesowhisk.whisk.WhiskMesosSettings.Secret;
import io.mesowhisk.whisk.WhiskMesosSettings.Timeouts;
import io.mesowhisk.whisk.internal.OpenWhiskEnvironment.Sourced;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns layered raw {@code whisk.mesos} values (defaults, environment, system properties, ConfigAdmin) into one
 * validated {@link WhiskMesosSettings}, or refuses them with every problem named: the key, the value, where it came
 * from and what was expected.
 *
 * <p>Keys are relative to {@code whisk.mesos} and spelled as in OpenWhisk's configuration ({@code master-url},
 * {@code timeouts.task-launch}); a {@code whisk.mesos.} prefix is tolerated. The two spellings OpenWhisk's own
 * document and code disagree on are both accepted: {@code master-url-public} / {@code master-public-url} and
 * {@code failover-timeout-seconds} / {@code timeouts.failover}. Lists are arrays, collections, a single string, or
 * indexed keys ({@code constraints.0}, {@code constraints.1}, as {@code CONFIG_whisk_mesos_constraints_0} gives).
 */
final class SettingsParser {

    static final String MASTER_URL = "master-url";
    static final String MASTER_PUBLIC_URL = "master-public-url";
    static final String ROLE = "role";
    static final String FAILOVER = "timeouts.failover";
    static final String LINK_LOG_MESSAGE = "mesos-link-log-message";
    static final String CONSTRAINTS = "constraints";
    static final String BLACKBOX_CONSTRAINTS = "blackbox-constraints";
    static final String CONSTRAINT_DELIMITER = "constraint-delimiter";
    static final String TEARDOWN_ON_EXIT = "teardown-on-exit";
    static final String OFFER_REFUSE_DURATION = "offer-refuse-duration";
    static final String HEARTBEAT_MAX_FAILURES = "heartbeat-max-failures";
    static final String TASK_LAUNCH = "timeouts.task-launch";
    static final String TASK_DELETE = "timeouts.task-delete";
    static final String SUBSCRIBE = "timeouts.subscribe";
    static final String TEARDOWN = "timeouts.teardown";
    static final String HC_ENABLED = "health-check.enabled";
    static final String HC_PORT_INDEX = "health-check.port-index";
    static final String HC_DELAY = "health-check.delay";
    static final String HC_INTERVAL = "health-check.interval";
    static final String HC_TIMEOUT = "health-check.timeout";
    static final String HC_GRACE = "health-check.grace-period";
    static final String HC_MAX_FAILURES = "health-check.max-consecutive-failures";
    static final String PRINCIPAL = "principal";
    static final String SECRET = "secret";
    static final String ENCODING = "encoding";
    static final String FRAMEWORK_NAME = "framework-name";
    static final String USER = "user";
    static final String DOCKER_FAILURE_RETRIES = "docker-failure-retries";

    /**
     * Keys under {@code local.} (e.g. {@code local.runtimes}) configure the embedded Mesos emulator of local mode;
     * the emulator reads and checks them, so they are not refused here as unknown.
     */
    static final String LOCAL_PREFIX = "local.";

    /** Alias → canonical key. */
    private static final Map<String, String> ALIASES = Map.of(
            "master-url-public", MASTER_PUBLIC_URL,
            "failover-timeout-seconds", FAILOVER);

    private static final Set<String> LISTS = Set.of(CONSTRAINTS, BLACKBOX_CONSTRAINTS);

    /** Every key with its default, in the order of the README's reference. */
    static final Map<String, Object> DEFAULTS = defaults();

    private static final Pattern INDEXED = Pattern.compile("(.+)\\.(\\d+)");
    private static final Pattern DURATION = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)\\s*");

    private SettingsParser() {
    }

    private static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(MASTER_URL, "");
        d.put(MASTER_PUBLIC_URL, "");
        d.put(ROLE, "*");
        d.put(FAILOVER, "0 seconds");
        d.put(LINK_LOG_MESSAGE, true);
        d.put(CONSTRAINTS, List.of());
        d.put(BLACKBOX_CONSTRAINTS, List.of());
        d.put(CONSTRAINT_DELIMITER, " ");
        d.put(TEARDOWN_ON_EXIT, true);
        d.put(OFFER_REFUSE_DURATION, "5 seconds");
        d.put(HEARTBEAT_MAX_FAILURES, 2);
        d.put(TASK_LAUNCH, "45 seconds");
        d.put(TASK_DELETE, "30 seconds");
        d.put(SUBSCRIBE, "10 seconds");
        d.put(TEARDOWN, "30 seconds");
        d.put(HC_ENABLED, true);
        d.put(HC_PORT_INDEX, 0);
        d.put(HC_DELAY, "0 seconds");
        d.put(HC_INTERVAL, "1 second");
        d.put(HC_TIMEOUT, "1 second");
        d.put(HC_GRACE, "25 seconds");
        d.put(HC_MAX_FAILURES, 3);
        d.put(PRINCIPAL, "");
        d.put(SECRET, "");
        d.put(ENCODING, "protobuf");
        d.put(FRAMEWORK_NAME, "whisk-containerfactory-framework");
        d.put(USER, "root");
        d.put(DOCKER_FAILURE_RETRIES, 3);
        return java.util.Collections.unmodifiableMap(d);
    }

    /** Refused configuration: the message names every problem. */
    static final class InvalidConfigurationException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidConfigurationException(List<String> problems) {
            super("invalid whisk.mesos configuration: " + String.join("; ", problems));
        }
    }

    /**
     * Merges the layers (lowest precedence first) over the defaults and validates the result.
     *
     * @throws InvalidConfigurationException naming every key that is wrong
     */
    static WhiskMesosSettings parse(List<Map<String, Sourced>> layers) {
        List<String> problems = new ArrayList<>();
        Map<String, Sourced> merged = new TreeMap<>();
        for (Map<String, Sourced> layer : layers) {
            merged.putAll(normalize(layer, problems));
        }
        for (Map.Entry<String, Sourced> e : merged.entrySet()) {
            if (!DEFAULTS.containsKey(e.getKey())) {
                problems.add("unknown key whisk.mesos." + e.getKey() + " (from " + e.getValue().source()
                        + "); known keys: " + String.join(", ", new TreeSet<>(DEFAULTS.keySet())));
            }
        }
        Values v = new Values(merged, problems);
        List<URI> masters = v.masterUrls();
        Optional<URI> publicUrl = v.optionalUrl(MASTER_PUBLIC_URL);
        String role = v.string(ROLE);
        FrameworkSettings.validateRole(role).ifPresent(p -> v.problem(ROLE, "a valid Mesos role (" + p + ")"));
        Duration failover = v.duration(FAILOVER);
        if (failover.compareTo(FrameworkSettings.MAX_FAILOVER_TIMEOUT) > 0) {
            v.problem(FAILOVER, "a failover timeout Mesos accepts (it must fit in int64 nanoseconds)");
        }
        String delimiter = v.string(CONSTRAINT_DELIMITER);
        if (delimiter.isEmpty()) {
            v.problem(CONSTRAINT_DELIMITER, "a non-empty delimiter");
        }
        List<String> constraints = v.list(CONSTRAINTS);
        List<String> blackbox = v.list(BLACKBOX_CONSTRAINTS);
        Timeouts timeouts = new Timeouts(v.positiveDuration(TASK_LAUNCH), v.positiveDuration(TASK_DELETE),
                v.positiveDuration(SUBSCRIBE), v.positiveDuration(TEARDOWN));
        HealthCheck healthCheck = new HealthCheck(v.bool(HC_ENABLED), v.integer(HC_PORT_INDEX, 0),
                v.duration(HC_DELAY), v.positiveDuration(HC_INTERVAL), v.positiveDuration(HC_TIMEOUT),
                v.duration(HC_GRACE), v.integer(HC_MAX_FAILURES, 1));
        Optional<String> principal = Optional.of(v.string(PRINCIPAL)).filter(s -> !s.isEmpty());
        Optional<Secret> secret = Optional.of(v.string(SECRET)).filter(s -> !s.isEmpty()).map(Secret::new);
        if (secret.isPresent() && principal.isEmpty()) {
            v.problem(SECRET, "a principal to go with the secret (set whisk.mesos.principal)");
        }
        if (principal.isPresent() && secret.isEmpty() && principal.get().contains(":")) {
            v.problem(PRINCIPAL, "a principal without ':' (HTTP Basic cannot carry it)");
        }
        if (principal.isPresent() && secret.isPresent()) {
            try {
                MesosClientConfig.builder().masters("http://localhost").credentials(principal.get(),
                        secret.get().reveal()).build();
            } catch (IllegalArgumentException e) {
                // the client's own rule; its message never shows the secret
                v.problem(e.getMessage().contains("principal") ? PRINCIPAL : SECRET,
                        "credentials the Mesos client accepts: " + clientProblem(e.getMessage()));
            }
        }
        Encoding encoding = v.encoding();
        String frameworkName = v.nonEmpty(FRAMEWORK_NAME);
        String user = v.nonEmpty(USER);
        WhiskMesosSettings settings = new WhiskMesosSettings(masters, publicUrl, role, failover,
                v.bool(LINK_LOG_MESSAGE), constraints, blackbox, delimiter, v.bool(TEARDOWN_ON_EXIT),
                v.duration(OFFER_REFUSE_DURATION), v.integer(HEARTBEAT_MAX_FAILURES, 1), timeouts, healthCheck,
                principal, secret, encoding, frameworkName, user, v.integer(DOCKER_FAILURE_RETRIES, 0),
                sources(merged));
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return settings;
    }

    /** The client's message without its "Invalid Mesos client configuration: " prefix. */
    static String clientProblem(String message) {
        int colon = message.indexOf(": ");
        return colon < 0 ? message : message.substring(colon + 2);
    }

    private static Map<String, String> sources(Map<String, Sourced> merged) {
        Map<String, String> sources = new TreeMap<>();
        merged.forEach((key, value) -> sources.put(key, value.source()));
        return sources;
    }

    /** Canonical keys, indexed list entries gathered, aliases resolved; conflicts within one layer refused. */
    private static Map<String, Sourced> normalize(Map<String, Sourced> layer, List<String> problems) {
        Map<String, Sourced> out = new TreeMap<>();
        Map<String, TreeMap<Integer, Sourced>> indexed = new TreeMap<>();
        for (Map.Entry<String, Sourced> e : layer.entrySet()) {
            String key = e.getKey().startsWith(OpenWhiskEnvironment.NAMESPACE)
                    ? e.getKey().substring(OpenWhiskEnvironment.NAMESPACE.length()) : e.getKey();
            if (key.startsWith(LOCAL_PREFIX)) {
                continue; // the embedded emulator's settings (local mode): read and checked by the emulator
            }
            Sourced value = e.getValue();
            Matcher m = INDEXED.matcher(key);
            if (m.matches() && LISTS.contains(m.group(1))) {
                indexed.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(Integer.parseInt(m.group(2)), value);
                continue;
            }
            if (key.equals("failover-timeout-seconds") && value.value() != null
                    && value.value().toString().trim().matches("\\d+(\\.\\d+)?")) {
                value = new Sourced(value.value().toString().trim() + " seconds", value.source());
            }
            String canonical = ALIASES.getOrDefault(key, key);
            Sourced previous = out.put(canonical, value);
            if (previous != null && !String.valueOf(previous.value()).equals(String.valueOf(value.value()))) {
                problems.add("whisk.mesos." + canonical + " is given twice with different values, by "
                        + previous.source() + " and by " + value.source() + ": keep one");
            }
        }
        indexed.forEach((key, entries) -> {
            if (out.containsKey(key)) {
                problems.add("whisk.mesos." + key + " is given both as a list (" + out.get(key).source()
                        + ") and as indexed entries (" + entries.firstEntry().getValue().source() + "): keep one");
                return;
            }
            List<String> items = new ArrayList<>();
            entries.values().forEach(s -> items.add(String.valueOf(s.value())));
            out.put(key, new Sourced(items, entries.firstEntry().getValue().source()
                    + (entries.size() > 1 ? " and " + (entries.size() - 1) + " more" : "")));
        });
        return out;
    }

    /** Typed access to the merged values, recording problems instead of stopping at the first. */
    private static final class Values {
        private final Map<String, Sourced> merged;
        private final List<String> problems;

        Values(Map<String, Sourced> merged, List<String> problems) {
            this.merged = merged;
            this.problems = problems;
        }

        private Object raw(String key) {
            Sourced s = merged.get(key);
            return s == null ? DEFAULTS.get(key) : s.value();
        }

        void problem(String key, String expected) {
            Sourced s = merged.get(key);
            String where = s == null ? "default" : s.source();
            Object value = raw(key);
            String shown = key.equals(SECRET) ? "******" : describe(value);
            problems.add("whisk.mesos." + key + " = " + shown + " (from " + where + "): expected " + expected);
        }

        private static String describe(Object value) {
            if (value instanceof Object[] array) {
                return Arrays.toString(array);
            }
            return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
        }

        String string(String key) {
            Object value = raw(key);
            if (value instanceof String s) {
                return s;
            }
            if (value instanceof String[] array && array.length == 1) {
                return array[0];
            }
            problem(key, "a string");
            return String.valueOf(DEFAULTS.get(key));
        }

        String nonEmpty(String key) {
            String s = string(key);
            if (s.isBlank()) {
                problem(key, "a non-empty string");
            }
            return s;
        }

        boolean bool(String key) {
            Object value = raw(key);
            if (value instanceof Boolean b) {
                return b;
            }
            if (value instanceof String s) {
                switch (s.trim().toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "on":
                        return true;
                    case "false", "no", "off":
                        return false;
                    default:
                        break;
                }
            }
            problem(key, "true or false");
            return (Boolean) DEFAULTS.get(key);
        }

        int integer(String key, int min) {
            Object value = raw(key);
            long n;
            if (value instanceof Integer || value instanceof Long || value instanceof Short) {
                n = ((Number) value).longValue();
            } else if (value instanceof String s && s.trim().matches("-?\\d{1,10}")) {
                n = Long.parseLong(s.trim());
            } else {
                problem(key, "a whole number");
                return (Integer) DEFAULTS.get(key);
            }
            if (n < min || n > Integer.MAX_VALUE) {
                problem(key, "a whole number of at least " + min);
                return (Integer) DEFAULTS.get(key);
            }
            return (int) n;
        }

        Duration duration(String key) {
            Object value = raw(key);
            Duration d = value instanceof Number n && !(value instanceof Double || value instanceof Float)
                    ? Duration.ofMillis(n.longValue()) // a bare number is milliseconds, as in HOCON
                    : value instanceof String s ? parseDuration(s) : null;
            if (d == null) {
                problem(key, "a duration such as \"45 seconds\", \"500 ms\", \"2m\" or \"1h\"");
                return parseDuration((String) DEFAULTS.get(key));
            }
            return d;
        }

        Duration positiveDuration(String key) {
            Duration d = duration(key);
            if (d.isZero()) {
                problem(key, "a duration longer than zero");
                return parseDuration((String) DEFAULTS.get(key));
            }
            return d;
        }

        List<String> list(String key) {
            Object value = raw(key);
            List<String> items = new ArrayList<>();
            if (value instanceof String s) {
                if (!s.isEmpty()) {
                    items.add(s);
                }
            } else if (value instanceof String[] array) {
                items.addAll(Arrays.asList(array));
            } else if (value instanceof Collection<?> collection && collection.stream().allMatch(String.class::isInstance)) {
                collection.forEach(o -> items.add((String) o));
            } else {
                problem(key, "a list of strings");
            }
            for (String item : items) {
                if (item.isBlank()) {
                    problem(key, "no empty entries");
                    break;
                }
            }
            return items;
        }

        List<URI> masterUrls() {
            Object value = raw(MASTER_URL);
            List<String> texts = new ArrayList<>();
            if (value instanceof String s) {
                // a comma starts a new URL only where a scheme follows: zk://h1:2181,h2:2181/mesos is one URL
                for (String part : s.split(",\\s*(?=[a-zA-Z][a-zA-Z0-9+.-]*://)")) {
                    if (!part.isBlank()) {
                        texts.add(part.trim());
                    }
                }
            } else if (value instanceof String[] array) {
                texts.addAll(Arrays.asList(array));
            } else {
                problem(MASTER_URL, "one URL or a comma-separated list of URLs");
                return List.of();
            }
            List<URI> urls = new ArrayList<>();
            for (String text : texts) {
                URI uri = masterUrl(text);
                if (uri != null) {
                    urls.add(uri);
                }
            }
            return urls;
        }

        /**
         * One master URL, checked by the very rule the Mesos client applies ({@link MesosClientConfig}): what the
         * configuration accepts, the client accepts; the URL comes back normalized (port 5050 when none is given).
         */
        private URI masterUrl(String text) {
            try {
                return MesosClientConfig.builder().masters(text).build().masters().get(0);
            } catch (IllegalArgumentException e) {
                problem(MASTER_URL, "a Mesos master base URL http(s)://host[:port]; "
                        + clientProblem(e.getMessage()));
                return null;
            }
        }

        /** The public URL is only shown to users (it may sit behind a proxy, with a path): http(s) with a host. */
        Optional<URI> optionalUrl(String key) {
            String text = string(key).trim();
            if (text.isEmpty()) {
                return Optional.empty();
            }
            String expected = "an http:// or https:// URL with a host, got \"" + text + "\"";
            try {
                URI uri = new URI(text);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                    problem(key, expected);
                    return Optional.empty();
                }
                String u = uri.toString();
                return Optional.of(u.endsWith("/") ? URI.create(u.substring(0, u.length() - 1)) : uri);
            } catch (URISyntaxException e) {
                problem(key, expected + " (" + e.getReason() + ")");
                return Optional.empty();
            }
        }

        Encoding encoding() {
            String s = string(ENCODING).trim().toUpperCase(Locale.ROOT);
            try {
                return Encoding.valueOf(s);
            } catch (IllegalArgumentException e) {
                problem(ENCODING, "protobuf or json");
                return Encoding.PROTOBUF;
            }
        }
    }

    /**
     * Every key's effective value as text, in the order of {@link #DEFAULTS} (the secret masked): what
     * {@code whisk:config} shows. Durations read back through {@link #parseDuration}.
     */
    static Map<String, String> display(WhiskMesosSettings s) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(MASTER_URL, String.join(", ", s.masterUrls().stream().map(URI::toString).toList()));
        d.put(MASTER_PUBLIC_URL, s.masterPublicUrl().map(URI::toString).orElse(""));
        d.put(ROLE, s.role());
        d.put(FAILOVER, formatDuration(s.failoverTimeout()));
        d.put(LINK_LOG_MESSAGE, String.valueOf(s.mesosLinkLogMessage()));
        d.put(CONSTRAINTS, String.join(" | ", s.constraints()));
        d.put(BLACKBOX_CONSTRAINTS, String.join(" | ", s.blackboxConstraints()));
        d.put(CONSTRAINT_DELIMITER, "\"" + s.constraintDelimiter() + "\"");
        d.put(TEARDOWN_ON_EXIT, String.valueOf(s.teardownOnExit()));
        d.put(OFFER_REFUSE_DURATION, formatDuration(s.offerRefuseDuration()));
        d.put(HEARTBEAT_MAX_FAILURES, String.valueOf(s.heartbeatMaxFailures()));
        d.put(TASK_LAUNCH, formatDuration(s.timeouts().taskLaunch()));
        d.put(TASK_DELETE, formatDuration(s.timeouts().taskDelete()));
        d.put(SUBSCRIBE, formatDuration(s.timeouts().subscribe()));
        d.put(TEARDOWN, formatDuration(s.timeouts().teardown()));
        HealthCheck hc = s.healthCheck();
        d.put(HC_ENABLED, String.valueOf(hc.enabled()));
        d.put(HC_PORT_INDEX, String.valueOf(hc.portIndex()));
        d.put(HC_DELAY, formatDuration(hc.delay()));
        d.put(HC_INTERVAL, formatDuration(hc.interval()));
        d.put(HC_TIMEOUT, formatDuration(hc.timeout()));
        d.put(HC_GRACE, formatDuration(hc.gracePeriod()));
        d.put(HC_MAX_FAILURES, String.valueOf(hc.maxConsecutiveFailures()));
        d.put(PRINCIPAL, s.principal().orElse(""));
        d.put(SECRET, s.secret().isPresent() ? "******" : "");
        d.put(ENCODING, s.encoding().name().toLowerCase(Locale.ROOT));
        d.put(FRAMEWORK_NAME, s.frameworkName());
        d.put(USER, s.user());
        d.put(DOCKER_FAILURE_RETRIES, String.valueOf(s.dockerFailureRetries()));
        return d;
    }

    /** A duration as a person writes it: {@code 45 seconds}, {@code 1 second}, {@code 7 days}, {@code 500 ms}. */
    static String formatDuration(Duration d) {
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException tooLong) {
            return plural(d.toDays(), "day");
        }
        if (nanos == 0) {
            return "0 seconds";
        }
        long[] units = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L};
        String[] names = {"day", "hour", "minute", "second", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (nanos % units[i] == 0) {
                return names[i].equals("ms") ? nanos / units[i] + " ms" : plural(nanos / units[i], names[i]);
            }
        }
        return nanos + " ns";
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /**
     * Parses a HOCON-style duration: a number and a unit ({@code ns}, {@code us}, {@code ms}, {@code s},
     * {@code m}, {@code h}, {@code d}, or their long forms such as {@code seconds}); no unit means milliseconds.
     *
     * @return the duration, or null if the text is not one
     */
    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return null;
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        double nanosPerUnit;
        switch (unit) {
            case "ns", "nano", "nanos", "nanosecond", "nanoseconds" -> nanosPerUnit = 1;
            case "us", "micro", "micros", "microsecond", "microseconds" -> nanosPerUnit = 1e3;
            case "", "ms", "milli", "millis", "millisecond", "milliseconds" -> nanosPerUnit = 1e6;
            case "s", "second", "seconds" -> nanosPerUnit = 1e9;
            case "m", "minute", "minutes" -> nanosPerUnit = 60e9;
            case "h", "hour", "hours" -> nanosPerUnit = 3600e9;
            case "d", "day", "days" -> nanosPerUnit = 86400e9;
            default -> {
                return null;
            }
        }
        double nanos = amount * nanosPerUnit;
        if (nanos >= Long.MAX_VALUE) {
            return Duration.ofSeconds((long) (nanos / 1e9));
        }
        return Duration.ofNanos(Math.round(nanos));
    }
}
