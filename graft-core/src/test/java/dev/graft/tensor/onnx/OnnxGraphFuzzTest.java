package dev.graft.tensor.onnx;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Seeded random byte mutations of a small ONNX model: only IOException (or a valid parse), never a hang or OOM. */
class OnnxGraphFuzzTest {

    /** Corrupted inputs tried, reported once all tests of this class ran. */
    private static final java.util.concurrent.atomic.AtomicInteger TRIED = new java.util.concurrent.atomic.AtomicInteger();

    @org.junit.jupiter.api.AfterAll
    static void reportCount() {
        System.out.println("ONNX fuzz: " + TRIED.get() + " corrupted inputs tried");
    }

    private static void parseEverything(byte[] bytes, String what) {
        TRIED.incrementAndGet();
        try {
            OnnxGraph g = OnnxGraph.parse(bytes, "fuzz.onnx");
            g.nodes().forEach(n -> n.attributes());
            for (OnnxTensor t : g.rawInitializers().values()) {
                if (t.isFloat()) {
                    t.toTensorData();
                }
            }
            g.floatInitializers();
            for (String out : g.outputs()) {
                g.constant(out);
            }
        } catch (IOException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank(), what);
        } catch (Throwable t) {
            fail(what + ": expected IOException but got " + t, t);
        }
    }

    @Test
    void seededMutationsOnlyThrowIOException() {
        byte[] valid = OnnxGraphTest.wellFormedModel();
        Random random = new Random(20240613L);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 5000; i++) {
                byte[] bytes = valid.clone();
                int flips = 1 + random.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    int pos = random.nextInt(bytes.length);
                    bytes[pos] = random.nextBoolean() ? (byte) (bytes[pos] ^ (1 << random.nextInt(8)))
                            : (byte) random.nextInt(256);
                }
                parseEverything(bytes, "mutation " + i);
            }
        });
    }

    @Test
    void hugeDeclaredLengthsInsideNestedMessages() {
        for (long declared : new long[] {1L << 31, 1L << 40, Long.MAX_VALUE, -1}) {
            byte[] tensor = new ProtoWriter().message(7, new ProtoWriter().message(5, new ProtoWriter()
                    .packedVarints(1, declared, declared).varint(2, 1).string(8, "t").lengthOnly(9, declared))).toBytes();
            parseEverything(tensor, "declared " + declared);
        }
    }
}
