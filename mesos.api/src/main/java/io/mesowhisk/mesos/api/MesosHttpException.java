package io.mesowhisk.mesos.api;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The master answered with an unexpected HTTP status. Subclasses name the status family:
 * {@link Mesos3xxException}, {@link Mesos4xxException}, {@link Mesos5xxException}. The message carries the status,
 * the URI and the master's body text (Mesos explains every rejection in a {@code text/plain} body, e.g.
 * {@code Failed to validate scheduler::Call: Expecting 'framework_id' to be present}).
 */
public abstract class MesosHttpException extends MesosException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final URI uri;
    private final Map<String, List<String>> headers;
    private final String body;

    protected MesosHttpException(int status, URI uri, Map<String, List<String>> headers, String body) {
        this(status, uri, headers, body, null);
    }

    /**
     * @param note what the client adds to the master's answer (e.g. that retries ran out of time), or null; it goes
     *             into the message only, {@link #body()} stays the master's
     */
    protected MesosHttpException(int status, URI uri, Map<String, List<String>> headers, String body, String note) {
        super("HTTP " + status + " from " + uri + (body == null || body.isBlank() ? "" : ": " + body.strip())
                + (note == null || note.isBlank() ? "" : " (" + note.strip() + ")"));
        this.status = status;
        this.uri = uri;
        this.headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
        this.body = body == null ? "" : body;
    }

    /**
     * The exception of the status's family.
     *
     * @param status  the HTTP status, 300..599
     * @param uri     the URI the request went to
     * @param headers the response headers, names in lower case
     * @param body    the response body as text, possibly empty
     * @return a {@link Mesos3xxException}, {@link Mesos4xxException} or {@link Mesos5xxException}
     * @throws IllegalArgumentException if {@code status} is not 300..599
     */
    public static MesosHttpException of(int status, URI uri, Map<String, List<String>> headers, String body) {
        if (status >= 300 && status < 400) {
            return new Mesos3xxException(status, uri, headers, body);
        }
        if (status >= 400 && status < 500) {
            return new Mesos4xxException(status, uri, headers, body);
        }
        if (status >= 500 && status < 600) {
            return new Mesos5xxException(status, uri, headers, body);
        }
        throw new IllegalArgumentException("not an HTTP error status: " + status);
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** The URI of the failed request. */
    public URI uri() {
        return uri;
    }

    /** The response headers; names are lower case. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of a response header (name case-insensitive), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The response body as text (UTF-8), possibly empty. */
    public String body() {
        return body;
    }
}
