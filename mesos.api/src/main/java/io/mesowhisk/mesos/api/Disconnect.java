package io.mesowhisk.mesos.api;

import java.util.Objects;

/**
 * Why a subscription's event stream ended (or could not be opened), and whether the client will subscribe again.
 *
 * @param reason       the kind of end
 * @param message      a human-readable explanation (never contains the secret)
 * @param cause        the failure, or {@code null} (e.g. for {@link Reason#CLOSED})
 * @param reconnecting true if the client will resubscribe with backoff; false if the subscription is over
 */
public record Disconnect(Reason reason, String message, Throwable cause, boolean reconnecting) {

    /** Kinds of end. */
    public enum Reason {
        /** The master ended the stream (e.g. master failover, network cut, framework failed over elsewhere). */
        STREAM_ENDED,
        /** No event (not even a HEARTBEAT) within heartbeat interval × max failures + grace: stream declared dead. */
        HEARTBEAT_TIMEOUT,
        /** The master sent data that is not valid RecordIO / not a decodable event ({@link MesosProtocolException}). */
        PROTOCOL_ERROR,
        /** A master answered SUBSCRIBE with an HTTP error ({@link MesosHttpException}). 4xx ends the subscription. */
        HTTP_ERROR,
        /** No master could be reached ({@link MesosConnectionException}). */
        CONNECTION_FAILED,
        /** The master sent an ERROR event (subscription refused or framework failed over); the framework should abort. */
        ERROR_EVENT,
        /** TEARDOWN was accepted: the framework is removed. */
        TORN_DOWN,
        /** {@link Subscription#close()} or {@link MesosClient#close()} was called. */
        CLOSED
    }

    public Disconnect {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
