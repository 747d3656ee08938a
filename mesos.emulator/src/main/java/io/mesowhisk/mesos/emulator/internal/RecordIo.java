package io.mesowhisk.mesos.emulator.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The emulator's own RecordIO writer: {@code <decimal length>\n<bytes>} (docs/recordio.md). Stateless. */
public final class RecordIo {

    private RecordIo() {
    }

    public static ByteBuffer frame(byte[] record) {
        byte[] header = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(header.length + record.length);
        buffer.put(header).put(record).flip();
        return buffer;
    }
}
