package dev.graft.util;

/**
 * Receives progress of a long-running task. The library never prints; the CLI renders this as a
 * progress bar, tests and embedding code may pass {@link #NONE}.
 */
public interface Progress {

    /** A listener that ignores everything. */
    Progress NONE = new Progress() {
        @Override
        public void start(String task, long total) {
        }

        @Override
        public void step(long n) {
        }

        @Override
        public void done() {
        }
    };

    /** Begins a task of {@code total} units (−1 when unknown). */
    void start(String task, long total);

    /** Reports {@code n} more units completed. */
    void step(long n);

    /** Ends the current task. */
    void done();

    /** Shows a one-line status message next to the bar, if the renderer supports it. */
    default void message(String text) {
    }
}
