package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.api.CommandPlugin;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The CLI's side of {@link CommandPlugin} (how graft-spark adds its spark-* commands without graft-cli depending on
 * it): a plugin registered in {@code META-INF/services} on the context class loader adds its commands to
 * {@code graft}, they run with the CLI's exit codes, and the plugin describes its own failures.
 */
class PluginCommandsTest {

    @TempDir
    Path tmp;

    /** A failure only the plugin knows how to describe. */
    static final class EchoFailure extends RuntimeException {
        EchoFailure(String message) {
            super(message);
        }
    }

    @Command(name = "echo-plugin", mixinStandardHelpOptions = true, description = "Prints its text (a test plugin's command).")
    static final class Echo implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--text", required = true)
        String text;

        @Option(names = "--fail", description = "Fail with a failure the plugin describes.")
        boolean fail;

        @Option(names = "--bad-argument", description = "Fail with an IllegalArgumentException (described by the CLI).")
        boolean badArgument;

        @Override
        public Integer call() {
            if (fail) {
                throw new EchoFailure("cannot echo " + text);
            }
            if (badArgument) {
                throw new IllegalArgumentException("--text " + text + " is not allowed.");
            }
            spec.commandLine().getOut().println("echo: " + text);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** Registered through the services file the test writes; public with a public constructor for ServiceLoader. */
    public static final class EchoPlugin implements CommandPlugin {
        public EchoPlugin() {
        }

        @Override
        public List<Object> commands() {
            return List.of(new Echo());
        }

        @Override
        public String describe(Throwable e) {
            return e instanceof EchoFailure ? "echo plugin: " + e.getMessage() : null;
        }
    }

    @Test
    void registeredPluginAddsCommandsWithTheCliExitCodesAndItsOwnMessages() throws IOException {
        assertFalse(CliHarness.run("--help").out().contains("echo-plugin"), "no plugin registered on the test classpath");

        Path services = Files.createDirectories(tmp.resolve("META-INF/services"));
        Files.writeString(services.resolve(CommandPlugin.class.getName()), "# a test plugin\n" + EchoPlugin.class.getName() + "\n");
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader withPlugin = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, getClass().getClassLoader())) {
            thread.setContextClassLoader(withPlugin);

            CliHarness.Result help = CliHarness.run("--help");
            assertEquals(0, help.code(), help::toString);
            assertTrue(help.out().contains("echo-plugin") && help.out().contains("Prints its text"), help::toString);
            assertTrue(help.out().contains("train"), help::toString); // the built-in commands stay

            CliHarness.Result ok = CliHarness.run("echo-plugin", "--text", "hello");
            assertEquals(0, ok.code(), ok::toString);
            assertEquals("echo: hello", ok.out().strip());

            CliHarness.Result described = CliHarness.run("echo-plugin", "--text", "hello", "--fail");
            assertEquals(GraftCli.FAILURE, described.code(), described::toString);
            assertEquals("error: echo plugin: cannot echo hello", described.err().strip());

            CliHarness.Result byCli = CliHarness.run("echo-plugin", "--text", "x", "--bad-argument");
            assertEquals(GraftCli.FAILURE, byCli.code(), byCli::toString);
            assertEquals("error: --text x is not allowed.", byCli.err().strip());

            CliHarness.Result usage = CliHarness.run("echo-plugin", "--txt", "x");
            assertEquals(2, usage.code(), usage::toString);
            assertTrue(usage.err().contains("Unknown options: '--txt'")
                    && usage.err().contains("Run 'graft echo-plugin --help' to see the options."), usage::toString);
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
