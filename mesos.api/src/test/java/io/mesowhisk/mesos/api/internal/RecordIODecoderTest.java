package io.mesowhisk.mesos.api.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mesowhisk.mesos.api.MesosProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
    void leadingZerosInTheLengthAreDecimalAsInMesos() {
        // Mesos reads the prefix with stout's numify (boost::lexical_cast<size_t>): base 10, leading zeros allowed
        assertEquals(List.of("abcde"), strings(decodeAll(100, "05\nabcde".getBytes(US_ASCII))));
        assertEquals(List.of("0123456789", "x"), strings(decodeAll(100, "010\n01234567891\nx".getBytes(US_ASCII))));
        assertEquals(List.of("", "ab"), strings(decodeAll(100, "00\n002\nab".getBytes(US_ASCII))));
        assertEquals(List.of("12345"),
                strings(decodeAll(100, ("0".repeat(19) + "5\n12345").getBytes(US_ASCII)))); // 20 digits
    }

    @Test
    void rejectsEndlessLeadingZeros() {
        assertTrue(decodeError(100, "0".repeat(50)).getMessage().contains("more than 20 digits"));
        assertTrue(decodeError(100, "0".repeat(20) + "5\n12345").getMessage().contains("more than 20 digits"));
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

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("fuzzSeeds")
    void everySplitOfAValidStreamDecodesTheSame(long seed) {
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

    /**
     * The garbage is decoded in random chunks and compared with {@link #referenceDecode}, a whole-buffer parse written
     * independently of the decoder: the same records must come out, and the decoder must fail exactly when the
     * reference finds the garbage invalid. Garbage that is valid framing must also survive re-encoding; it need not
     * re-encode to the same bytes, since a length prefix with leading zeros ({@code "05\nabcde"}) is valid, as in
     * Mesos, while the encoder writes the canonical {@code "5\nabcde"}.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("fuzzSeeds")
    void randomGarbageEndsInTheProtocolErrorOrIsValidFraming(long seed) {
        Random random = new Random(seed);
        int errors = 0;
        int valid = 0;
        for (int iteration = 0; iteration < 5000; iteration++) {
            byte[] garbage = garbage(random);
            int at = iteration;
            java.util.function.Function<String, String> where = // built only on failure
                    what -> "seed " + seed + ", iteration " + at + ", input " + printable(garbage) + ": " + what;
            Reference expected = referenceDecode(garbage, 64);
            RecordIODecoder decoder = new RecordIODecoder(64);
            List<byte[]> out = new ArrayList<>();
            MesosProtocolException error = null;
            try {
                int pos = 0;
                while (pos < garbage.length) {
                    int n = Math.min(garbage.length - pos, 1 + random.nextInt(40));
                    decoder.decode(ByteBuffer.wrap(garbage, pos, n), out::add);
                    pos += n;
                }
                decoder.finish();
            } catch (MesosProtocolException e) {
                error = e;
            } catch (RuntimeException | Error other) {
                fail(where.apply("unexpected " + other), other);
            }
            assertSameRecords(expected.records, out, where);
            if (expected.error != null) {
                errors++;
                assertNotNull(error, () -> where.apply("accepted, but the reference rejects it: " + expected.error));
                assertTrue(error.getMessage().startsWith("Invalid RecordIO stream: "), error.getMessage());
            } else {
                valid++;
                if (error != null) {
                    fail(where.apply("rejected, but the reference accepts it"), error);
                }
                byte[] reencoded = RecordIO.frameAll(out);
                assertArrayEquals(expected.canonical, reencoded, () -> where.apply("canonical re-encoding"));
                assertSameRecords(out, decodeAll(64, reencoded), w -> where.apply("re-decoded re-encoding, " + w));
            }
        }
        // neither branch may be vacuous
        assertTrue(errors > 5000 / 3, "seed " + seed + ": garbage should mostly be rejected, rejected " + errors);
        assertTrue(valid > 0, "seed " + seed + ": no garbage was valid framing");
    }

    /**
     * Fixed seeds, so that a run is reproducible, plus the seed of a past failure; more can be given for a longer
     * fuzzing session with {@code -Drecordio.fuzz.seeds=1,2,3} (or {@code random} for one time-based seed).
     */
    static LongStream fuzzSeeds() {
        LongStream fixed = LongStream.of(1L, 42L, 20251125L, 987654321L,
                3170763176162L); // regression: "09\n..." decoded fine but re-encoded one byte shorter
        String extra = System.getProperty("recordio.fuzz.seeds", "").trim();
        if (extra.isEmpty()) {
            return fixed;
        }
        return LongStream.concat(fixed, Arrays.stream(extra.split(","))
                .map(String::trim)
                .mapToLong(v -> v.equals("random") ? System.nanoTime() : Long.parseLong(v)));
    }

    /** Result of {@link #referenceDecode}: the records before the end or the first error, and the error if any. */
    private record Reference(List<byte[]> records, String error, byte[] canonical) {
    }

    /**
     * Whole-buffer RecordIO parse, the rules spelled out one by one: a prefix of 1 to 20 decimal digits (leading
     * zeros allowed and meaning nothing, as Mesos's {@code numify} reads them) whose value is at most {@code max},
     * then {@code '\n'}, then that many bytes. {@code canonical} is the input with every prefix written without
     * leading zeros.
     */
    private static Reference referenceDecode(byte[] in, long max) {
        List<byte[]> records = new ArrayList<>();
        java.io.ByteArrayOutputStream canonical = new java.io.ByteArrayOutputStream();
        int pos = 0;
        while (pos < in.length) {
            int newline = pos;
            while (newline < in.length && in[newline] != '\n') {
                newline++;
            }
            String prefix = new String(in, pos, newline - pos, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (!prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return new Reference(records, "non-digit in prefix '" + prefix + "'", null);
            }
            int zeros = 0;
            while (zeros < prefix.length() - 1 && prefix.charAt(zeros) == '0') {
                zeros++;
            }
            String significant = prefix.substring(zeros);
            if (significant.length() > 10 || Long.parseLong("0" + significant) > max) {
                return new Reference(records, "prefix '" + prefix + "' exceeds " + max, null);
            }
            if (prefix.length() > 20) {
                return new Reference(records, "prefix '" + prefix + "' longer than 20 digits", null);
            }
            if (newline == in.length) {
                return new Reference(records, "ends inside prefix '" + prefix + "'", null);
            }
            if (prefix.isEmpty()) {
                return new Reference(records, "empty prefix", null);
            }
            int length = Integer.parseInt(significant);
            int start = newline + 1;
            if (in.length - start < length) {
                return new Reference(records, "ends inside a record", null);
            }
            byte[] record = Arrays.copyOfRange(in, start, start + length);
            records.add(record);
            canonical.writeBytes((significant + "\n").getBytes(US_ASCII));
            canonical.writeBytes(record);
            pos = start + length;
        }
        return new Reference(records, null, canonical.toByteArray());
    }

    private static void assertSameRecords(List<byte[]> expected, List<byte[]> actual,
            java.util.function.Function<String, String> where) {
        boolean same = expected.size() == actual.size();
        for (int i = 0; same && i < expected.size(); i++) {
            same = Arrays.equals(expected.get(i), actual.get(i));
        }
        if (!same) {
            java.util.HexFormat hex = java.util.HexFormat.of();
            assertEquals(expected.stream().map(hex::formatHex).toList(), actual.stream().map(hex::formatHex).toList(),
                    where.apply("records"));
        }
    }

    private static String printable(byte[] bytes) {
        StringBuilder b = new StringBuilder("\"");
        for (byte x : bytes) {
            int v = x & 0xff;
            if (v == '\n') {
                b.append("\\n");
            } else if (v >= 0x20 && v < 0x7f && v != '\\' && v != '"') {
                b.append((char) v);
            } else {
                b.append(String.format("\\x%02x", v));
            }
        }
        return b.append('"').toString();
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
