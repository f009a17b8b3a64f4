package dev.graft.cli;

import dev.graft.training.EpochLog;
import dev.graft.training.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;

/** A progress bar over each epoch's steps and one line per epoch with the masked-LM losses. */
final class PretrainProgress implements TrainingListener {

    private final PrintStream err;
    private final BarProgress bar;
    private int stepsPerEpoch;
    private boolean barOpen;

    PretrainProgress(PrintStream err, boolean quiet) {
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
            bar.start(String.format(Locale.ROOT, "MLM epoch %d", epoch), stepsPerEpoch);
            barOpen = true;
        }
        bar.step(1);
    }

    @Override
    public void onEpochEnd(EpochLog log) {
        bar.done();
        barOpen = false;
        if (err != null) {
            err.printf(Locale.ROOT, "epoch %3d  train_mlm_loss %.4f  val_mlm_loss %.4f  val_masked_acc %.4f  %.0f s%s%n",
                    log.epoch(), log.trainLoss(), log.valLoss(), log.valAccuracy(), log.seconds(), log.improved() ? "  *" : "");
        }
    }
}
