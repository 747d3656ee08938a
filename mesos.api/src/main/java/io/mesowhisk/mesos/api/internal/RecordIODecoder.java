package io.mesowhisk.mesos.api.internal;

import io.mesowhisk.mesos.api.MesosProtocolException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Incremental decoder of a RecordIO stream ({@code <decimal length>\n<length bytes>}, repeated; Mesos
 * docs/recordio.md). Bytes are fed as they arrive, in chunks of any size and split anywhere: a record may span
 * many chunks, a chunk may hold many records, and a length prefix may be split between chunks.
 *
 * <p>The length prefix is read as Mesos reads it (stout's {@code recordio::Decoder} parses it with {@code numify},
 * i.e. {@code boost::lexical_cast<size_t>}): base 10, leading zeros allowed and insignificant, so {@code "05\nabcde"}
 * is the record {@code abcde} ({@code "010"} is ten, not octal eight). Such a prefix is valid input although
 * {@link RecordIO#frame} (like Mesos's encoder) never writes one, so decoding then re-encoding is not always the
 * identity on bytes. Stricter than Mesos, on purpose: no sign, no {@code 0x} hexadecimal, no whitespace, and at
 * most 20 characters (the digits of the largest {@code size_t}) even if they are leading zeros.
 *
 * <p>Bounded by construction: a length prefix is rejected as soon as it has a byte that is not a decimal digit, has
 * more than 20 digits, or its value exceeds the maximum record size, so neither memory nor time grows with hostile
 * input. A record's buffer is allocated once its length is known (at most the maximum). Any violation throws
 * {@link MesosProtocolException}; the decoder is then failed and rejects further input.
 *
 * <p>Not thread-safe: one decoder per stream, fed by one thread at a time.
 */
public final class RecordIODecoder {
    private static final int MAX_DIGITS = 20;

    private final long maxRecordBytes;
    private long length;
    private int digits;
    private byte[] record; // non-null while reading record data
    private int filled;
    private long offset; // stream offset, for error messages
    private String failure;

    /**
     * @param maxRecordBytes the largest accepted record, in bytes (≥ 1)
     */
    public RecordIODecoder(long maxRecordBytes) {
        if (maxRecordBytes < 1 || maxRecordBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxRecordBytes must be in 1.." + (Integer.MAX_VALUE - 8)
                    + ", got " + maxRecordBytes);
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Decodes the bytes of {@code chunk} (from its position to its limit; the position is advanced to the limit)
     * and hands every completed record to {@code sink}, in order.
     *
     * @throws MesosProtocolException if the input is not valid RecordIO within the size limit; the records completed
     *         before the error in this chunk have been handed to the sink
     */
    public void decode(ByteBuffer chunk, Consumer<byte[]> sink) {
        checkNotFailed();
        while (chunk.hasRemaining()) {
            if (record == null) {
                byte b = chunk.get();
                offset++;
                if (b == '\n') {
                    if (digits == 0) {
                        fail("empty record length prefix (a '\\n' without digits) at stream offset " + (offset - 1));
                    }
                    startRecord(sink);
                } else if (b >= '0' && b <= '9') {
                    length = length * 10 + (b - '0');
                    digits++;
                    if (length > maxRecordBytes) {
                        fail("record length prefix exceeds the maximum record size of " + maxRecordBytes
                                + " bytes (at least " + length + ") at stream offset " + (offset - digits));
                    }
                    if (digits > MAX_DIGITS) {
                        fail("record length prefix has more than " + MAX_DIGITS + " digits at stream offset "
                                + (offset - digits));
                    }
                } else {
                    fail("record length prefix must be decimal digits followed by '\\n', got byte "
                            + describe(b) + " at stream offset " + (offset - 1));
                }
            } else {
                int n = Math.min(chunk.remaining(), record.length - filled);
                chunk.get(record, filled, n);
                filled += n;
                offset += n;
                if (filled == record.length) {
                    byte[] done = record;
                    record = null;
                    sink.accept(done);
                }
            }
        }
    }

    /** Convenience for {@link #decode(ByteBuffer, Consumer)} over a whole array. */
    public void decode(byte[] bytes, int from, int to, Consumer<byte[]> sink) {
        decode(ByteBuffer.wrap(bytes, from, to - from), sink);
    }

    /**
     * Declares the end of the stream.
     *
     * @throws MesosProtocolException if the stream ended inside a length prefix or inside a record
     */
    public void finish() {
        checkNotFailed();
        if (record != null) {
            fail("stream ended inside a record: got " + filled + " of " + record.length + " bytes");
        }
        if (digits > 0) {
            fail("stream ended inside a record length prefix (" + digits + " digits, no '\\n')");
        }
    }

    /** True if the stream so far ends exactly at a record boundary. */
    public boolean atBoundary() {
        return record == null && digits == 0 && failure == null;
    }

    /** Bytes consumed so far. */
    public long offset() {
        return offset;
    }

    private void startRecord(Consumer<byte[]> sink) {
        int n = (int) length;
        length = 0;
        digits = 0;
        filled = 0;
        if (n == 0) {
            // Mesos never sends one, but it is valid framing
            sink.accept(new byte[0]);
        } else {
            record = new byte[n];
        }
    }

    private void checkNotFailed() {
        if (failure != null) {
            throw new MesosProtocolException("RecordIO decoder already failed: " + failure);
        }
    }

    private void fail(String message) {
        failure = message;
        record = null;
        throw new MesosProtocolException("Invalid RecordIO stream: " + message);
    }

    private static String describe(byte b) {
        int v = b & 0xff;
        String hex = String.format("0x%02x", v);
        return v >= 0x20 && v < 0x7f ? hex + " ('" + (char) v + "')" : hex;
    }
}
