package dev.graft.cli;

import dev.graft.training.EpochLog;
import dev.graft.training.FitResult;
import dev.graft.training.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;

/** Prints one line per epoch and a progress bar over the epochs' steps. */
final class EpochProgress implements TrainingListener {

    private final PrintStream err;
    private final BarProgress bar;
    private int stepsPerEpoch;
    private boolean barOpen;

    EpochProgress(PrintStream err, boolean quiet) {
        this.err = quiet ? null : err;
        this.bar = new BarProgress(err, quiet);
    }

    @Override
    public void onTrainStart(int epochs, int stepsPerEpoch) {
        this.stepsPerEpoch = stepsPerEpoch;
    }

    @Override
    public void onStep(int epoch, int step, double loss) {
        if (!barOpen) {
            bar.start(String.format(Locale.ROOT, "Epoch %d", epoch), stepsPerEpoch);
            barOpen = true;
        }
        bar.step(1);
    }

    @Override
    public void onEpochEnd(EpochLog log) {
        bar.done();
        barOpen = false;
        if (err != null) {
            String drift = log.drift().entrySet().stream().max(java.util.Map.Entry.comparingByValue())
                    .map(e -> String.format(Locale.ROOT, "  drift max %.4f (%s)", e.getValue(), e.getKey())).orElse("");
            err.printf(Locale.ROOT, "epoch %3d  train_loss %.4f  val_loss %.4f  val_acc %.4f  val_macro_f1 %.4f%s%s%n",
                    log.epoch(), log.trainLoss(), log.valLoss(), log.valAccuracy(), log.valMacroF1(), drift, log.improved() ? "  *" : "");
        }
    }

    @Override
    public void onTrainEnd(FitResult result) {
        if (err != null) {
            err.printf(Locale.ROOT, "best epoch %d (%s %.4f)%s%n", result.bestEpoch(), result.monitor().key(), result.bestScore(),
                    result.stoppedEarly() ? ", stopped early" : "");
        }
    }
}
