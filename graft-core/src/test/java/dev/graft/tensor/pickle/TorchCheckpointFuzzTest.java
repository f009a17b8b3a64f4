package dev.graft.tensor.pickle;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.graft.tensor.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupted checkpoints fail with {@link PickleException} (or read as valid data): never another throwable or a hang. */
class TorchCheckpointFuzzTest {

    /** Corrupted inputs tried, reported once all tests of this class ran. */
    private static final java.util.concurrent.atomic.AtomicInteger TRIED = new java.util.concurrent.atomic.AtomicInteger();

    @org.junit.jupiter.api.AfterAll
    static void reportCount() {
        System.out.println("PyTorch checkpoint (pickle zip) fuzz: " + TRIED.get() + " corrupted inputs tried");
    }

    @TempDir
    Path dir;

    private static Map<String, TensorData> tensors() {
        Map<String, TensorData> t = new LinkedHashMap<>();
        t.put("w", new TensorData("w", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        t.put("b", new TensorData("b", new long[] {3}, new float[] {7, 8, 9}));
        return t;
    }

    private byte[] validZip() throws IOException {
        return Files.readAllBytes(TorchFiles.writeFloat32(dir.resolve("valid.bin"), tensors()));
    }

    private static byte[] validPickle() {
        return TorchFiles.stateDictPickle(Map.of("w", new long[] {2, 3}), "FloatStorage");
    }

    private void readOnlyPickleException(byte[] file, String what) throws IOException {
        TRIED.incrementAndGet();
        Path p = Files.write(dir.resolve("fuzz.bin"), file);
        try {
            TorchCheckpoint.read(p);
        } catch (PickleException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank(), what);
        } catch (Throwable t) {
            fail(what + ": expected PickleException but got " + t, t);
        }
    }

    @Test
    void everyTruncationOfTheFileAndOfThePickleFails() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            byte[] zip = validZip();
            for (int len = 0; len < zip.length; len++) {
                Path p = Files.write(dir.resolve("t.bin"), Arrays.copyOf(zip, len));
                TRIED.incrementAndGet();
                int at = len;
                assertThrows(PickleException.class, () -> TorchCheckpoint.read(p), () -> "prefix " + at);
            }
            byte[] pkl = validPickle();
            byte[] storage = new byte[24];
            for (int len = 0; len < pkl.length; len++) {
                byte[] z = TorchFiles.zip("archive", Arrays.copyOf(pkl, len), Map.of("0", storage));
                Path p = Files.write(dir.resolve("p.bin"), z);
                TRIED.incrementAndGet();
                int at = len;
                assertThrows(PickleException.class, () -> TorchCheckpoint.read(p), () -> "pickle prefix " + at);
            }
        });
    }

    @Test
    void seededMutationsOnlyThrowPickleException() {
        Random random = new Random(20240612L);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            byte[] zip = validZip();
            byte[] pkl = validPickle();
            byte[] storage = new byte[24];
            for (int i = 0; i < 1500; i++) {
                boolean wholeFile = i % 3 == 0;
                byte[] bytes = (wholeFile ? zip : pkl).clone();
                int flips = 1 + random.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    int pos = random.nextInt(bytes.length);
                    bytes[pos] = random.nextBoolean() ? (byte) (bytes[pos] ^ (1 << random.nextInt(8)))
                            : (byte) random.nextInt(256);
                }
                byte[] file = wholeFile ? bytes : TorchFiles.zip("archive", bytes, Map.of("0", storage));
                readOnlyPickleException(file, "mutation " + i);
            }
        });
    }

    @Test
    void hugeDeclaredSizesAreRejectedWithoutAllocating() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            byte[] storage = new byte[8];
            // a 4 GiB string
            byte[] bigString = {(byte) 0x80, 2, 'X', (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 'a', '.'};
            readOnlyPickleException(TorchFiles.zip("archive", bigString, Map.of()), "huge BINUNICODE");
            byte[] big8 = {(byte) 0x80, 4, (byte) 0x8d, -1, -1, -1, -1, -1, -1, -1, 127, '.'};
            readOnlyPickleException(TorchFiles.zip("archive", big8, Map.of()), "huge BINUNICODE8");
            byte[] bigLong = {(byte) 0x80, 2, (byte) 0x8a, (byte) 200, 1, 2, 3, '.'};
            readOnlyPickleException(TorchFiles.zip("archive", bigLong, Map.of()), "huge LONG1");
            // storages and tensors declaring 2^40 or 2^62 elements over an 8-byte entry
            for (long numel : new long[] {1L << 40, 1L << 62, Long.MAX_VALUE, -5}) {
                TorchFiles.Pickle p = new TorchFiles.Pickle().op(0x80, 2).op('}').put().op('(');
                p.string("w").tensor("FloatStorage", "0", numel, 0, new long[] {numel}, new long[] {1});
                readOnlyPickleException(TorchFiles.zip("archive", p.op('u', '.').bytes(), Map.of("0", storage)),
                        "numel " + numel);
                TorchFiles.Pickle q = new TorchFiles.Pickle().op(0x80, 2).op('}').put().op('(');
                q.string("w").tensor("FloatStorage", "0", 2, 0, new long[] {numel, numel}, new long[] {numel, 1});
                readOnlyPickleException(TorchFiles.zip("archive", q.op('u', '.').bytes(), Map.of("0", storage)),
                        "size " + numel);
            }
            // deep nesting and endless MARKs are bounded by the pickle's own size
            byte[] marks = new byte[200_000];
            Arrays.fill(marks, (byte) '(');
            readOnlyPickleException(TorchFiles.zip("archive", marks, Map.of()), "marks");
            byte[] lists = new byte[200_000];
            Arrays.fill(lists, (byte) ']');
            readOnlyPickleException(TorchFiles.zip("archive", lists, Map.of()), "lists");
        });
    }
}
