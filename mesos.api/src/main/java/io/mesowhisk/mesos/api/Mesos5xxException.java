package io.mesowhisk.mesos.api;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** The master failed or cannot serve yet: 503 no leader elected / recovery not finished (retried with backoff before this is reported), 500, ... */
public class Mesos5xxException extends MesosHttpException {
    private static final long serialVersionUID = 1L;

    public Mesos5xxException(int status, URI uri, Map<String, List<String>> headers, String body) {
        super(status, uri, headers, body);
    }
}
