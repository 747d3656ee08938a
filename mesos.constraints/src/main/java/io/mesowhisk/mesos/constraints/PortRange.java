package io.mesowhisk.mesos.constraints;

/**
 * An inclusive range of integers ({@code begin..end}), as in Mesos's {@code Value.Range}: used for the ports an
 * offer holds and for RANGES attributes.
 *
 * @param begin first value, {@code >= 0}
 * @param end last value, {@code >= begin}
 */
public record PortRange(long begin, long end) {

    /** @throws IllegalArgumentException if {@code begin < 0} or {@code end < begin} */
    public PortRange {
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("range " + begin + "-" + end + ": expected 0 <= begin <= end");
        }
    }

    /** Number of values in the range. */
    public long size() {
        return end - begin + 1;
    }

    /** Mesos's text form of one range: {@code begin-end}. */
    @Override
    public String toString() {
        return begin + "-" + end;
    }
}
