package dev.graft.selection;

import java.util.Arrays;
import java.util.Locale;

/**
 * Turns a text into a sparse bag-of-words vector without a vocabulary: word unigrams and bigrams hashed into
 * {@code 2^bits} buckets (the "hashing trick"), weighted by sublinear term frequency {@code 1 + ln(count)} and scaled to
 * unit L2 norm, as scikit-learn's {@code HashingVectorizer(ngram_range=(1,2))} followed by sublinear TF and
 * normalisation would do. Stateless and deterministic: the hash is fixed (not {@link Object#hashCode()} of a
 * randomised map), so the same text always gives the same vector.
 *
 * <p>Tokens are maximal runs of Unicode letters, digits and combining marks (so words of scripts with vowel signs, such
 * as Devanagari, stay whole), lower-cased with {@link Locale#ROOT}. Everything else separates tokens. Scripts written
 * without spaces (Chinese, Japanese, Thai) therefore give one token per run of characters, which makes the baseline
 * weak on them; it is a floor to beat, not a competitor.
 */
final class HashedBagOfWords {

    /** Default number of hash bits: 2^18 = 262,144 buckets, enough that collisions rarely matter for short texts. */
    static final int DEFAULT_BITS = 18;

    private final int bits;
    private final int mask;

    /**
     * @param bits hash bits, 1 to 30: the vectors have {@code 2^bits} dimensions
     */
    HashedBagOfWords(int bits) {
        if (bits < 1 || bits > 30) {
            throw new IllegalArgumentException("hash bits must be in [1, 30] but was " + bits);
        }
        this.bits = bits;
        this.mask = (1 << bits) - 1;
    }

    /** Number of dimensions, {@code 2^bits}. */
    int dimensions() {
        return 1 << bits;
    }

    /** The vector of {@code text}: hashed unigrams and bigrams, sublinear TF, unit L2 norm (empty for a text without words). */
    SparseVector vectorize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        int[] hashes = new int[16];
        int count = 0;
        int i = 0;
        int previous = 0;
        boolean hasPrevious = false;
        int n = lower.length();
        while (i < n) {
            int cp = lower.codePointAt(i);
            if (!isWordChar(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int h = 0x9747b28c;
            while (i < n) {
                cp = lower.codePointAt(i);
                if (!isWordChar(cp)) {
                    break;
                }
                h = mix(h, cp);
                i += Character.charCount(cp);
            }
            int word = finish(h);
            if (count + 2 > hashes.length) {
                hashes = Arrays.copyOf(hashes, hashes.length * 2);
            }
            hashes[count++] = word & mask;
            if (hasPrevious) {
                hashes[count++] = finish(mix(mix(0x5bd1e995, previous), word)) & mask;
            }
            previous = word;
            hasPrevious = true;
        }
        return weigh(hashes, count);
    }

    /** Counts equal buckets, weighs them {@code 1 + ln(count)} and normalises. */
    private static SparseVector weigh(int[] hashes, int count) {
        Arrays.sort(hashes, 0, count);
        int[] idx = new int[count];
        float[] val = new float[count];
        int m = 0;
        double sumSq = 0;
        for (int k = 0; k < count; ) {
            int j = k;
            while (j < count && hashes[j] == hashes[k]) {
                j++;
            }
            double w = 1 + Math.log(j - k);
            idx[m] = hashes[k];
            val[m++] = (float) w;
            sumSq += w * w;
            k = j;
        }
        float inv = m == 0 ? 0f : (float) (1 / Math.sqrt(sumSq));
        for (int k = 0; k < m; k++) {
            val[k] *= inv;
        }
        return new SparseVector(Arrays.copyOf(idx, m), Arrays.copyOf(val, m));
    }

    private static boolean isWordChar(int cp) {
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** One step of MurmurHash3's 32-bit body. */
    private static int mix(int h, int k) {
        k *= 0xcc9e2d51;
        k = Integer.rotateLeft(k, 15);
        k *= 0x1b873593;
        h ^= k;
        h = Integer.rotateLeft(h, 13);
        return h * 5 + 0xe6546b64;
    }

    /** MurmurHash3's finaliser (avalanche). */
    private static int finish(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
