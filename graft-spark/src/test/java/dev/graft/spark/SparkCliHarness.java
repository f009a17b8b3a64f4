package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.cli.GraftCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the {@code graft} CLI (with the spark-* commands) in this JVM, capturing its output. */
final class SparkCliHarness {

    private SparkCliHarness() {
    }

    /** Runs {@code graft args}, checks the exit code, and returns {stdout, stderr}. */
    static String[] run(int expectedCode, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            code = GraftCli.run(args);
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
