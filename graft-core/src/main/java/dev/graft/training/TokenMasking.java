package dev.graft.training;

import dev.graft.model.text.SpecialTokens;
import java.util.Random;

/**
 * BERT's masking for masked-language modelling: each non-special token is chosen as a prediction
 * target with probability {@code maskProbability}; a chosen token is replaced by the mask token
 * (80%), by a random non-special token (10%) or left unchanged (10%). Special tokens ({@code [CLS]},
 * {@code [SEP]}, padding, ...) are never chosen. A text with at least one maskable token always gets
 * at least one target (one position drawn uniformly when the coin flips chose none), so every batch
 * has a loss.
 */
public final class TokenMasking {

    /** Fraction of chosen tokens replaced by the mask token. */
    public static final double MASK_SHARE = 0.8;
    /** Fraction of chosen tokens replaced by a random token (the rest stay unchanged). */
    public static final double RANDOM_SHARE = 0.1;

    private final double maskProbability;
    private final SpecialTokens special;
    private final int vocabSize;

    /**
     * @param maskProbability chance that a non-special token becomes a target, in (0, 1)
     * @param special         the tokenizer's special tokens and mask id
     * @param vocabSize       the model's vocabulary size (random replacements are drawn below it)
     */
    public TokenMasking(double maskProbability, SpecialTokens special, int vocabSize) {
        if (!(maskProbability > 0 && maskProbability < 1)) {
            throw new IllegalArgumentException("mask probability must be in (0, 1), got " + maskProbability);
        }
        if (vocabSize <= special.specialIds().size()) {
            throw new IllegalArgumentException("vocabulary of " + vocabSize + " tokens has no non-special token to sample");
        }
        this.maskProbability = maskProbability;
        this.special = special;
        this.vocabSize = vocabSize;
    }

    /** The chance that a non-special token becomes a target. */
    public double maskProbability() {
        return maskProbability;
    }

    /**
     * One text after masking.
     *
     * @param ids    the model's input: the ids with targets replaced (or kept) as above
     * @param target which positions the loss is computed on
     */
    public record Masked(long[] ids, boolean[] target) {
    }

    /** Masks {@code ids} (not modified) with draws from {@code rng}. */
    public Masked mask(long[] ids, Random rng) {
        long[] out = ids.clone();
        boolean[] target = new boolean[ids.length];
        int maskable = 0;
        int chosen = 0;
        for (int i = 0; i < ids.length; i++) {
            if (special.isSpecial(ids[i])) {
                continue;
            }
            maskable++;
            if (rng.nextDouble() < maskProbability) {
                target[i] = true;
                chosen++;
                out[i] = replacement(ids[i], rng);
            }
        }
        if (chosen == 0 && maskable > 0) {
            int k = rng.nextInt(maskable);
            for (int i = 0; i < ids.length; i++) {
                if (!special.isSpecial(ids[i]) && k-- == 0) {
                    target[i] = true;
                    out[i] = replacement(ids[i], rng);
                    break;
                }
            }
        }
        return new Masked(out, target);
    }

    private long replacement(long original, Random rng) {
        double r = rng.nextDouble();
        if (r < MASK_SHARE) {
            return special.maskId();
        }
        if (r < MASK_SHARE + RANDOM_SHARE) {
            long id;
            do {
                id = rng.nextInt(vocabSize);
            } while (special.isSpecial(id));
            return id;
        }
        return original;
    }
}
