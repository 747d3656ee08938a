package io.mesowhisk.mesos.api;

/**
 * The master sent data that violates the scheduler API protocol: a malformed or oversized RecordIO length prefix,
 * a stream that ended inside a record, an event that cannot be decoded, or an unexpected Content-Type. The event
 * stream is closed when this happens.
 */
public class MesosProtocolException extends MesosException {
    private static final long serialVersionUID = 1L;

    public MesosProtocolException(String message) {
        super(message);
    }

    public MesosProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
