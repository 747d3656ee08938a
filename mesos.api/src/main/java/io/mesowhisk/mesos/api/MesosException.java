package io.mesowhisk.mesos.api;

/**
 * Base of every failure reported by the Mesos client: HTTP errors from the master ({@link MesosHttpException}),
 * broken event streams ({@link MesosProtocolException}) and unreachable masters ({@link MesosConnectionException}).
 *
 * <p>Messages never contain the configured secret.
 */
public class MesosException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MesosException(String message) {
        super(message);
    }

    public MesosException(String message, Throwable cause) {
        super(message, cause);
    }
}
