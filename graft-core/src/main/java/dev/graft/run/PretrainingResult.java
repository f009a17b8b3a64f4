package dev.graft.run;

import dev.graft.model.text.TextModelSpec;
import dev.graft.training.FitResult;
import java.nio.file.Path;

/**
 * What a pre-training run ({@link PretrainingRun}) did: the texts it read, the encoder it started from and the one it
 * saved, and how training went (per-epoch history; the epoch with the lowest held-out masked-token loss was kept).
 *
 * @param texts       how the texts were gathered
 * @param base        the encoder pre-training started from
 * @param saved       the adapted encoder as written to {@link #output} ({@code TextModels.resolve} and
 *                    {@code TrainingRequest.model} accept that directory)
 * @param output      the backbone directory written
 * @param trainTexts  texts trained on
 * @param valTexts    texts held out for the masked-token loss
 * @param trainTokens tokens in the training texts after truncation, special tokens included
 * @param fit         per-epoch history and the best epoch
 * @param seconds     wall time of training, saving and removing the checkpoint
 */
public record PretrainingResult(TextSelection texts, TextModelSpec base, TextModelSpec saved, Path output, int trainTexts,
                                int valTexts, long trainTokens, FitResult fit, double seconds) {

    /** The held-out masked-token loss of the kept epoch. */
    public double bestValLoss() {
        return fit.best().valLoss();
    }

    /** The held-out masked-token accuracy of the kept epoch. */
    public double bestValAccuracy() {
        return fit.best().valAccuracy();
    }

    /**
     * How the texts were gathered.
     *
     * @param read       rows read from the text files
     * @param files      files read
     * @param excluded   rows dropped because their text occurs in an exclude file
     * @param duplicates rows dropped because their text occurred earlier
     * @param used       texts pre-trained on (after the optional sample)
     */
    public record TextSelection(int read, int files, int excluded, int duplicates, int used) {
    }
}
