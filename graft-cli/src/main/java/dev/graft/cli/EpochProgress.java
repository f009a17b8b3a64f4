package dev.graft.cli;

import dev.graft.training.EpochLog;
import dev.graft.training.FitResult;
import dev.graft.training.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A progress bar over each epoch's steps, one line per epoch, and (for classification) the best epoch at the end.
 * {@link #EpochProgress(PrintStream, boolean)} prints classification figures; {@link #maskedLm} the masked-LM ones.
 */
final class EpochProgress implements TrainingListener {

    private final PrintStream err;
    private final BarProgress bar;
    private final String barLabel;
    private final Function<EpochLog, String> epochLine;
    private final boolean reportsBest;
    private int stepsPerEpoch;
    private boolean barOpen;

    /** Progress of a classification run: losses, accuracy, macro-F1 and the largest drift per epoch. */
    EpochProgress(PrintStream err, boolean quiet) {
        this(err, quiet, "Epoch", EpochProgress::classificationLine, true);
    }

    private EpochProgress(PrintStream err, boolean quiet, String barLabel, Function<EpochLog, String> epochLine, boolean reportsBest) {
        this.err = quiet ? null : err;
        this.bar = new BarProgress(err, quiet);
        this.barLabel = barLabel;
        this.epochLine = epochLine;
        this.reportsBest = reportsBest;
    }

    /** Progress of masked-LM pre-training: its losses and masked-token accuracy per epoch. */
    static EpochProgress maskedLm(PrintStream err, boolean quiet) {
        return new EpochProgress(err, quiet, "MLM epoch", log -> String.format(Locale.ROOT,
                "epoch %3d  train_mlm_loss %.4f  val_mlm_loss %.4f  val_masked_acc %.4f  %.0f s%s", log.epoch(), log.trainLoss(),
                log.valLoss(), log.valAccuracy(), log.seconds(), log.improved() ? "  *" : ""), false);
    }

    private static String classificationLine(EpochLog log) {
        String drift = log.drift().entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> String.format(Locale.ROOT, "  drift max %.4f (%s)", e.getValue(), e.getKey())).orElse("");
        if (Double.isNaN(log.valAccuracy()) && !log.valMetrics().isEmpty()) {
            // another task than classification: its first figures (multi-label micro/macro F1, regression RMSE, ...)
            StringBuilder figures = new StringBuilder();
            log.valMetrics().entrySet().stream().limit(4).forEach(e -> figures.append(String.format(Locale.ROOT, "  val_%s %.4f",
                    e.getKey(), e.getValue())));
            return String.format(Locale.ROOT, "epoch %3d  train_loss %.4f  val_loss %.4f%s%s%s", log.epoch(), log.trainLoss(),
                    log.valLoss(), figures, drift, log.improved() ? "  *" : "");
        }
        return String.format(Locale.ROOT, "epoch %3d  train_loss %.4f  val_loss %.4f  val_acc %.4f  val_macro_f1 %.4f%s%s",
                log.epoch(), log.trainLoss(), log.valLoss(), log.valAccuracy(), log.valMacroF1(), drift, log.improved() ? "  *" : "");
    }

    @Override
    public void onTrainStart(int epochs, int stepsPerEpoch) {
        this.stepsPerEpoch = stepsPerEpoch;
    }

    @Override
    public void onStep(int epoch, int step, double loss) {
        if (!barOpen) {
            bar.start(String.format(Locale.ROOT, "%s %d", barLabel, epoch), stepsPerEpoch);
            barOpen = true;
        }
        bar.step(1);
    }

    @Override
    public void onEpochEnd(EpochLog log) {
        bar.done();
        barOpen = false;
        if (err != null) {
            err.println(epochLine.apply(log));
        }
    }

    @Override
    public void onTrainEnd(FitResult result) {
        if (err != null && reportsBest) {
            err.printf(Locale.ROOT, "best epoch %d (%s %.4f)%s%n", result.bestEpoch(), result.monitor().key(), result.bestScore(),
                    result.stoppedEarly() ? ", stopped early" : "");
        }
    }
}
