package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.model.text.TokenizedText;
import dev.graft.util.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-token states are computed once, read back bit for bit, verified, and kept within their bounds. */
class TokenStateCacheTest {

    private static final int DIM = 6;

    @TempDir
    Path dir;

    private static final List<TokenizedText> SEQUENCES = List.of(
            new TokenizedText(new long[] {101, 7592, 102}, new long[] {0, 0, 0}),
            new TokenizedText(new long[] {101, 2088, 2003, 1037, 102}, new long[] {0, 0, 0, 0, 0}));

    /** Random states, one row of {@code tokens × DIM} values per sequence. */
    private static float[][] states(List<TokenizedText> sequences, long seed) {
        Random r = new Random(seed);
        float[][] out = new float[sequences.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[sequences.get(i).ids().length * DIM];
            for (int k = 0; k < out[i].length; k++) {
                out[i][k] = (float) r.nextGaussian();
            }
        }
        return out;
    }

    @Test
    void aSecondLookUpReadsTheSameStatesWithoutComputing() {
        TextModelSpec spec = TextModels.resolve("minilm");
        TokenStateCache cache = new TokenStateCache(dir);
        AtomicInteger computed = new AtomicInteger();
        float[][] first = cache.states(spec, SEQUENCES, () -> {
            computed.incrementAndGet();
            return states(SEQUENCES, 1);
        }, Progress.NONE);
        float[][] second = cache.states(spec, SEQUENCES, () -> {
            computed.incrementAndGet();
            return states(SEQUENCES, 2);
        }, Progress.NONE);
        assertEquals(1, computed.get(), "the second look-up is answered from disk");
        assertEquals(1, cache.hits());
        assertEquals(1, cache.misses());
        for (int i = 0; i < first.length; i++) {
            assertArrayEquals(first[i], second[i], 0f);
        }
        assertEquals(DIM, TokenStateCache.dimension(second, SEQUENCES));
        List<TokenizedText> other = List.of(SEQUENCES.get(0), new TokenizedText(new long[] {101, 2088, 102}, new long[] {0, 0, 0}));
        assertNotEquals(TokenStateCache.key(spec, SEQUENCES), TokenStateCache.key(spec, other), "other token ids, another entry");
    }

    @Test
    void aDamagedEntryIsRecomputedNotTrusted() throws Exception {
        TextModelSpec spec = TextModels.resolve("minilm");
        TokenStateCache cache = new TokenStateCache(dir);
        float[][] truth = cache.states(spec, SEQUENCES, () -> states(SEQUENCES, 1), Progress.NONE);
        Path file = dir.resolve(TokenStateCache.key(spec, SEQUENCES) + TokenStateCache.SUFFIX);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x40; // one flipped bit in the states: same size, wrong checksum
        Files.write(file, bytes);
        AtomicInteger computed = new AtomicInteger();
        float[][] again = cache.states(spec, SEQUENCES, () -> {
            computed.incrementAndGet();
            return states(SEQUENCES, 1);
        }, Progress.NONE);
        assertEquals(1, computed.get(), "a checksum mismatch is a miss");
        assertArrayEquals(truth[1], again[1], 0f);
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 40)); // truncated
        assertEquals(0, new TokenStateCache(dir).hits());
        TokenStateCache fresh = new TokenStateCache(dir);
        fresh.states(spec, SEQUENCES, () -> states(SEQUENCES, 1), Progress.NONE);
        assertEquals(1, fresh.misses(), "a truncated entry is a miss");
    }

    @Test
    void entriesOverTheBoundsAreNotWritten() throws Exception {
        TextModelSpec spec = TextModels.resolve("minilm");
        TokenStateCache small = new TokenStateCache(dir, 100, Long.MAX_VALUE);
        small.states(spec, SEQUENCES, () -> states(SEQUENCES, 1), Progress.NONE);
        assertFalse(Files.exists(dir.resolve(TokenStateCache.key(spec, SEQUENCES) + TokenStateCache.SUFFIX)),
                "8 tokens x 6 floats x 4 bytes is over a 100-byte entry bound");
        TokenStateCache total = new TokenStateCache(dir, Long.MAX_VALUE, 300);
        total.states(spec, SEQUENCES.subList(0, 1), () -> states(SEQUENCES.subList(0, 1), 1), Progress.NONE);
        assertTrue(Files.exists(dir.resolve(TokenStateCache.key(spec, SEQUENCES.subList(0, 1)) + TokenStateCache.SUFFIX)));
        total.states(spec, SEQUENCES, () -> states(SEQUENCES, 1), Progress.NONE);
        assertFalse(Files.exists(dir.resolve(TokenStateCache.key(spec, SEQUENCES) + TokenStateCache.SUFFIX)),
                "124 bytes cached + 248 would take the cache past 300 bytes");
    }
}
