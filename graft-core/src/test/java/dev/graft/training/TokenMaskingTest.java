package dev.graft.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.model.text.SpecialTokens;
import dev.graft.model.text.TokenizedText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenMaskingTest {

    static final long PAD = 0;
    static final long CLS = 1;
    static final long SEP = 2;
    static final long MASK = 3;
    static final SpecialTokens SPECIAL = new SpecialTokens(MASK, Set.of(PAD, CLS, SEP, MASK));
    static final int VOCAB = 5000;

    /** [CLS] n random ordinary tokens [SEP]. */
    static long[] text(Random r, int n) {
        long[] ids = new long[n + 2];
        ids[0] = CLS;
        ids[n + 1] = SEP;
        for (int i = 1; i <= n; i++) {
            ids[i] = 4 + r.nextInt(VOCAB - 4);
        }
        return ids;
    }

    @Test
    void bertProportionsOnALargeSample() {
        TokenMasking masking = new TokenMasking(0.15, SPECIAL, VOCAB);
        Random data = new Random(1);
        Random rng = new Random(2);
        long maskable = 0;
        long targets = 0;
        long masked = 0;
        long randomised = 0;
        long unchanged = 0;
        for (int t = 0; t < 4000; t++) {
            long[] ids = text(data, 100);
            TokenMasking.Masked m = masking.mask(ids, rng);
            assertFalse(m.target()[0] || m.target()[ids.length - 1], "special tokens are never targets");
            assertEquals(CLS, m.ids()[0]);
            assertEquals(SEP, m.ids()[ids.length - 1]);
            for (int i = 1; i < ids.length - 1; i++) {
                maskable++;
                if (!m.target()[i]) {
                    assertEquals(ids[i], m.ids()[i], "a token that is not a target is never changed");
                    continue;
                }
                targets++;
                if (m.ids()[i] == MASK) {
                    masked++;
                } else if (m.ids()[i] == ids[i]) {
                    unchanged++;
                } else {
                    randomised++;
                    assertFalse(SPECIAL.isSpecial(m.ids()[i]), "random replacements are ordinary tokens");
                }
            }
        }
        // 400,000 maskable tokens, ~60,000 targets: binomial standard errors are ~0.06% and ~0.16%.
        assertEquals(0.15, targets / (double) maskable, 0.003);
        assertEquals(0.80, masked / (double) targets, 0.008);
        assertEquals(0.10, randomised / (double) targets, 0.006);
        assertEquals(0.10, unchanged / (double) targets, 0.006);
    }

    @Test
    void specialTokensAnywhereAreNeverMaskedAndEveryTextGetsATarget() {
        TokenMasking masking = new TokenMasking(0.5, SPECIAL, VOCAB);
        Random rng = new Random(3);
        for (int t = 0; t < 2000; t++) {
            long[] ids = {CLS, 7, SEP, PAD, MASK, PAD};
            TokenMasking.Masked m = masking.mask(ids, rng);
            for (int i : new int[] {0, 2, 3, 4, 5}) {
                assertFalse(m.target()[i]);
                assertEquals(ids[i], m.ids()[i]);
            }
            assertTrue(m.target()[1], "a text with one ordinary token always has it as a target");
        }
        TokenMasking.Masked none = masking.mask(new long[] {CLS, SEP}, rng);
        assertFalse(none.target()[0] || none.target()[1]);
    }

    @Test
    void sameSeedSameMasksOtherSeedOtherMasks() {
        TokenMasking masking = new TokenMasking(0.15, SPECIAL, VOCAB);
        long[] ids = text(new Random(4), 200);
        TokenMasking.Masked a = masking.mask(ids, new Random(9));
        TokenMasking.Masked b = masking.mask(ids, new Random(9));
        TokenMasking.Masked c = masking.mask(ids, new Random(10));
        assertArrayEquals(a.ids(), b.ids());
        assertArrayEquals(a.target(), b.target());
        assertFalse(Arrays.equals(a.target(), c.target()));
    }

    @Test
    void batchMasksAreSeededPerEpochAndIndependentOfBatching() {
        TokenMasking masking = new TokenMasking(0.15, SPECIAL, VOCAB);
        Random data = new Random(5);
        List<TokenizedText> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long[] ids = text(data, 5 + data.nextInt(30));
            texts.add(new TokenizedText(ids, new long[ids.length]));
        }
        MaskedLmBatches a = new MaskedLmBatches(texts, masking, PAD, 7);
        MaskedLmBatches b = new MaskedLmBatches(texts, masking, PAD, 7);
        a.epochBatches(8, new Random(11));
        b.epochBatches(8, new Random(11));
        // text 5 alone and text 5 inside a batch with others: the same mask
        MaskedLmBatches.Masked alone = a.batch(new int[] {5});
        MaskedLmBatches.Masked inBatch = b.batch(new int[] {3, 5, 9});
        int len = texts.get(5).length();
        int row = 1;
        int width = inBatch.tokens().length();
        assertArrayEquals(Arrays.copyOfRange(alone.tokens().inputIds(), 0, len),
                Arrays.copyOfRange(inBatch.tokens().inputIds(), row * width, row * width + len));
        // the targets are the original ids of the target positions
        long[] original = texts.get(5).ids();
        long[] expected = java.util.stream.IntStream.range(0, len).filter(i -> alone.target()[i]).mapToLong(i -> original[i]).toArray();
        assertArrayEquals(expected, alone.targets());
        assertTrue(expected.length >= 1);
        // padding positions are never targets
        for (int r = 0; r < 3; r++) {
            int l = texts.get(new int[] {3, 5, 9}[r]).length();
            for (int t = l; t < width; t++) {
                assertFalse(inBatch.target()[r * width + t]);
            }
        }
        // another epoch (another generator state) masks differently
        a.epochBatches(8, new Random(12));
        assertNotEquals(Arrays.toString(alone.tokens().inputIds()) + Arrays.toString(alone.target()),
                Arrays.toString(a.batch(new int[] {5}).tokens().inputIds()) + Arrays.toString(a.batch(new int[] {5}).target()));
    }

    @Test
    void rejectsAProbabilityOutsideZeroOne() {
        assertThrows(IllegalArgumentException.class, () -> new TokenMasking(0, SPECIAL, VOCAB));
        assertThrows(IllegalArgumentException.class, () -> new TokenMasking(1, SPECIAL, VOCAB));
    }
}
