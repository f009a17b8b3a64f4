package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.api.CommandPlugin;
import dev.graft.spark.cli.SparkCommands;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Runs the spark-* commands in this JVM the way the {@code graft} CLI does, capturing their output: the commands of
 * the {@link CommandPlugin} that {@link ServiceLoader} finds (so the {@code META-INF/services} entry is checked
 * too), under a {@code graft} root command; a failure is one {@code error:} line (the plugin's message, else the
 * exception's) and exit code 1, a command-line mistake picocli's 2. This module does not depend on graft-cli,
 * whose {@code PluginCommandsTest} checks the CLI's side of the same contract.
 */
final class SparkCliHarness {

    private SparkCliHarness() {
    }

    @Command(name = "graft")
    static final class Root {
    }

    /** Runs {@code graft args} with the spark-* commands, checks the exit code, and returns {stdout, stderr}. */
    static String[] run(int expectedCode, String... args) {
        List<CommandPlugin> plugins = ServiceLoader.load(CommandPlugin.class).stream().map(ServiceLoader.Provider::get).toList();
        assertEquals(List.of(SparkCommands.class), plugins.stream().map(Object::getClass).toList(), "registered command plugins");
        CommandPlugin plugin = plugins.get(0);
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            CommandLine cli = new CommandLine(new Root());
            plugin.commands().forEach(cli::addSubcommand);
            cli.setExecutionExceptionHandler((failure, cmd, parsed) -> {
                String message = plugin.describe(failure);
                cmd.getErr().println("error: " + (message != null ? message : failure.getMessage()));
                return 1;
            });
            code = cli.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String o = out.toString(StandardCharsets.UTF_8);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(expectedCode, code, () -> "graft " + String.join(" ", args) + "\n" + o + "\n" + e);
        return new String[] {o, e};
    }
}
