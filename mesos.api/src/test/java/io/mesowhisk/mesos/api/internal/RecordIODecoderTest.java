package io.mesowhisk.mesos.api.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mesowhisk.mesos.api.MesosProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordIODecoderTest {

    private static List<byte[]> decodeAll(long max, byte[]... chunks) {
        RecordIODecoder decoder = new RecordIODecoder(max);
        List<byte[]> out = new ArrayList<>();
        for (byte[] c : chunks) {
            decoder.decode(ByteBuffer.wrap(c), out::add);
        }
        decoder.finish();
        return out;
    }

    private static List<String> strings(List<byte[]> records) {
        return records.stream().map(r -> new String(r, UTF_8)).toList();
    }

    private static MesosProtocolException decodeError(long max, String input) {
        return assertThrows(MesosProtocolException.class, () -> decodeAll(max, input.getBytes(US_ASCII)));
    }

    @Test
    void decodesOneRecord() {
        assertEquals(List.of("{\"type\":\"HEARTBEAT\"}"),
                strings(decodeAll(100, "20\n{\"type\":\"HEARTBEAT\"}".getBytes(UTF_8))));
    }

    @Test
    void decodesManyRecordsInOneChunk() {
        assertEquals(List.of("abc", "", "de", "0123456789"),
                strings(decodeAll(100, "3\nabc0\n2\nde10\n0123456789".getBytes(UTF_8))));
    }

    @Test
    void decodesRecordSplitAcrossChunksAndPrefixSplitAcrossChunks() {
        assertEquals(List.of("hello world", "xy"), strings(decodeAll(100,
                "1".getBytes(UTF_8), "1".getBytes(UTF_8), "\nhel".getBytes(UTF_8), new byte[0],
                "lo wor".getBytes(UTF_8), "ld2".getBytes(UTF_8), "\n".getBytes(UTF_8), "xy".getBytes(UTF_8))));
    }

    @Test
    void lengthCountsBytesNotCharacters() {
        byte[] payload = "héllo".getBytes(UTF_8); // 6 bytes, 5 characters
        assertEquals(List.of("héllo"), strings(decodeAll(100, RecordIO.frame(payload))));
    }

    @Test
    void acceptsRecordOfExactlyTheMaximumSize() {
        assertEquals(1, decodeAll(5, "5\n12345".getBytes(US_ASCII)).size());
    }

    @Test
    void rejectsRecordLargerThanTheMaximumBeforeReadingIt() {
        MesosProtocolException e = decodeError(5, "6\n123456");
        assertTrue(e.getMessage().contains("exceeds the maximum record size of 5 bytes"), e.getMessage());
    }

    @Test
    void rejectsHugeLengthWithoutAllocating() {
        MesosProtocolException e = decodeError(1 << 20, "99999999999999999999999\n");
        assertTrue(e.getMessage().contains("exceeds the maximum record size"), e.getMessage());
    }

    @Test
    void rejectsNegativeLength() {
        MesosProtocolException e = decodeError(100, "-5\nabcde");
        assertTrue(e.getMessage().contains("got byte 0x2d ('-') at stream offset 0"), e.getMessage());
    }

    @Test
    void rejectsNonNumericLength() {
        MesosProtocolException e = decodeError(100, "3\nabcxyz\n");
        assertTrue(e.getMessage().contains("got byte 0x78 ('x') at stream offset 5"), e.getMessage());
    }

    @Test
    void rejectsWhitespaceAroundLength() {
        decodeError(100, " 3\nabc");
        decodeError(100, "3 \nabc");
        decodeError(100, "3\r\nabc");
    }

    @Test
    void rejectsEmptyLength() {
        assertTrue(decodeError(100, "\nabc").getMessage().contains("empty record length prefix"));
    }

    @Test
    void rejectsEndlessLeadingZeros() {
        assertTrue(decodeError(100, "0".repeat(50)).getMessage().contains("more than 20 digits"));
    }

    @Test
    void rejectsStreamCutInsideRecord() {
        MesosProtocolException e = decodeError(100, "3\nabc10\n01234");
        assertTrue(e.getMessage().contains("stream ended inside a record: got 5 of 10 bytes"), e.getMessage());
    }

    @Test
    void rejectsStreamCutInsideLengthPrefix() {
        assertTrue(decodeError(100, "3\nabc12").getMessage().contains("inside a record length prefix"));
    }

    @Test
    void failedDecoderRejectsFurtherInput() {
        RecordIODecoder decoder = new RecordIODecoder(10);
        assertThrows(MesosProtocolException.class,
                () -> decoder.decode(ByteBuffer.wrap("x".getBytes(US_ASCII)), r -> { }));
        MesosProtocolException again = assertThrows(MesosProtocolException.class,
                () -> decoder.decode(ByteBuffer.wrap("1\na".getBytes(US_ASCII)), r -> { }));
        assertTrue(again.getMessage().contains("already failed"));
    }

    @Test
    void recordsBeforeAnErrorAreDelivered() {
        RecordIODecoder decoder = new RecordIODecoder(10);
        List<byte[]> out = new ArrayList<>();
        assertThrows(MesosProtocolException.class,
                () -> decoder.decode(ByteBuffer.wrap("1\na1\nb?".getBytes(US_ASCII)), out::add));
        assertEquals(List.of("a", "b"), strings(out));
    }

    @Test
    void rejectsInvalidMaximum() {
        assertThrows(IllegalArgumentException.class, () -> new RecordIODecoder(0));
        assertThrows(IllegalArgumentException.class, () -> new RecordIODecoder(-1));
    }

    // ---- fuzzing ----

    private static List<byte[]> randomRecords(Random random, int count, int maxSize) {
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] r = new byte[random.nextInt(maxSize + 1)];
            random.nextBytes(r); // contents may contain digits and '\n': framing must not care
            records.add(r);
        }
        return records;
    }

    @Test
    void everySplitOfAValidStreamDecodesTheSame() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int iteration = 0; iteration < 500; iteration++) {
            List<byte[]> records = randomRecords(random, 1 + random.nextInt(8), 300);
            byte[] stream = RecordIO.frameAll(records);
            RecordIODecoder decoder = new RecordIODecoder(300);
            List<byte[]> out = new ArrayList<>();
            int pos = 0;
            while (pos < stream.length) {
                int n = Math.min(stream.length - pos, random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(200));
                decoder.decode(ByteBuffer.wrap(stream, pos, n), out::add);
                pos += n;
            }
            decoder.finish();
            assertEquals(records.size(), out.size(), "seed " + seed);
            for (int i = 0; i < records.size(); i++) {
                assertArrayEquals(records.get(i), out.get(i), "seed " + seed + ", record " + i);
            }
        }
    }

    @Test
    void everyTwoWaySplitAndByteByByteDecodeTheSame() {
        List<byte[]> records = List.of("{\"type\":\"SUBSCRIBED\"}".getBytes(UTF_8), new byte[0],
                "x".repeat(123).getBytes(UTF_8), "\n9\n".getBytes(UTF_8));
        byte[] stream = RecordIO.frameAll(records);
        for (int cut = 0; cut <= stream.length; cut++) {
            List<byte[]> out = decodeAll(1000, Arrays.copyOfRange(stream, 0, cut),
                    Arrays.copyOfRange(stream, cut, stream.length));
            assertEquals(strings(records), strings(out), "cut at " + cut);
        }
        byte[][] singles = new byte[stream.length][];
        for (int i = 0; i < stream.length; i++) {
            singles[i] = new byte[] {stream[i]};
        }
        assertEquals(strings(records), strings(decodeAll(1000, singles)));
    }

    @Test
    void randomGarbageEndsInTheProtocolErrorOrIsValidFraming() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int errors = 0;
        for (int iteration = 0; iteration < 5000; iteration++) {
            byte[] garbage = garbage(random);
            RecordIODecoder decoder = new RecordIODecoder(64);
            List<byte[]> out = new ArrayList<>();
            try {
                int pos = 0;
                while (pos < garbage.length) {
                    int n = Math.min(garbage.length - pos, 1 + random.nextInt(40));
                    decoder.decode(ByteBuffer.wrap(garbage, pos, n), out::add);
                    pos += n;
                }
                decoder.finish();
                // no error: then the garbage happened to be valid framing, and must re-frame to itself
                assertArrayEquals(garbage, RecordIO.frameAll(out), "seed " + seed);
            } catch (MesosProtocolException expected) {
                errors++;
                assertTrue(expected.getMessage().startsWith("Invalid RecordIO stream: "), expected.getMessage());
            } catch (RuntimeException | Error other) {
                fail("seed " + seed + ": unexpected " + other, other);
            }
        }
        assertTrue(errors > 5000 / 3, "seed " + seed + ": garbage should mostly be rejected, rejected " + errors);
    }

    /** Uniform bytes, digit-heavy bytes, or a valid stream with one byte flipped. */
    private static byte[] garbage(Random random) {
        switch (random.nextInt(3)) {
            case 0: {
                byte[] b = new byte[random.nextInt(300)];
                random.nextBytes(b);
                return b;
            }
            case 1: {
                byte[] alphabet = "0123456789\n-x".getBytes(US_ASCII);
                byte[] b = new byte[random.nextInt(300)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = alphabet[random.nextInt(alphabet.length)];
                }
                return b;
            }
            default: {
                byte[] b = RecordIO.frameAll(randomRecords(random, 1 + random.nextInt(4), 100));
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                return b;
            }
        }
    }
}
