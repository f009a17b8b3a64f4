package dev.graft.tracking;

import dev.graft.training.EpochLog;
import dev.graft.training.FitResult;
import dev.graft.training.TrainingListener;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Logs every epoch to a tracked run, with step = epoch: {@code train_loss}, {@code val_loss},
 * {@code val_accuracy}, {@code val_macro_f1}, {@code lr} and {@code epoch_seconds}; at the end {@code best_epoch}
 * and {@code epochs_run}. A failure to log is reported to {@code onError} once and logging stops, so a tracking
 * server that goes away never stops training.
 */
public final class TrackingListener implements TrainingListener {

    private final TrackedRun run;
    private final Consumer<RuntimeException> onError;
    private boolean failed;

    /** Logs to {@code run}; failures go to {@code onError} (e.g. a warning), once. */
    public TrackingListener(TrackedRun run, Consumer<RuntimeException> onError) {
        this.run = run;
        this.onError = onError;
    }

    /** Logs to {@code run}; a failure to log is rethrown. */
    public TrackingListener(TrackedRun run) {
        this(run, e -> {
            throw e;
        });
    }

    @Override
    public void onEpochEnd(EpochLog log) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("train_loss", log.trainLoss());
        m.put("val_loss", log.valLoss());
        m.put("val_accuracy", log.valAccuracy());
        m.put("val_macro_f1", log.valMacroF1());
        log.valMetrics().forEach((k, v) -> m.putIfAbsent("val_" + k, v));
        m.put("lr", log.learningRate());
        m.put("epoch_seconds", log.seconds());
        safely(() -> run.logMetrics(m, log.epoch()));
    }

    @Override
    public void onTrainEnd(FitResult result) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("best_epoch", (double) result.bestEpoch());
        m.put("epochs_run", (double) result.history().size());
        safely(() -> run.logMetrics(m, result.history().size()));
    }

    /** Whether a logging call failed (and logging stopped). */
    public boolean failed() {
        return failed;
    }

    private void safely(Runnable r) {
        if (failed) {
            return;
        }
        try {
            r.run();
        } catch (RuntimeException e) {
            failed = true;
            onError.accept(e);
        }
    }
}
