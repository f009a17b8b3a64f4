package dev.graft.tensor.safetensors;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupted files must fail with an IOException (or read as valid data), never another throwable or a hang. */
class SafeTensorsFuzzTest {

    /** Corrupted inputs tried, reported once all tests of this class ran. */
    private static final java.util.concurrent.atomic.AtomicInteger TRIED = new java.util.concurrent.atomic.AtomicInteger();

    @org.junit.jupiter.api.AfterAll
    static void reportCount() {
        System.out.println("safetensors fuzz: " + TRIED.get() + " corrupted inputs tried");
    }

    @TempDir
    Path dir;

    /** Opens and reads everything; returns normally, throws IOException, or fails the test. */
    private static void readEverything(Path p, String what) {
        TRIED.incrementAndGet();
        try (SafeTensorsFile f = SafeTensors.open(p)) {
            for (TensorInfo info : f.infos()) {
                if (info.dtype().convertibleToFloat()) {
                    f.tensor(info.name());
                }
            }
            f.names();
            f.metadata();
        } catch (IOException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank(), what);
        } catch (Throwable t) {
            fail(what + ": expected IOException but got " + t, t);
        }
    }

    @Test
    void everyTruncationThrowsIOException() {
        byte[] valid = TestFiles.small();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int len = 0; len < valid.length; len++) {
                Path p = TestFiles.write(dir, "t.safetensors", Arrays.copyOf(valid, len));
                TRIED.incrementAndGet();
                int at = len;
                try (SafeTensorsFile f = SafeTensors.open(p)) {
                    fail("prefix of " + at + " bytes opened: " + f.names());
                } catch (IOException expected) {
                    // ok
                } catch (Throwable t) {
                    fail("prefix of " + at + " bytes: expected IOException but got " + t, t);
                }
            }
        });
    }

    @Test
    void seededHeaderMutationsOnlyThrowIOException() {
        byte[] valid = TestFiles.small();
        long n = ByteBuffer.wrap(valid, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Random random = new Random(20240611L);
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int i = 0; i < 2000; i++) {
                byte[] bytes = valid.clone();
                int flips = 1 + random.nextInt(3);
                for (int k = 0; k < flips; k++) {
                    // mostly the JSON header, sometimes the length field
                    int pos = random.nextInt(10) == 0 ? random.nextInt(8) : 8 + random.nextInt((int) n);
                    if (random.nextBoolean()) {
                        bytes[pos] ^= (byte) (1 << random.nextInt(8));
                    } else {
                        bytes[pos] = (byte) random.nextInt(256);
                    }
                }
                Path p = TestFiles.write(dir, "m.safetensors", bytes);
                readEverything(p, "mutation " + i);
            }
        });
    }

    @Test
    void structuredMutationsOfNumbersOnlyThrowIOException() throws IOException {
        String[] numbers = {"0", "1", "-1", "3", "4", "16", "22", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "1e3", "1.0", "null", "\"4\"", "[]", "{}", "4294967296"};
        String template = "{\"w\":{\"dtype\":\"F32\",\"shape\":[%s,2],\"data_offsets\":[%s,16]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[16,%s]}}";
        byte[] data = Arrays.copyOfRange(TestFiles.small(), TestFiles.small().length - 22, TestFiles.small().length);
        for (String a : numbers) {
            for (String b : numbers) {
                for (String c : numbers) {
                    Path p = dir.resolve("s.safetensors");
                    Files.write(p, TestFiles.file(String.format(template, a, b, c), data));
                    readEverything(p, "shape " + a + ", begin " + b + ", end " + c);
                }
            }
        }
    }
}
