package io.mesowhisk.mesos.api;

/**
 * The encoding of calls and events on the wire. The media type is sent byte-exact as {@code Content-Type} (Mesos
 * answers 415 to anything else, e.g. {@code application/json; charset=utf-8}) and as {@code Accept} of SUBSCRIBE.
 */
public enum Encoding {
    /** Binary protobuf, {@code application/x-protobuf}: smallest and fastest to decode. */
    PROTOBUF("application/x-protobuf"),
    /** Mesos's JSON mapping of the protobuf messages (proto field names, e.g. {@code agent_id}), {@code application/json}. */
    JSON("application/json");

    private final String mediaType;

    Encoding(String mediaType) {
        this.mediaType = mediaType;
    }

    /** The media type, exactly as sent in {@code Content-Type} and {@code Accept}. */
    public String mediaType() {
        return mediaType;
    }
}
