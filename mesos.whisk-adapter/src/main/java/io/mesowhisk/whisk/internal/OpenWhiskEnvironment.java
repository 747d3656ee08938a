package io.mesowhisk.whisk.internal;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code whisk.mesos} settings from the process environment and system properties the way an OpenWhisk
 * invoker receives them.
 *
 * <p>OpenWhisk's {@code transformEnvironment.sh} turns {@code CONFIG_a_bC_D} into the system property
 * {@code a.b-c.D}: the name after {@code CONFIG_} is split on {@code _}; a part that starts with an upper-case
 * letter stays as it is; in any other part, a lower-case letter or digit followed by an upper-case letter becomes
 * the two separated by {@code -}, the upper-case one lowered. Lists use {@code _0}, {@code _1} suffixes; empty
 * values are skipped; a value {@code $NAME} is replaced by the environment variable NAME when it is set.
 */
final class OpenWhiskEnvironment {

    static final String ENV_PREFIX = "CONFIG_";
    static final String NAMESPACE = "whisk.mesos.";

    private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");

    private OpenWhiskEnvironment() {
    }

    /** {@code CONFIG_whisk_mesos_masterUrl} → {@code whisk.mesos.master-url}; null if not a CONFIG_ name. */
    static String propertyName(String environmentName) {
        if (!environmentName.startsWith(ENV_PREFIX) || environmentName.length() == ENV_PREFIX.length()) {
            return null;
        }
        String[] parts = environmentName.substring(ENV_PREFIX.length()).split("_", -1);
        StringBuilder name = new StringBuilder();
        for (String part : parts) {
            if (name.length() > 0) {
                name.append('.');
            }
            if (!part.isEmpty() && Character.isUpperCase(part.charAt(0))) {
                name.append(part);
            } else {
                Matcher m = CAMEL.matcher(part);
                StringBuilder out = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(out, m.group(1) + "-" + m.group(2).toLowerCase(java.util.Locale.ROOT));
                }
                m.appendTail(out);
                name.append(out);
            }
        }
        return name.toString();
    }

    /**
     * The {@code whisk.mesos.*} settings found in the environment: key relative to the namespace (e.g.
     * {@code master-url}) → {value, variable name}.
     */
    static Map<String, Sourced> fromEnvironment(Map<String, String> environment) {
        Map<String, Sourced> found = new TreeMap<>();
        environment.forEach((variable, raw) -> {
            String property = propertyName(variable);
            if (property == null || !property.startsWith(NAMESPACE) || raw == null || raw.isEmpty()) {
                return;
            }
            String value = raw;
            if (raw.startsWith("$") && environment.get(raw.substring(1)) != null) {
                value = environment.get(raw.substring(1));
            }
            found.put(property.substring(NAMESPACE.length()), new Sourced(value, "environment " + variable));
        });
        return found;
    }

    /** The {@code whisk.mesos.*} system properties, keys relative to the namespace. */
    static Map<String, Sourced> fromSystemProperties(Properties properties) {
        Map<String, Sourced> found = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(NAMESPACE) && name.length() > NAMESPACE.length()) {
                found.put(name.substring(NAMESPACE.length()),
                        new Sourced(properties.getProperty(name), "system property " + name));
            }
        }
        return found;
    }

    /** A raw value and where it came from, for error messages and {@code whisk:config}. */
    record Sourced(Object value, String source) {
    }
}
