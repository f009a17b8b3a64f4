package dev.graft.cli;

import dev.graft.data.DataException;
import dev.graft.tensor.io.OwnedDirectory;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code graft}: transfer learning from the command line. */
@Command(name = "graft", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Adapt a pretrained model to your labelled data: train, evaluate, predict.",
        subcommands = {TrainCommand.class, LrFindCommand.class, EvaluateCommand.class, PredictCommand.class, ModelsCommand.class,
                ServeCommand.class, FewShotCommand.class, AdaptCommand.class, PretrainCommand.class, RankCommand.class,
                AutoCommand.class, FeaturesCommand.class,
                TuneCommand.class, CompareCommand.class, RunsCommand.class, BenchCommand.class, ExportCommand.class,
                AverageCommand.class, DevicesCommand.class, CommandLine.HelpCommand.class})
public final class GraftCli {

    /** Exit code for a bad input or a failed run (usage errors exit with 2). */
    static final int FAILURE = 1;

    private GraftCli() {
    }

    /** Runs the CLI and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the CLI and returns the exit code (for tests): 0 on success, 1 ({@link #FAILURE}) for bad input or a
     * failed run, 2 for a command-line mistake such as a missing or unknown option.
     */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new GraftCli());
        PluginCommands plugins = PluginCommands.load();
        plugins.addTo(cli);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String message = plugins.describe(e);
            cmd.getErr().println("error: " + (message != null ? message : describe(e)));
            if (Boolean.getBoolean("graft.debug") || System.getenv("GRAFT_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return FAILURE;
        });
        cli.setParameterExceptionHandler(GraftCli::usageError);
        OwnedDirectory.setNotices(message -> System.err.println("note: " + message));
        dev.graft.util.Arguments.setNaming(FlagNames::flag);
        return cli.execute(args);
    }

    /**
     * Reports a command-line mistake (missing or unknown option, bad value) in a few lines instead of the
     * whole usage text, and exits with picocli's usage code (2). An unknown option is named even when a
     * required option is missing too, since the one is often a misspelling of the other.
     */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        List<String> unmatched = cmd.getUnmatchedArguments();
        if (!(e instanceof CommandLine.UnmatchedArgumentException) && unmatched.isEmpty() && !cmd.getSubcommands().isEmpty()) {
            cmd.usage(err); // a bare `graft` (no subcommand): show what there is
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        }
        if (!(e instanceof CommandLine.UnmatchedArgumentException) && !unmatched.isEmpty()) {
            var unknown = new CommandLine.UnmatchedArgumentException(cmd, unmatched);
            err.println("error: " + unknown.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(unknown, err);
        }
        err.println("error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' to see the options.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** A user-facing message: ours are written to be read; anything else gets its type. */
    static String describe(Throwable e) {
        if (e.getCause() != null && e.getMessage() != null && e.getMessage().equals(e.getCause().toString())) {
            return describe(e.getCause()); // a wrapper that only repeats its cause: "java.io.IOException: ..."
        }
        if (e instanceof DataException || e instanceof IllegalArgumentException || e instanceof UncheckedIOException
                || e instanceof IllegalStateException || e instanceof java.io.IOException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage() + " (set GRAFT_DEBUG=1 for the stack trace)";
    }
}
