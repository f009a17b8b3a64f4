package dev.graft.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Runs {@link GraftCli#run} in-process with captured standard streams, and writes small data files. */
final class CliHarness {

    /** What one CLI run produced. */
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    private CliHarness() {
    }

    /** Runs the CLI with empty standard input. */
    static Result run(String... args) {
        return runWithInput("", args);
    }

    /** Runs the CLI with {@code stdin} as standard input (UTF-8). */
    static synchronized Result runWithInput(String stdin, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            code = GraftCli.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
        Result r = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        if (Boolean.getBoolean("graft.test.echo")) {
            oldErr.println("graft " + String.join(" ", args) + "\n" + r);
        }
        return r;
    }

    /** Writes a CSV file with a {@code text,label} header; each row is {text, label}. */
    static Path csv(Path dir, String name, List<String[]> rows) throws IOException {
        StringBuilder sb = new StringBuilder("text,label\n");
        for (String[] r : rows) {
            sb.append(r[0]).append(',').append(r[1]).append('\n');
        }
        return Files.writeString(dir.resolve(name), sb.toString(), StandardCharsets.UTF_8);
    }

    /** Every name under {@code dir}, relative and sorted (hidden entries included). */
    static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.map(p -> dir.relativize(p).toString()).sorted().collect(Collectors.toList());
        }
    }
}
