package io.mesowhisk.mesos.api;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** The master rejected the request: 400 invalid call, 401 authentication failed, 403 framework not subscribed, 415 wrong Content-Type, ... */
public class Mesos4xxException extends MesosHttpException {
    private static final long serialVersionUID = 1L;

    public Mesos4xxException(int status, URI uri, Map<String, List<String>> headers, String body) {
        super(status, uri, headers, body);
    }
}
