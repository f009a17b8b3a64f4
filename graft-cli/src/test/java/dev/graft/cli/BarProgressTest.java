package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BarProgressTest {

    @Test
    void logOutputIsAFewPlainLinesNotACarriageReturnStream() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BarProgress progress = new BarProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, false);
        progress.start("Encoding", 5000);
        for (int i = 0; i < 5000; i++) {
            progress.step(1);
        }
        progress.done();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\r"), out);
        long lines = out.lines().count();
        assertTrue(lines >= 1 && lines <= 3, lines + " lines:\n" + out);
        assertTrue(out.strip().lines().reduce((a, b) -> b).orElse("").contains("5000/5000"), out);
    }
}
