package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.graft.model.text.Pooling;
import dev.graft.model.text.SentenceEncoder;
import dev.graft.model.text.TextModelSpec;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {

    /** Encodes a text as (length, first char, call number) so a recomputation is visible. */
    static final class CountingEncoder implements SentenceEncoder {
        final TextModelSpec spec;
        int calls;

        CountingEncoder(TextModelSpec spec) {
            this.spec = spec;
        }

        @Override
        public float[][] encode(List<String> texts, Progress progress) {
            calls++;
            return texts.stream().map(t -> new float[] {t.length(), t.charAt(0), calls}).toArray(float[][]::new);
        }

        @Override
        public int dimension() {
            return 3;
        }

        @Override
        public TextModelSpec spec() {
            return spec;
        }

        @Override
        public void close() {
        }
    }

    static TextModelSpec spec(String sha, int maxLength) {
        return new TextModelSpec("test/model", Path.of("/nonexistent"), sha, maxLength, Pooling.MEAN, "mit", "test");
    }

    @Test
    void secondLookupReadsTheFileInsteadOfRunningTheModel(@TempDir Path dir) {
        CountingEncoder enc = new CountingEncoder(spec("abc", 128));
        EmbeddingCache cache = new EmbeddingCache(dir);
        List<String> texts = List.of("hello", "a longer text", "ünïcode ✓");
        float[][] first = cache.embed(enc, texts, Progress.NONE);
        float[][] second = new EmbeddingCache(dir).embed(enc, texts, Progress.NONE);
        assertEquals(1, enc.calls);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(first[i], second[i]);
        }
    }

    @Test
    void aCacheHitNeverOpensTheModel(@TempDir Path dir) {
        TextModelSpec spec = spec("abc", 128);
        List<String> texts = List.of("x", "y");
        new EmbeddingCache(dir).embed(new CountingEncoder(spec), texts, Progress.NONE);
        float[][] hit = new EmbeddingCache(dir).embed(spec, () -> {
            throw new AssertionError("the encoder must not be opened on a cache hit");
        }, texts, Progress.NONE);
        assertEquals(2, hit.length);
    }

    @Test
    void keyDependsOnModelSettingsAndExactTexts() {
        List<String> texts = List.of("a", "b");
        String k = EmbeddingCache.key(spec("abc", 128), texts);
        assertEquals(k, EmbeddingCache.key(spec("abc", 128), List.of("a", "b")));
        assertNotEquals(k, EmbeddingCache.key(spec("abd", 128), texts), "other weights");
        assertNotEquals(k, EmbeddingCache.key(spec("abc", 256), texts), "other max length");
        assertNotEquals(k, EmbeddingCache.key(spec("abc", 128), List.of("b", "a")), "other order");
        assertNotEquals(k, EmbeddingCache.key(spec("abc", 128), List.of("ab")), "concatenation must not collide");
    }

    @Test
    void corruptEntryIsRecomputedNotTrusted(@TempDir Path dir) throws IOException {
        CountingEncoder enc = new CountingEncoder(spec("abc", 128));
        List<String> texts = List.of("one", "two");
        new EmbeddingCache(dir).embed(enc, texts, Progress.NONE);
        try (Stream<Path> files = Files.list(dir)) {
            Path entry = files.filter(p -> p.toString().endsWith(".emb")).findFirst().orElseThrow();
            byte[] b = Files.readAllBytes(entry);
            Files.write(entry, java.util.Arrays.copyOf(b, b.length - 3)); // truncated
        }
        float[][] again = new EmbeddingCache(dir).embed(enc, texts, Progress.NONE);
        assertEquals(2, enc.calls);
        assertEquals(2f, again[0][2]);
    }
}
