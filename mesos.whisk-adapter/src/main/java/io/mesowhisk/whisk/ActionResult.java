package io.mesowhisk.whisk;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one {@code POST /init} or {@code POST /run} to an action proxy, classified by OpenWhisk's rules
 * (the invoker's reading of the reply).
 *
 * @param start when the request was sent (the first attempt, for a retried {@code /init})
 * @param end when the answer (or the failure) arrived
 * @param status the HTTP status, if an answer arrived
 * @param body the answer's body as text (cut at the response limit when {@link Kind#TRUNCATED}); empty when no
 *        answer arrived
 * @param kind how OpenWhisk reads it
 */
public record ActionResult(Instant start, Instant end, Optional<Integer> status, Optional<String> body, Kind kind) {

    /** Validates at once. */
    public ActionResult {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(kind, "kind");
    }

    /** How long it took. */
    public Duration duration() {
        return Duration.between(start, end);
    }

    /** True for {@link Kind#OK}. */
    public boolean ok() {
        return kind == Kind.OK;
    }

    /** OpenWhisk's classification of an action proxy's answer. */
    public enum Kind {
        /** 200 with a JSON object without {@code error}, or a JSON array. */
        OK,
        /** 200 with a JSON object that has {@code error}: the action reported an error. */
        APPLICATION_ERROR,
        /** Any status other than 200 (for {@code /init}: any failure is the developer's). */
        DEVELOPER_ERROR,
        /** An answer whose body is not a JSON object or array. */
        UNPARSABLE,
        /** An answer longer than the response limit: the body holds its first bytes. */
        TRUNCATED,
        /** The connection failed or closed before a full answer (the action proxy exited or was unreachable). */
        CONNECTION_LOST,
        /** No answer within the timeout. */
        TIMEOUT
    }
}
