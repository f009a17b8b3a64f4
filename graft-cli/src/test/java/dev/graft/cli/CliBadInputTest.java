package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input gives a non-zero exit code, a message on standard error that names the
 * file (and line or column) and says what to do, and leaves nothing half-written.
 */
class CliBadInputTest {

    /** A small trained model shared by the evaluate/predict cases. */
    @TempDir
    static Path shared;
    static Path model;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainSmallModel() throws IOException {
        Path train = CliHarness.csv(shared, "train.csv", goodRows());
        model = shared.resolve("model");
        CliHarness.Result r = CliHarness.run("train", "--train", train.toString(), "--val", train.toString(), "--out",
                model.toString(), "--epochs", "1", "-q");
        assertEquals(0, r.code(), r::toString);
    }

    private static List<String[]> goodRows() {
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rows.add(new String[] {"The team won the match " + i, "sports"});
            rows.add(new String[] {"I baked a cake with flour " + i, "food"});
        }
        return rows;
    }

    private Path good() throws IOException {
        return CliHarness.csv(dir, "good.csv", goodRows());
    }

    /** Runs {@code train} onto {@code dir/out} and checks failure, the message parts and that no output appeared. */
    private CliHarness.Result trainFails(List<String> args, String... expected) throws IOException {
        List<String> all = new ArrayList<>(List.of("train", "-q", "--out", dir.resolve("out").toString()));
        all.addAll(args);
        List<String> before = CliHarness.tree(dir);
        CliHarness.Result r = CliHarness.run(all.toArray(String[]::new));
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("error: ")), r::toString);
        assertFalse(r.err().contains("\tat "), () -> "no stack trace: " + r);
        for (String e : expected) {
            assertTrue(r.err().contains(e), () -> "stderr lacks '" + e + "': " + r);
        }
        assertFalse(Files.exists(dir.resolve("out")), "no --out directory may be created");
        assertEquals(before, CliHarness.tree(dir), "nothing may be written next to the data");
        assertEquals("", r.out(), "nothing on stdout when training fails");
        return r;
    }

    @Test
    void missingTrainFile() throws IOException {
        trainFails(List.of("--train", dir.resolve("nope.csv").toString()), "nope.csv", "not found", "Check the path");
    }

    @Test
    void missingValFile() throws IOException {
        trainFails(List.of("--train", good().toString(), "--val", dir.resolve("val.csv").toString()), "val.csv", "not found");
    }

    @Test
    void emptyFile() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        trainFails(List.of("--train", empty.toString()), "empty.csv", "is empty", "header row");
    }

    @Test
    void headerOnly() throws IOException {
        Path file = Files.writeString(dir.resolve("header.csv"), "text,label\n");
        trainFails(List.of("--train", file.toString()), "header.csv", "no data rows", "Add at least one row");
    }

    @Test
    void unknownTextColumn() throws IOException {
        trainFails(List.of("--train", good().toString(), "--text-column", "body_text"), "good.csv", "'body_text' not found",
                "[text, label]", "--text-column");
    }

    @Test
    void unknownLabelColumn() throws IOException {
        trainFails(List.of("--train", good().toString(), "--label-column", "topic"), "good.csv", "'topic' not found",
                "--label-column");
    }

    @Test
    void singleClass() throws IOException {
        Path one = CliHarness.csv(dir, "one.csv", List.<String[]>of(new String[] {"a b", "x"}, new String[] {"c d", "x"},
                new String[] {"e f", "x"}));
        trainFails(List.of("--train", one.toString(), "--val", one.toString()), "one.csv", "at least two classes", "'x'",
                "--label-column");
    }

    @Test
    void labelOnlyInValidation() throws IOException {
        Path val = CliHarness.csv(dir, "val.csv", List.<String[]>of(new String[] {"The match", "sports"},
                new String[] {"A new phone", "tech"}));
        CliHarness.Result r = trainFails(List.of("--train", good().toString(), "--val", val.toString()),
                "'tech'", "val.csv", "line 3", "never in the training data", "Add training examples");
        assertFalse(r.err().contains("val.csv (val.csv)"), r::toString);
    }

    @Test
    void labelOnlyInTest() throws IOException {
        Path test = CliHarness.csv(dir, "test.csv", List.<String[]>of(new String[] {"A new phone", "tech"}));
        trainFails(List.of("--train", good().toString(), "--test", test.toString()), "'tech'", "test.csv", "line 2",
                "never in the training data");
    }

    @Test
    void emptyText() throws IOException {
        Path file = Files.writeString(dir.resolve("gaps.csv"), "text,label\nThe match,sports\n,food\nA cake,food\n");
        trainFails(List.of("--train", file.toString()), "gaps.csv", "empty text", "column 'text'", "line 3",
                "--skip-empty-text");
    }

    @Test
    void emptyLabel() throws IOException {
        Path file = Files.writeString(dir.resolve("gaps.csv"), "text,label\nThe match,sports\nA cake,\nA pie,food\n");
        trainFails(List.of("--train", file.toString()), "gaps.csv", "empty label", "column 'label'", "line 3",
                "--skip-empty-label");
    }

    @Test
    void skipEmptyTextFlagIsAcceptedAndReported() throws IOException {
        // Skipping the only 'food' row leaves one class: training still fails, cheaply, after the note.
        Path file = Files.writeString(dir.resolve("gaps.csv"), "text,label\nThe match,sports\n,food\nA goal,sports\n");
        CliHarness.Result r = trainFails(List.of("--train", file.toString(), "--skip-empty-text"),
                "at least two classes");
        assertTrue(r.err().contains("skipped 1 row(s) with empty text or label in " + file), r::toString);
    }

    @Test
    void invalidUtf8() throws IOException {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, "text,label\nThe match,sports\nCaf\u00e9 au lait,food\n".getBytes(StandardCharsets.ISO_8859_1));
        trainFails(List.of("--train", file.toString()), "latin1.csv", "not valid UTF-8", "line 3", "Re-save the file as UTF-8");
    }

    @Test
    void outputDirectoryThatIsNotAModelIsLeftAlone() throws IOException {
        Path out = Files.createDirectory(dir.resolve("results"));
        Files.writeString(out.resolve("notes.txt"), "keep me");
        Path train = good();
        CliHarness.Result r = CliHarness.run("train", "-q", "--train", train.toString(), "--out", out.toString());
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains(out.toString()) && r.err().contains("not a Graft model")
                && r.err().contains("Name a new or empty folder"), r::toString);
        assertEquals(List.of("", "notes.txt"), CliHarness.tree(out));
        assertEquals("keep me", Files.readString(out.resolve("notes.txt")));
        assertEquals(List.of("", "good.csv", "results", "results/notes.txt"), CliHarness.tree(dir));
    }

    @Test
    void outputThatIsAFileIsLeftAlone() throws IOException {
        Path out = Files.writeString(dir.resolve("model.bin"), "data");
        CliHarness.Result r = CliHarness.run("train", "-q", "--train", good().toString(), "--out", out.toString());
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("model.bin") && r.err().contains("is a file") && r.err().contains("Name another folder"), r::toString);
        assertEquals("data", Files.readString(out));
    }

    @Test
    void outputCheckedBeforeTheData() throws IOException {
        // An unusable --out is reported even when the data would fail too: the cheap check comes first.
        Path out = Files.writeString(dir.resolve("model.bin"), "data");
        CliHarness.Result r = CliHarness.run("train", "--train", dir.resolve("missing.csv").toString(), "--out", out.toString());
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("model.bin"), r::toString);
    }

    @Test
    void unknownStrategy() throws IOException {
        trainFails(List.of("--train", good().toString(), "--strategy", "finetune"), "--strategy", "'finetune'",
                "feature-extraction", "fine-tune");
    }

    @Test
    void unknownModelName() throws IOException {
        trainFails(List.of("--train", good().toString(), "--model", "no-such-model"), "'no-such-model'", "graft models list");
    }

    @Test
    void unknownMonitorFailsBeforeReadingData() throws IOException {
        trainFails(List.of("--train", dir.resolve("missing.csv").toString(), "--monitor", "recall"), "'recall'", "macro_f1");
    }

    @Test
    void badSplitFractionFailsBeforeReadingData() throws IOException {
        trainFails(List.of("--train", dir.resolve("missing.csv").toString(), "--val-fraction", "1.5"), "--val-fraction", "1.5",
                "below 1");
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        CliHarness.Result r = CliHarness.run("train", "--out", dir.resolve("out").toString());
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("Missing required option") && r.err().contains("--train"), r::toString);
        assertTrue(r.err().contains("graft train --help"), r::toString);
        assertFalse(Files.exists(dir.resolve("out")));
        CliHarness.Result e = CliHarness.run("evaluate", "--model", model.toString());
        assertEquals(2, e.code(), e::toString);
        assertTrue(e.err().contains("--data"), e::toString);
        CliHarness.Result p = CliHarness.run("predict", "--model", model.toString());
        assertEquals(2, p.code(), p::toString);
        assertTrue(p.err().contains("--input"), p::toString);
    }

    @Test
    void unknownOptionOrCommandIsAUsageError() {
        CliHarness.Result r = CliHarness.run("train", "--trian", "x.csv", "--out", dir.resolve("out").toString());
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("'--trian'") && r.err().contains("--train"), r::toString);
        CliHarness.Result bare = CliHarness.run();
        assertEquals(2, bare.code(), bare::toString);
        assertTrue(bare.err().contains("Usage: graft") && bare.err().contains("train"), bare::toString);
        CliHarness.Result c = CliHarness.run("fit");
        assertEquals(2, c.code(), c::toString);
        assertTrue(c.err().contains("fit"), c::toString);
        CliHarness.Result n = CliHarness.run("train", "--train", "x.csv", "--out", "o", "--epochs", "many");
        assertEquals(2, n.code(), n::toString);
        assertTrue(n.err().contains("--epochs") && n.err().contains("many"), n::toString);
    }

    @Test
    void evaluateOnADirectoryThatIsNotAModel() throws IOException {
        Path notModel = Files.createDirectory(dir.resolve("plain"));
        CliHarness.Result r = CliHarness.run("evaluate", "--model", notModel.toString(), "--data", good().toString());
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("plain") && r.err().contains("not a Graft model")
                && r.err().contains("--out directory of `graft train`"), r::toString);
    }

    @Test
    void evaluateReadsTheDataBeforeTheModel() throws IOException {
        CliHarness.Result r = CliHarness.run("evaluate", "--model", dir.resolve("nowhere").toString(), "--data",
                dir.resolve("missing.csv").toString());
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("missing.csv") && r.err().contains("not found"), r::toString);
    }

    @Test
    void evaluateWithALabelTheModelNeverSaw() throws IOException {
        Path data = CliHarness.csv(dir, "eval.csv", List.<String[]>of(new String[] {"The match", "sports"},
                new String[] {"A new phone", "tech"}));
        CliHarness.Result r = CliHarness.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--json");
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertEquals("", r.out(), "no partial JSON on stdout");
        assertTrue(r.err().contains("'tech'") && r.err().contains("eval.csv") && r.err().contains("line 3")
                && r.err().contains("[food, sports]"), r::toString);
    }

    @Test
    void predictWithAMissingInputFile() {
        CliHarness.Result r = CliHarness.run("predict", "--model", model.toString(), "--input", dir.resolve("texts.txt").toString());
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("texts.txt") && r.err().contains("does not exist") && r.err().contains("- for standard input"),
                r::toString);
    }

    @Test
    void predictWithNothingToPredictWarns() {
        CliHarness.Result r = CliHarness.runWithInput("\n  \n", "predict", "--model", model.toString(), "--input", "-");
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().contains("standard input has no non-blank lines"), r::toString);
    }

    @Test
    void predictWithAMissingModel() throws IOException {
        Path input = Files.writeString(dir.resolve("texts.txt"), "hello\n");
        CliHarness.Result r = CliHarness.run("predict", "--model", dir.resolve("nomodel").toString(), "--input", input.toString());
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("nomodel") && r.err().contains("not a Graft model"), r::toString);
    }

    @Test
    void predictNamesTheLineWithInvalidUtf8() throws IOException {
        Path input = dir.resolve("texts.txt");
        Files.write(input, "one\ntwo\nCaf\u00e9\nfour\n".getBytes(StandardCharsets.ISO_8859_1));
        CliHarness.Result r = CliHarness.run("predict", "--model", model.toString(), "--input", input.toString());
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("texts.txt line 3 is not valid UTF-8") && r.err().contains("Re-save"), r::toString);
    }

    /** Runs {@code train} without -q and checks that it fails on the data before any embedding is computed. */
    private CliHarness.Result trainFailsBeforeEmbedding(List<String> args, String... expected) {
        List<String> all = new ArrayList<>(List.of("train", "--no-track", "--out", dir.resolve("out").toString()));
        all.addAll(args);
        CliHarness.Result r = CliHarness.run(all.toArray(String[]::new));
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("error: ")).count(), r::toString);
        assertFalse(r.err().contains("Embedding") || r.err().contains("\tat "), () -> "fails before any embedding: " + r);
        for (String e : expected) {
            assertTrue(r.err().contains(e), () -> "stderr lacks '" + e + "': " + r);
        }
        assertFalse(Files.exists(dir.resolve("out")));
        return r;
    }

    @Test
    void trainRefusesARowWithMoreFieldsThanTheHeader() throws IOException {
        StringBuilder tsv = new StringBuilder("text\tlabel\n");
        goodRows().forEach(r -> tsv.append(r[0]).append('\t').append(r[1]).append('\n'));
        tsv.append("The team\twon again\tsports\n");
        Path file = Files.writeString(dir.resolve("tabs.tsv"), tsv);
        trainFails(List.of("--train", file.toString()), "tabs.tsv: line 10 has 3 fields, but the header has 2",
                "double quotes");
    }

    @Test
    void trainRefusesAnAmbiguousColumnName() throws IOException {
        Path file = Files.writeString(dir.resolve("dup.csv"), "text,label,Label\nThe match,sports,food\nA cake,food,sports\n");
        trainFails(List.of("--train", file.toString()), "dup.csv", "label column 'label' is ambiguous", "--label-column 1");
    }

    @Test
    void trainRefusesUtf16DataWithIconvAdvice() throws IOException {
        StringBuilder csv = new StringBuilder("text,label\n");
        goodRows().forEach(r -> csv.append(r[0]).append(',').append(r[1]).append('\n'));
        Path file = Files.write(dir.resolve("utf16.csv"), csv.toString().getBytes(StandardCharsets.UTF_16));
        CliHarness.Result r = trainFails(List.of("--train", file.toString()), "utf16.csv is not UTF-8 but UTF-16",
                "iconv -f UTF-16 -t UTF-8");
        assertFalse(r.err().contains("WINDOWS-1252"), r::toString);
    }

    @Test
    void trainWithAHugeHeaderLineGivesAShortError() throws IOException {
        Path file = Files.writeString(dir.resolve("wide.csv"), "x".repeat(5_000_000) + ",y\nhello,world\n");
        CliHarness.Result r = trainFails(List.of("--train", file.toString()), "wide.csv", "no text column found", "…");
        assertTrue(r.err().length() < 1000, () -> r.err().length() + " characters on stderr");
    }

    @Test
    void trainRefusesAnOverlongLineNamingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("long.csv"), "text,label\nok,sports\n" + "x".repeat(300) + ",food\n");
        trainFails(List.of("--train", file.toString(), "--max-line-bytes", "100"),
                "long.csv: line 3 is longer than the limit of 100 bytes", "--max-line-bytes");
    }

    @Test
    void maxTrainBelowTheNumberOfClassesIsRefusedBeforeEmbedding() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (int c = 0; c < 12; c++) {
            for (int i = 0; i < 4; i++) {
                rows.add(new String[] {"text " + i + " of topic " + c, "topic" + c});
            }
        }
        Path file = CliHarness.csv(dir, "topics.csv", rows);
        trainFailsBeforeEmbedding(List.of("--train", file.toString(), "--max-train", "10"),
                "topics.csv has 12 classes, more than the 10 examples allowed", "--max-train", "at least 12");
    }

    @Test
    void splitWithoutValidationExamplesIsRefusedBeforeEmbedding() throws IOException {
        Path file = CliHarness.csv(dir, "tiny.csv", List.<String[]>of(new String[] {"The match", "sports"},
                new String[] {"A goal", "sports"}, new String[] {"A cake", "food"}, new String[] {"A pie", "food"}));
        trainFailsBeforeEmbedding(List.of("--train", file.toString()), "tiny.csv",
                "gives the validation split no examples", "the largest has 2", "--val");
    }

    @Test
    void zeroValidationFractionIsRefusedBeforeReadingData() throws IOException {
        trainFails(List.of("--train", dir.resolve("missing.csv").toString(), "--val-fraction", "0"),
                "--val-fraction 0 leaves no validation data", "--val");
    }

    @Test
    void trainWarnsAboutLabelsThatDifferOnlyInCase() throws IOException {
        List<String[]> rows = new ArrayList<>(goodRows());
        rows.add(new String[] {"The team lost the match", "Sports"});
        Path file = CliHarness.csv(dir, "cased.csv", rows);
        CliHarness.Result r = CliHarness.run("train", "-q", "--no-track", "--no-baseline", "--train", file.toString(),
                "--val", file.toString(), "--out", dir.resolve("out").toString(), "--epochs", "1");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("warning: Labels in cased.csv that differ only in letter case or spacing are separate"
                + " classes: [['Sports' (1), 'sports' (4)]]"), r::toString);
    }

    @Test
    void predictRefusesAnOverlongLineNamingIt() throws IOException {
        Path input = Files.writeString(dir.resolve("texts.txt"), "fine\n" + "y".repeat(500) + "\n");
        CliHarness.Result r = CliHarness.run("predict", "--model", model.toString(), "--input", input.toString(),
                "--max-line-bytes", "100");
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().startsWith("error: " + input + ": line 2 is longer than the limit of 100 bytes"), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
    }

    @Test
    void predictFromEndlessInputFailsWithoutRunningOutOfMemory() {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/dev/zero")), "needs /dev/zero");
        CliHarness.Result r = CliHarness.run("predict", "--model", model.toString(), "--input", "/dev/zero");
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("/dev/zero: line 1 is longer than the limit of 8 MiB") && r.err().contains("NUL bytes"),
                r::toString);
        assertEquals("", r.out());
    }

    @Test
    void predictRefusesUtf16Input() throws IOException {
        Path file = Files.write(dir.resolve("utf16.txt"), "The match\nA cake\n".getBytes(StandardCharsets.UTF_16));
        CliHarness.Result f = CliHarness.run("predict", "--model", model.toString(), "--input", file.toString());
        assertEquals(GraftCli.FAILURE, f.code(), f::toString);
        assertTrue(f.err().contains("utf16.txt is not UTF-8 but UTF-16BE (byte-order mark FE FF)")
                && f.err().contains("iconv -f UTF-16 -t UTF-8"), f::toString);
        // Without a byte-order mark, from standard input (the harness passes its text as UTF-8: these bytes are ASCII).
        String le = new String("The match\nA cake\n".getBytes(StandardCharsets.UTF_16LE), StandardCharsets.ISO_8859_1);
        CliHarness.Result r = CliHarness.runWithInput(le, "predict", "--model", model.toString(), "--input", "-");
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("standard input is not UTF-8 but UTF-16LE (no byte-order mark")
                && r.err().contains("iconv -f UTF-16LE -t UTF-8"), r::toString);
        assertEquals("", r.out());
    }

    @Test
    void predictWithStandardInputClosedSaysSoInsteadOfReadingAJvmFile() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")) && Files.isExecutable(Path.of("/bin/sh")),
                "needs Linux /proc and /bin/sh");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        for (String input : List.of("-", "/dev/stdin")) {
            // exec with "<&-": the JVM starts without file descriptor 0, as in `graft predict --input - <&-`
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "exec \"$0\" -cp \"$1\" dev.graft.cli.GraftCli predict"
                    + " --model \"$2\" --input \"$3\" <&-", java.toString(), System.getProperty("java.class.path"),
                    model.toString(), input);
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(GraftCli.FAILURE, p.waitFor(), output);
            assertTrue(output.startsWith("error: Standard input is closed (") && output.contains("nothing to read"), output);
            assertFalse(output.contains("\tat ") || output.contains("UTF-8"), output);
        }
    }
}
