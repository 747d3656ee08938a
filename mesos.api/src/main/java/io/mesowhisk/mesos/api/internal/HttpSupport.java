package io.mesowhisk.mesos.api.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/** Small HTTP helpers shared by the subscription and call paths. */
final class HttpSupport {
    static final String SCHEDULER_PATH = "/api/v1/scheduler";
    static final String STREAM_ID = "Mesos-Stream-Id";
    /** Error bodies beyond this are cut (Mesos's are one line). */
    static final int MAX_ERROR_BODY = 64 * 1024;

    private HttpSupport() {
    }

    /** Response headers with lower-case names, for exceptions. */
    static Map<String, List<String>> headers(HttpFields fields) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        if (fields != null) {
            for (HttpField f : fields) {
                map.computeIfAbsent(f.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f.getValue());
            }
        }
        map.replaceAll((k, v) -> List.copyOf(v));
        return map;
    }

    /** The scheduler endpoint of a master base URL. */
    static URI endpoint(URI base) {
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + SCHEDULER_PATH);
    }

    /** The base URL ({@code scheme://host:port}) of an endpoint. */
    static URI base(URI endpoint) {
        return URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority());
    }

    /**
     * Resolves a 307 Location against the request URI. Mesos sends it scheme-relative
     * ({@code //host:port/api/v1/scheduler}), which keeps http or https.
     *
     * @throws IllegalArgumentException if the location is not a usable http(s) URL
     */
    static URI resolveRedirect(URI requestUri, String location) {
        URI target = requestUri.resolve(URI.create(location.strip()));
        String scheme = target.getScheme();
        if (target.getHost() == null || scheme == null
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("unusable redirect Location '" + location + "'");
        }
        return target;
    }

    /** True if the media type (parameters ignored) is the expected one. */
    static boolean sameMediaType(String actual, String expected) {
        if (actual == null) {
            return false;
        }
        int semi = actual.indexOf(';');
        String type = (semi < 0 ? actual : actual.substring(0, semi)).strip();
        return type.equalsIgnoreCase(expected);
    }
}
