package dev.graft.run.auto;

import dev.graft.run.RunListener;

/** What a front end hears of an auto run: the run's own notes plus each step of the plan as it ends. */
public interface AutoListener extends RunListener {

    /** A listener that shows nothing. */
    AutoListener SILENT = new AutoListener() {
    };

    /** A stage of the plan begins, with its rule ("ranking 3 backbones by LogME on 256 examples"). */
    default void stage(String line) {
    }

    /** A candidate ended (or was skipped); {@code fromJournal} when an earlier process had finished it. */
    default void candidate(Candidate candidate, boolean fromJournal) {
    }
}
