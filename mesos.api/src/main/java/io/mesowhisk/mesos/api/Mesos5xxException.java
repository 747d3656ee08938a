package io.mesowhisk.mesos.api;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The master failed or cannot serve yet: 503 no leader elected / recovery not finished (retried with backoff before
 * this is reported), 500, ... When the request timeout runs out while a call's 503 answers are retried, the call
 * fails with the last 503, its message noting the timeout.
 */
public class Mesos5xxException extends MesosHttpException {
    private static final long serialVersionUID = 1L;

    public Mesos5xxException(int status, URI uri, Map<String, List<String>> headers, String body) {
        super(status, uri, headers, body);
    }

    /** As {@link #Mesos5xxException(int, URI, Map, String)}, with a note of the client's appended to the message. */
    public Mesos5xxException(int status, URI uri, Map<String, List<String>> headers, String body, String note) {
        super(status, uri, headers, body, note);
    }
}
