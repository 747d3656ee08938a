package io.mesowhisk.mesos.api;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** A redirection the client did not follow (e.g. a 3xx other than 307, or a 307 without a Location). */
public class Mesos3xxException extends MesosHttpException {
    private static final long serialVersionUID = 1L;

    public Mesos3xxException(int status, URI uri, Map<String, List<String>> headers, String body) {
        super(status, uri, headers, body);
    }
}
