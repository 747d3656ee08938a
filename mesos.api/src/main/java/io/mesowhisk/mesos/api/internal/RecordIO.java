package io.mesowhisk.mesos.api.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** RecordIO framing of outgoing records (tests, benchmarks, fake masters). */
public final class RecordIO {
    private RecordIO() {
    }

    /** {@code <length>\n<bytes>} for one record. */
    public static byte[] frame(byte[] record) {
        byte[] prefix = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + record.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(record, 0, out, prefix.length, record.length);
        return out;
    }

    /** The concatenated framing of every record. */
    public static byte[] frameAll(Iterable<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            out.writeBytes(frame(r));
        }
        return out.toByteArray();
    }
}
