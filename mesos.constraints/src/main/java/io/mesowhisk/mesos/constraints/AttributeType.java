package io.mesowhisk.mesos.constraints;

/** The type of an agent attribute, as in Mesos's {@code Value.Type}. */
public enum AttributeType {
    /** Free text, e.g. {@code zone:a}. */
    TEXT,
    /** A number, e.g. {@code gen:2.5}. */
    SCALAR,
    /** Integer ranges, e.g. {@code ids:[1-2,4-5]}. */
    RANGES,
    /** A set of strings, e.g. {@code tags:{a,b}}; agent flags cannot produce it, the API can. */
    SET
}
