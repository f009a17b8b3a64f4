package dev.graft.run;

import dev.graft.training.TrainingListener;
import dev.graft.util.Progress;
import java.util.List;

/**
 * What a front end hears of a run: progress bars, per-epoch lines and notes. Every method has a silent default, so a
 * Java caller overrides only what it shows; {@link #SILENT} shows nothing.
 */
public interface RunListener {

    /** A listener that shows nothing. */
    RunListener SILENT = new RunListener() {
    };

    /** Progress of one long step (a download, embedding, feature caching); a fresh one per step. */
    default Progress progress() {
        return Progress.NONE;
    }

    /** Listeners of the training loop's epochs (besides run tracking's). */
    default List<TrainingListener> epochs() {
        return List.of();
    }

    /** A one-line note or warning ({@code note: ...}, {@code warning: ...}) about the data, the model or the run. */
    default void message(String line) {
    }

    /** A summary of the data read (sizes, classes); a quiet front end ignores it, unlike {@link #message}. */
    default void summary(String line) {
    }
}
