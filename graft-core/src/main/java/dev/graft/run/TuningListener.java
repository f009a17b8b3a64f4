package dev.graft.run;

import dev.graft.tuning.Trial;
import java.util.Map;

/**
 * What a front end hears of a hyper-parameter search: everything a {@link RunListener} hears (data summary, notes,
 * per-epoch lines of each trial), and each trial's start and end. Every method has a silent default.
 */
public interface TuningListener extends RunListener {

    /** A listener that shows nothing. */
    TuningListener SILENT = new TuningListener() {
    };

    /** The study is open: {@code finished} of {@code wanted} trials are done already (a resumed study). */
    default void studyOpened(java.nio.file.Path file, int finished, int wanted, String sampler, String pruner, String metric) {
    }

    /** A trial starts with {@code params}; {@code restarted} when an earlier process left it running. */
    default void trialStarted(int number, Map<String, Object> params, boolean restarted) {
    }

    /**
     * A trial ended (complete, pruned or failed).
     *
     * @param score its final score in the objective's metric (as the metric reads: not negated), NaN when it has none
     * @param note  why it failed, or empty
     */
    default void trialFinished(Trial trial, double score, String note) {
    }
}
