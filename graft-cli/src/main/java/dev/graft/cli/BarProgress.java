package dev.graft.cli;

import dev.graft.util.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Renders {@link Progress} on standard error: a live bar on a terminal, and a plain line every 30 s
 * when the output goes to a log file or CI (no carriage-return stream).
 */
final class BarProgress implements Progress {

    private static final int LOG_INTERVAL_MILLIS = 30_000;

    private final PrintStream err;
    private final boolean quiet;
    private final boolean interactive;
    private ProgressBar bar;

    BarProgress(PrintStream err, boolean quiet) {
        this(err, quiet, System.console() != null);
    }

    BarProgress(PrintStream err, boolean quiet, boolean interactive) {
        this.err = err;
        this.quiet = quiet;
        this.interactive = interactive;
    }

    @Override
    public void start(String task, long total) {
        if (quiet) {
            return;
        }
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).showSpeed();
        if (interactive) {
            builder.setConsumer(new ConsoleProgressBarConsumer(err)).setUpdateIntervalMillis(250);
        } else {
            // a log file or CI: one plain line every half minute instead of a carriage-return stream
            builder.setConsumer(new DelegatingProgressBarConsumer(err::println, 100)).setUpdateIntervalMillis(LOG_INTERVAL_MILLIS);
        }
        bar = builder.build();
    }

    @Override
    public void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    @Override
    public void done() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void message(String text) {
        if (!quiet) {
            err.println(text);
        }
    }
}
