package io.mesowhisk.mesos.api.internal;

import io.mesowhisk.mesos.api.MesosConnectionException;

/** The watchdog declared a stream dead: no event for too long. */
final class HeartbeatTimeoutException extends MesosConnectionException {
    private static final long serialVersionUID = 1L;

    HeartbeatTimeoutException(String message) {
        super(message);
    }
}
