package io.mesowhisk.mesos.api;

/**
 * No usable answer from a master: connection refused or reset, TLS failure, timeout, or too many redirects.
 */
public class MesosConnectionException extends MesosException {
    private static final long serialVersionUID = 1L;

    public MesosConnectionException(String message) {
        super(message);
    }

    public MesosConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
