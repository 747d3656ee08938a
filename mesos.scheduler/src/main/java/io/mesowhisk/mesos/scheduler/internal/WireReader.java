package io.mesowhisk.mesos.scheduler.internal;

import java.nio.charset.StandardCharsets;

/**
 * A cursor over protobuf's wire format in a slice of a byte array, with just what {@link OfferIntake} reads: tags,
 * varints, doubles, strings compared in place, nested messages entered and left, everything else skipped. Every
 * length is checked against the end of the enclosing message; malformed input is an
 * {@link IllegalArgumentException} that says what and where. Not thread-safe; one per message read.
 */
final class WireReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private final int start;
    private int pos;
    private int limit;

    WireReader(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new IllegalArgumentException("slice " + offset + "+" + length + " outside " + buf.length + " bytes");
        }
        this.buf = buf;
        this.start = offset;
        this.pos = offset;
        this.limit = offset + length;
    }

    /** The tag of {@code field} with {@code wireType}, as {@link #tag()} returns it. */
    static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    /** The next field's tag, or 0 at the end of the current message. */
    int tag() {
        if (pos >= limit) {
            return 0;
        }
        byte b = buf[pos];
        if (b >= 8) {
            pos++;
            return b; // one byte, field number 1 to 15
        }
        return longTag();
    }

    private int longTag() {
        long tag = varint();
        if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) {
            throw malformed("invalid tag " + tag);
        }
        return (int) tag;
    }

    long varint() {
        if (pos < limit && buf[pos] >= 0) {
            return buf[pos++]; // one byte: most tags and lengths (a tiny method the JIT always inlines)
        }
        return longVarint();
    }

    private long longVarint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw malformed("varint runs past the end");
            }
            byte b = buf[pos++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    /** A {@code double} field's value (fixed64, little-endian). */
    double doubleValue() {
        if (limit - pos < 8) {
            throw malformed("double runs past the end");
        }
        long bits = 0;
        for (int i = 7; i >= 0; i--) {
            bits = bits << 8 | (buf[pos + i] & 0xff);
        }
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    /** Enters a nested message (a length-delimited field); returns what {@link #leave} needs. */
    int enter() {
        int length = length();
        int outer = limit;
        limit = pos + length;
        return outer;
    }

    /** Leaves the nested message entered by the {@link #enter} that returned {@code outer}. */
    void leave(int outer) {
        pos = limit;
        limit = outer;
    }

    /** A string field's value. */
    String string() {
        int length = length();
        String s = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    /**
     * A string field compared in place: the index of the first of {@code values} with the same UTF-8 bytes, or -1.
     */
    int oneOf(byte[][] values) {
        int length = length();
        int from = pos;
        pos += length;
        for (int i = 0; i < values.length; i++) {
            if (sameBytes(from, length, values[i])) {
                return i;
            }
        }
        return -1;
    }

    // a plain loop: the values are a few bytes long, shorter than a vectorized compare pays for
    private boolean sameBytes(int from, int length, byte[] value) {
        if (value.length != length) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            if (buf[from + k] != value[k]) {
                return false;
            }
        }
        return true;
    }

    /** Skips the value of a field with this tag. */
    void skip(int tag) {
        switch (tag & 7) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> advance(length());
            case FIXED32 -> advance(4);
            default -> throw malformed("unsupported wire type " + (tag & 7) + " of field " + (tag >>> 3));
        }
    }

    private int length() {
        long length = varint();
        if (length < 0 || length > limit - pos) {
            throw malformed("a field of " + Long.toUnsignedString(length) + " bytes runs past the end");
        }
        return (int) length;
    }

    private void advance(int n) {
        if (n > limit - pos) {
            throw malformed("a field runs past the end");
        }
        pos += n;
    }

    private IllegalArgumentException malformed(String what) {
        return new IllegalArgumentException("malformed protobuf at byte " + (pos - start) + ": " + what);
    }
}
