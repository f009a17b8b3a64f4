package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.graft.tensor.TensorData;
import dev.graft.tensor.safetensors.SafeTensors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz/soak test of the CLI (issue 21): runs {@code train}, {@code evaluate}, {@code predict}, {@code models import} and
 * {@code models info} in-process on randomly generated bad inputs ({@link BadInputs}: damaged CSV/TSV/JSONL files, image
 * folders with broken or huge PNGs, model directories with a mutated manifest or head, bogus ONNX and config files, bad
 * numbers and {@code --out}/{@code --checkpoint-dir} pointing at user folders, files or the data itself) and checks, for
 * every case:
 * <ol>
 *   <li><b>exit code</b>: 0, 1 or 2; not 0 when the input is invalid by construction (inputs a mutation may leave
 *       valid, e.g. a flipped byte inside a word, may succeed);</li>
 *   <li><b>one clear message</b>: a failure prints exactly one {@code error: } line (two for picocli usage errors
 *       naming an unknown and a missing option), not {@code error: null}, standard error under 2,000 characters;
 *       a success prints none; no doubled prefix ({@code warning: warning:});</li>
 *   <li><b>no stack trace</b>, on either stream: no {@code at ...(...)} frames, {@code Exception in thread},
 *       {@code Caused by:}, exception class names ({@code NullPointerException}, {@code java.io.EOFException}), JDK
 *       messages that betray one ({@code Cannot invoke "...}, {@code No enum constant}, {@code out of bounds for length},
 *       {@code For input string}, Jackson's {@code at [Source: ...]} and {@code Cannot deserialize value of type}), or
 *       GraftCli's fallback for unexpected exceptions ({@code set GRAFT_DEBUG=1});</li>
 *   <li><b>no file outside {@code --out} changed</b>: snapshots of the sandbox (fixtures, data, user folders,
 *       pre-existing files; path, size, time and SHA-256 of each, see {@link DirectorySnapshot}) before and after show
 *       nothing created, changed or deleted except inside an {@code --out} that Graft owns (absent, empty or a Graft
 *       model) after a success, and new files in the checkpoint folder of a fine-tune ({@code --checkpoint-dir}, else
 *       {@code OUT.checkpoint}, where files the user had must stay as they were). A failure changes nothing but that
 *       checkpoint folder, which an interrupted run keeps for {@code --resume}.
 *       The private Graft home ({@link PrivateGraftHome}: extracted models, caches, imported backbones) may change; the
 *       working directory may not gain entries;</li>
 *   <li><b>no leftover temporary folder</b> ({@code .NAME.partial-*}, {@code .NAME.old-*}, {@code *.tmp}) in the sandbox
 *       or the Graft home;</li>
 *   <li><b>no OutOfMemoryError</b> (or any other {@code Throwable}) escaping {@link GraftCli#run}.</li>
 * </ol>
 * All violations are collected and reported together at the end, grouped by cause (command, invariant, and the message
 * with paths and numbers blanked out, or the kind of input), each group with its kinds of input, case numbers and one
 * command line.
 *
 * <p>Settings (system properties, passed through by Maven):
 * <ul>
 *   <li>{@code graft.fuzz.seed} (default {@value #DEFAULT_SEED}): cases are a pure function of seed and case number;</li>
 *   <li>{@code graft.fuzz.cases} (default {@value #DEFAULT_CASES}): how many cases run, so that a plain build checks the
 *       same cases on every machine (about 35 s on the 2-core reference machine, quiet); a soak run asks for more,
 *       e.g. {@code -Dgraft.fuzz.cases=5000 -Dgraft.fuzz.seconds=600};</li>
 *   <li>{@code graft.fuzz.seconds} (default {@value #DEFAULT_SECONDS}): no new case starts after this budget, a cap for
 *       a slow or loaded machine that a quiet one does not reach with the default cases (nothing is timed);</li>
 *   <li>{@code graft.fuzz.case}: run only case K (replay), e.g.
 *       {@code mvn -o -B verify -pl graft-cli -am -Dtest=CliFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 *       -Dgraft.fuzz.seed=21 -Dgraft.fuzz.case=17 -Dgraft.test.echo=true} (echo prints the run's output);</li>
 *   <li>{@code graft.fuzz.verbose}: print one line per case (input, command line, exit code, time, violations).</li>
 * </ul>
 * The class is tagged {@code fuzz}: {@code -Dtest=CliFuzzTest} (or {@code -Dgroups=fuzz}) runs it alone,
 * {@code -DexcludedGroups=fuzz} leaves it out; a plain {@code mvn verify} runs it.
 * Each case is cheap: tiny data, {@code --epochs 1}, feature extraction on the bundled MiniLM (fine-tuning only with a
 * 4-wide one-layer BERT), image cases against a stub backbone (so they stop once the data has been read), and files of
 * a few MB at most.
 */
@Tag("fuzz")
@ExtendWith(PrivateGraftHome.class)
class CliFuzzTest {

    static final long DEFAULT_SEED = 21;
    static final int DEFAULT_SECONDS = 40;
    static final int DEFAULT_CASES = 100;
    private static final int MAX_STDERR = 2000;

    /** What must never reach the user, by invariant name. */
    private static final Map<String, Pattern> LEAKS = leaks();
    private static final Pattern LEFTOVER = Pattern.compile("^\\..+\\.(?:partial|old)-.*|.*\\.tmp$");

    private static Map<String, Pattern> leaks() {
        Map<String, Pattern> m = new LinkedHashMap<>();
        m.put("stack trace", Pattern.compile("(?m)^\\s*at [\\w$.<>/]+\\(.*\\)\\s*$|Exception in thread|(?m)^\\s*Caused by: "));
        m.put("exception class name leaked", Pattern.compile("\\b(?:[a-z_][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)\\b"
                + "|\\b[A-Z][A-Za-z0-9]+(?:Exception|Error)\\b"));
        m.put("unexpected exception (GraftCli's fallback message)", Pattern.compile("set GRAFT_DEBUG=1 for the stack trace"));
        m.put("JDK or library exception message leaked", Pattern.compile("Cannot invoke \"|because \"[^\"]*\" is null|No enum constant"
                + "|out of bounds for length|For input string: \"|\\(through reference chain: |at \\[Source: |StreamReadConstraints"
                + "|Cannot deserialize value of type|Unrecognized token '|Unexpected end-of-input"));
        return m;
    }

    @TempDir
    Path sandbox;

    private Path fixtures;
    private Path goodCsv;
    private Path texts;
    private Path model;
    private Path tinyBert;
    private Path stubBackbone;

    /** One generated case: what runs, on what, and what it may change. */
    private record Case(int number, String input, List<String> args, String stdin, boolean mustFail, List<Allowance> allowed) {
        String command() {
            return args.get(0).equals("models") ? "models " + args.get(1) : args.get(0);
        }
    }

    /**
     * Where a case may change the sandbox: inside {@code path} after a success (or also after a failure), creating files
     * only, or also changing or deleting existing ones.
     */
    private record Allowance(Path path, boolean existingMayChange, boolean onFailure) {
    }

    /**
     * One broken invariant. {@code signature} is what tells its cause apart (the message with paths and numbers
     * blanked out, or the kind of input for exit codes and files), so that one fault seen in many cases is listed once.
     */
    private record Violation(int caseNo, String command, String input, String cmdline, String invariant, String signature,
                             String detail) {
        String group() {
            return command + " | " + invariant + " | " + signature;
        }

        String inputKind() {
            return input.replaceAll(" \\[.*", "");
        }
    }

    @Test
    void badInputsFailCleanlyAndTouchNothingOutsideOut() throws Exception {
        long seed = Long.getLong("graft.fuzz.seed", DEFAULT_SEED);
        double seconds = Double.parseDouble(System.getProperty("graft.fuzz.seconds", Integer.toString(DEFAULT_SECONDS)));
        int maxCases = Integer.getInteger("graft.fuzz.cases", DEFAULT_CASES);
        Integer only = Integer.getInteger("graft.fuzz.case");
        setUpFixtures();

        List<Violation> violations = new ArrayList<>();
        Map<String, Integer> ran = new TreeMap<>();
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        int count = 0;
        for (int k = only != null ? only : 0; only != null ? k == only : k < maxCases && System.nanoTime() < deadline; k++) {
            Path dir = Files.createDirectory(sandbox.resolve("case-" + k));
            Case c = generate(k, new Random(mix(seed, k)), dir);
            ran.merge(c.command(), 1, Integer::sum);
            count++;
            runAndCheck(c, violations);
            BadInputs.deleteTree(dir);
        }
        double took = (System.nanoTime() - start) / 1e9;
        long groups = violations.stream().map(Violation::group).distinct().count();
        String summary = String.format(Locale.ROOT, "CliFuzzTest: seed %d, %d case(s) %s in %.1f s, %d violation(s) of %d kind(s)", seed,
                count, ran, took, violations.size(), groups);
        System.out.println(summary);
        if (!violations.isEmpty()) {
            fail(summary + "\n" + report(violations, seed));
        }
    }

    /** The machinery the fuzz test relies on: replayable generators, a snapshot that sees every kind of change, valid PNG CRCs. */
    @Test
    void generatorsReplayAndSnapshotsSeeEveryChange() throws Exception {
        for (int k = 0; k < 40; k++) {
            BadInputs.DataFile a = BadInputs.textData(new Random(mix(5, k)), BadInputs.Role.TRAIN);
            BadInputs.DataFile b = BadInputs.textData(new Random(mix(5, k)), BadInputs.Role.TRAIN);
            assertEquals(a.fault(), b.fault());
            assertEquals(a.name(), b.name());
            assertTrue(java.util.Arrays.equals(a.bytes(), b.bytes()), a.fault());
        }
        assertNotEquals(mix(5, 0), mix(5, 1));
        assertNotEquals(mix(5, 0), mix(6, 0));

        Path root = Files.createDirectory(sandbox.resolve("snap"));
        Files.writeString(root.resolve("kept.txt"), "a");
        Files.writeString(root.resolve("changed.txt"), "b");
        Files.writeString(root.resolve("deleted.txt"), "c");
        Files.createDirectories(root.resolve("out/inner"));
        DirectorySnapshot before = DirectorySnapshot.take(root);
        Files.writeString(root.resolve("changed.txt"), "B");
        Files.delete(root.resolve("deleted.txt"));
        Files.writeString(root.resolve(".x.partial-1234"), "");
        Files.writeString(root.resolve("out/inner/model.bin"), "m");
        DirectorySnapshot after = DirectorySnapshot.take(root);
        assertEquals(List.of("changed changed.txt (content)", "deleted deleted.txt", "created .x.partial-1234"),
                before.diff(after, p -> p.startsWith("out/")));
        assertTrue(LEFTOVER.matcher(".x.partial-1234").matches() && LEFTOVER.matcher(".model.old-ab12").matches()
                && LEFTOVER.matcher("w.tmp").matches() && !LEFTOVER.matcher("model.partial").matches());

        byte[] png = BadInputs.pngHeader(3, 2, false, new Random(1));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(png, 12, 17); // "IHDR" + 13 bytes of header
        assertEquals((int) crc.getValue(), java.nio.ByteBuffer.wrap(png, 29, 4).getInt(), "IHDR CRC");
        assertEquals(3, java.nio.ByteBuffer.wrap(png, 16, 4).getInt());
        var reader = javax.imageio.ImageIO.getImageReadersByFormatName("png").next();
        reader.setInput(javax.imageio.ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(
                BadInputs.pngHeader(70_000, 60_000, true, new Random(1)))));
        assertEquals(70_000, reader.getWidth(0), "a decoder sees the claimed size");
        assertEquals(60_000, reader.getHeight(0));
    }

    // ---------------------------------------------------------------- fixtures

    /** Good data, a model trained on it, a tiny BERT directory and a stub image backbone, all under sandbox/fixtures. */
    private void setUpFixtures() throws Exception {
        fixtures = Files.createDirectory(sandbox.resolve("fixtures"));
        Random r = new Random(1);
        goodCsv = Files.write(fixtures.resolve("good.csv"), BadInputs.csv(BadInputs.goodRows(r, 6, 2)));
        texts = Files.writeString(fixtures.resolve("texts.txt"), "the team won the match\nbake the cake in the oven\n");
        model = fixtures.resolve("model");
        CliHarness.Result trained = CliHarness.run("train", "--train", goodCsv.toString(), "--val", goodCsv.toString(), "--out",
                model.toString(), "--epochs", "1", "--seed", "7", "--no-track", "--no-baseline", "-q");
        assertEquals(0, trained.code(), trained::toString);

        tinyBert = Files.createDirectory(fixtures.resolve("tiny-bert"));
        writeTinyBert(tinyBert);
        Files.writeString(tinyBert.resolve("README.md"), "---\nlicense: apache-2.0\n---\n# tiny BERT for CliFuzzTest\n");

        stubBackbone = Files.createDirectory(fixtures.resolve("stub-backbone"));
        Files.writeString(stubBackbone.resolve("backbone.json"), "{\"architecture\": \"mobilenetv2\", \"id\": \"fuzz-stub\", \"license\": \"none\"}");
        Files.write(stubBackbone.resolve("model.onnx"), BadInputs.onnxWithExternalData("weights.bin", new long[] {32, 3, 3, 3}));
    }

    /** A one-layer, 4-wide BERT with MiniLM's tokenizer (as in CliHubTest): fine-tunes in well under a second. */
    private static void writeTinyBert(Path dir) throws IOException {
        int vocab = 30522;
        List<TensorData> w = TinyBertCheckpoint.tensors(vocab);
        SafeTensors.write(dir.resolve("model.safetensors"), w, Map.of());
        Files.write(dir.resolve("config.json"), TinyBertCheckpoint.config(vocab));
        try (InputStream tok = CliFuzzTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.write(dir.resolve("tokenizer.json"), tok.readAllBytes());
        }
    }


    // ---------------------------------------------------------------- case generation

    /** Case {@code k}: a pure function of the seed-derived {@code r}; its files go to {@code dir}. */
    private Case generate(int k, Random r, Path dir) throws IOException {
        int kind = r.nextInt(100);
        if (kind < 20) {
            return trainData(k, r, dir);
        } else if (kind < 26) {
            return trainValidation(k, r, dir);
        } else if (kind < 34) {
            return evaluateData(k, r, dir);
        } else if (kind < 42) {
            return predictInput(k, r, dir);
        } else if (kind < 58) {
            return damagedModel(k, r, dir);
        } else if (kind < 66) {
            return images(k, r, dir);
        } else if (kind < 82) {
            return badArguments(k, r, dir);
        } else if (kind < 88) {
            return fineTuneDirectories(k, r, dir);
        } else if (kind < 94) {
            return importOnnx(k, r, dir);
        }
        return modelInfo(k, r, dir);
    }

    private static List<String> trainArgs(Path train, Path val, Path out) {
        List<String> a = new ArrayList<>(List.of("train", "--train", train.toString()));
        if (val != null) {
            a.addAll(List.of("--val", val.toString()));
        }
        a.addAll(List.of("--out", out.toString(), "--epochs", "1", "--no-track", "--no-baseline", "-q"));
        return a;
    }

    private static Allowance out(Path out) {
        return new Allowance(out, true, false);
    }

    private Case trainData(int k, Random r, Path dir) throws IOException {
        BadInputs.DataFile f = BadInputs.textData(r, BadInputs.Role.TRAIN);
        Path data = f.writeTo(dir);
        Path out = dir.resolve("out");
        return new Case(k, f.fault(), trainArgs(data, r.nextInt(4) > 0 ? data : null, out), null, f.invalid(), List.of(out(out)));
    }

    private Case trainValidation(int k, Random r, Path dir) throws IOException {
        BadInputs.DataFile f = BadInputs.textData(r, BadInputs.Role.LABELLED_EVAL);
        Path data = Files.createDirectory(dir.resolve("v")).resolve(f.name());
        Files.write(data, f.bytes());
        Path train = Files.copy(goodCsv, dir.resolve("train.csv"));
        Path out = dir.resolve("out");
        List<String> args = trainArgs(train, null, out);
        args.addAll(List.of(r.nextBoolean() ? "--val" : "--test", data.toString()));
        return new Case(k, "--val/--test " + f.fault(), args, null, f.invalid(), List.of(out(out)));
    }

    private Case evaluateData(int k, Random r, Path dir) throws IOException {
        BadInputs.DataFile f = BadInputs.textData(r, BadInputs.Role.LABELLED_EVAL);
        Path data = f.writeTo(dir);
        List<String> args = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--data", data.toString(), "-q"));
        if (r.nextBoolean()) {
            args.add("--json");
        }
        return new Case(k, f.fault(), args, null, f.invalid(), List.of());
    }

    private Case predictInput(int k, Random r, Path dir) throws IOException {
        BadInputs.Input in = BadInputs.predictInput(r);
        String input;
        String stdin = null;
        switch (in.fault()) {
            case DIRECTORY -> input = Files.createDirectory(dir.resolve("inputs")).toString();
            case MISSING -> input = dir.resolve("missing.txt").toString();
            case STDIN -> {
                input = "-";
                stdin = new String(in.bytes(), StandardCharsets.UTF_8);
            }
            default -> input = Files.write(dir.resolve("input.txt"), in.bytes()).toString();
        }
        List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--input", input));
        if (r.nextBoolean()) {
            args.add("--json");
        }
        return new Case(k, "input " + in.fault() + (in.detail().isEmpty() ? "" : " [" + in.detail() + "]"), args, stdin, in.invalid(),
                List.of());
    }

    private Case damagedModel(int k, Random r, Path dir) throws IOException {
        Path copy = dir.resolve("model");
        copyModel(model, copy);
        BadInputs.ModelFault f = BadInputs.damageModel(r, copy, model);
        int cmd = r.nextInt(10);
        List<String> args;
        boolean mustFail = f.invalid();
        List<Allowance> allowed = List.of();
        if (cmd < 4) {
            args = new ArrayList<>(List.of("evaluate", "--model", copy.toString(), "--data", goodCsv.toString(), "-q"));
        } else if (cmd < 8) {
            args = new ArrayList<>(List.of("predict", "--model", copy.toString(), "--input", texts.toString()));
        } else if (cmd < 9) {
            Path out = dir.resolve("out");
            args = trainArgs(goodCsv, goodCsv, out);
            args.addAll(List.of("--model", copy.toString()));
            mustFail = f.what().startsWith("backbone/model.onnx") || f.what().equals("without backbone")
                    || f.what().equals("without backbone/model.onnx") || f.what().equals("without backbone/tokenizer.json");
            allowed = List.of(out(out));
        } else {
            args = new ArrayList<>(List.of("models", "info", copy.resolve("backbone").toString(), "-q"));
            mustFail = f.what().startsWith("backbone/model.onnx") || f.what().equals("without backbone")
                    || f.what().equals("without backbone/model.onnx") || f.what().equals("without backbone/tokenizer.json");
        }
        return new Case(k, "model: " + f.what(), args, null, mustFail, allowed);
    }

    private Case images(int k, Random r, Path dir) throws IOException {
        Map.Entry<String, Path> data = BadInputs.imageData(r, dir);
        Path out = dir.resolve("out");
        List<String> args = trainArgs(data.getValue(), null, out);
        args.addAll(List.of("--model", stubBackbone.toString()));
        if (r.nextInt(3) == 0) {
            args.add("--strict");
        }
        if (r.nextInt(5) == 0) {
            args.addAll(List.of("--image-size", BadInputs.pick(r, "32", "0", "-1", "100000")));
        }
        // the stub backbone cannot run: a case that gets past the data must still fail, cleanly
        return new Case(k, data.getKey(), args, null, true, List.of(out(out)));
    }

    /** A folder the user owns: a file, a subfolder with a file, a hidden file. */
    private static Path userFolder(Path dir, String name) throws IOException {
        Path u = Files.createDirectories(dir.resolve(name));
        Files.writeString(u.resolve("notes.txt"), "my notes, keep them");
        Files.createDirectories(u.resolve("photos"));
        Files.write(u.resolve("photos/cat.png"), new byte[] {1, 2, 3});
        Files.writeString(u.resolve(".hidden"), "x");
        return u;
    }

    private Case badArguments(int k, Random r, Path dir) throws IOException {
        Path train = Files.copy(goodCsv, dir.resolve("train.csv"));
        Path out = dir.resolve("out");
        List<String> a = trainArgs(train, train, out);
        List<Allowance> allowed = new ArrayList<>(List.of(out(out)));
        boolean invalid = true;
        String what;
        int choice = r.nextInt(33);
        switch (choice) {
            case 0, 1 -> what = set(a, "--epochs", BadInputs.pick(r, "0", "-1", "-2147483648", "abc", "1.5", "99999999999", "", " 1"));
            case 2 -> what = set(a, "--batch-size", BadInputs.pick(r, "0", "-1", "-2147483648"));
            case 3 -> what = set(a, "--lr", BadInputs.pick(r, "-1", "NaN", "Infinity", "-Infinity", "1e309"));
            case 4 -> what = set(a, "--dropout", BadInputs.pick(r, "-0.1", "1", "1.5", "NaN", "Infinity"));
            case 5 -> {
                remove(a, "--val");
                what = set(a, BadInputs.pick(r, "--val-fraction", "--test-fraction"), BadInputs.pick(r, "-0.1", "1", "1.5", "NaN", "-Infinity"));
            }
            case 6 -> what = set(a, BadInputs.pick(r, "--hidden", "--patience"), BadInputs.pick(r, "-1", "-2147483648"));
            case 7 -> what = set(a, BadInputs.pick(r, "--max-train", "--threads"), BadInputs.pick(r, "0", "-1"));
            case 8 -> what = set(a, "--weight-decay", BadInputs.pick(r, "-1", "NaN", "Infinity"));
            case 9 -> what = set(a, BadInputs.pick(r, "--seed", "--monitor", "--strategy"), BadInputs.pick(r, "x", "bogus", "", "MACRO_F1 "));
            case 10 -> what = set(a, "--model", BadInputs.pick(r, "no-such-model", userFolder(dir, "user").toString(), train.toString(),
                    dir.resolve("missing-model").toString(), "minilm-random-cls-x", "hf:"));
            case 11 -> what = set(a, BadInputs.pick(r, "--text-column", "--label-column"), BadInputs.pick(r, "99", "-1", "nope", "", "2147483648"));
            case 12 -> {
                what = set(a, "--label-column", "text");
                invalid = false;
            }
            case 13 -> what = set(a, "--format", BadInputs.pick(r, "jsonl", "bogus", "", "CSV;"));
            case 14 -> {
                invalid = false;
                what = set(a, "--format", "tsv");
            }
            case 15, 16 -> {
                Path user = userFolder(dir, "user");
                what = "--out user folder";
                set(a, "--out", user.toString());
                allowed.clear();
            }
            case 17 -> {
                Path file = Files.writeString(dir.resolve("model.bin"), "my data");
                what = "--out existing file";
                set(a, "--out", file.toString());
                allowed.clear();
            }
            case 18 -> {
                what = "--out the data file itself";
                set(a, "--out", train.toString());
                allowed.clear();
            }
            case 19 -> {
                what = "--out the folder holding the data";
                set(a, "--out", dir.toString());
                allowed.clear();
            }
            case 20 -> {
                what = "--out under a file";
                Path under = train.resolve("out");
                set(a, "--out", under.toString());
                allowed.clear();
            }
            case 21 -> {
                Path user = userFolder(dir, "user");
                Path link = dir.resolve("link");
                try {
                    Files.createSymbolicLink(link, user);
                    what = "--out symbolic link to a user folder";
                } catch (UnsupportedOperationException | FileSystemException e) {
                    link = user;
                    what = "--out user folder";
                }
                set(a, "--out", link.toString());
                allowed.clear();
            }
            case 22 -> {
                Path user = userFolder(dir, "user");
                Files.write(user.resolve("graft-model.json"), BadInputs.pick(r, "", "{}", "not json", "{\"format\": \"graft-model\"}")
                        .getBytes(StandardCharsets.UTF_8));
                what = "--out user folder with a junk graft-model.json";
                set(a, "--out", user.toString());
                allowed.clear();
                invalid = false;
            }
            case 23 -> {
                Path hidden = Files.createDirectory(dir.resolve("hidden-only"));
                Files.writeString(hidden.resolve(".keep"), "");
                what = "--out folder with only a hidden file";
                set(a, "--out", hidden.toString());
                allowed.clear();
            }
            case 24 -> {
                int sub = r.nextInt(4);
                Path target = switch (sub) {
                    case 0 -> Files.createDirectory(dir.resolve("empty"));
                    case 1 -> {
                        Path m = dir.resolve("old-model");
                        copyModel(model, m);
                        yield m;
                    }
                    case 2 -> dir.resolve("a/b/c/out");
                    default -> dir.resolve("user/../out2");
                };
                if (sub == 3) {
                    userFolder(dir, "user");
                }
                what = "--out " + List.of("empty folder", "existing Graft model", "nested absent folder", "path with ..").get(sub);
                set(a, "--out", target.toString());
                allowed.clear();
                allowed.add(out(target.toAbsolutePath().normalize()));
                invalid = false;
            }
            case 25 -> {
                Path user = userFolder(dir, "user");
                what = "--checkpoint-dir user folder (feature extraction)";
                set(a, "--checkpoint-dir", user.toString());
                allowed.add(new Allowance(user, false, true));
                invalid = false;
            }
            case 26 -> {
                Path user = userFolder(dir, "user");
                what = "--resume user folder (feature extraction)";
                set(a, "--resume", user.toString());
            }
            case 27 -> {
                invalid = false;
                what = set(a, "--image-size", BadInputs.pick(r, "0", "-1"));
            }
            case 28 -> what = set(a, BadInputs.pick(r, "--val", "--test", "--train"),
                    BadInputs.pick(r, Files.createDirectory(dir.resolve("folder")).toString(), dir.resolve("missing.csv").toString()));
            case 29 -> {
                a.addAll(List.of("--epochs", "2"));
                what = "--epochs given twice";
            }
            case 30 -> {
                Path user = userFolder(dir, "user");
                List<String> e = new ArrayList<>(List.of("evaluate", "--data", goodCsv.toString(), "-q", "--model"));
                e.add(BadInputs.pick(r, user.toString(), goodCsv.toString(), dir.resolve("nothing").toString(), texts.toString()));
                a = e;
                what = "evaluate --model not a model";
                allowed.clear();
            }
            case 31 -> {
                a = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "-q", "--data"));
                a.add(BadInputs.pick(r, Files.createDirectory(dir.resolve("folder")).toString(), dir.resolve("none.csv").toString(),
                        model.toString()));
                what = "evaluate --data not a data file";
                allowed.clear();
            }
            default -> {
                Path user = userFolder(dir, "user");
                a = new ArrayList<>(List.of("predict", "--input", texts.toString(), "--model"));
                a.add(BadInputs.pick(r, user.toString(), texts.toString(), dir.resolve("nothing").toString(), tinyBert.toString()));
                what = "predict --model not a model";
                allowed.clear();
            }
        }
        return new Case(k, "arguments: " + what, a, null, invalid, allowed);
    }

    private Case fineTuneDirectories(int k, Random r, Path dir) throws IOException {
        Path train = Files.copy(goodCsv, dir.resolve("train.csv"));
        Path out = dir.resolve("out");
        List<String> a = trainArgs(train, train, out);
        a.addAll(List.of("--model", tinyBert.toString(), "--strategy", "fine-tune", "--batch-size", "4"));
        Path defaultCheckpoint = dir.resolve("out.checkpoint");
        List<Allowance> allowed = new ArrayList<>(List.of(out(out), new Allowance(defaultCheckpoint, true, true)));
        boolean invalid = false;
        String what;
        switch (r.nextInt(9)) {
            case 0 -> {
                Path user = userFolder(dir, "user");
                set(a, "--checkpoint-dir", user.toString());
                allowed.add(new Allowance(user, false, true));
                what = "--checkpoint-dir user folder";
            }
            case 1 -> {
                userFolder(dir, "out.checkpoint");
                allowed.set(1, new Allowance(defaultCheckpoint, false, true));
                what = "user folder where the default checkpoint goes (OUT.checkpoint)";
            }
            case 2 -> {
                set(a, "--resume", userFolder(dir, "user").toString());
                invalid = true;
                what = "--resume user folder";
            }
            case 3 -> {
                set(a, "--resume", dir.resolve("nothing").toString());
                invalid = true;
                what = "--resume missing folder";
            }
            case 4 -> {
                set(a, "--checkpoint-dir", BadInputs.pick(r, train.toString(), Files.writeString(dir.resolve("ckpt"), "mine").toString()));
                what = "--checkpoint-dir existing file";
            }
            case 5 -> {
                set(a, "--checkpoint-dir", out.toString());
                what = "--checkpoint-dir equal to --out";
            }
            case 6 -> {
                set(a, "--out", userFolder(dir, "user").toString());
                allowed.clear();
                invalid = true;
                what = "--out user folder";
            }
            case 7 -> {
                what = set(a, "--checkpoint-every", BadInputs.pick(r, "0", "-1"));
                invalid = true;
            }
            default -> what = "valid run";
        }
        return new Case(k, "fine-tune: " + what, a, null, invalid, allowed);
    }

    private Case importOnnx(int k, Random r, Path dir) throws IOException {
        List<String> a = new ArrayList<>(List.of("models", "import"));
        String what;
        Path onnxFile = dir.resolve("model.onnx");
        if (r.nextInt(4) > 0) {
            byte[] onnx = BadInputs.bogusOnnx(r, sandbox);
            Files.write(onnxFile, onnx);
            Files.writeString(dir.resolve("outside.bin"), "secret");
            what = "--onnx " + BadInputs.describeOnnx(onnx);
            a.addAll(List.of("--onnx", BadInputs.pick(r, onnxFile.toString(), onnxFile.toString(), onnxFile.toString(),
                    dir.toString(), dir.resolve("none.onnx").toString(), goodCsv.toString())));
        } else {
            Path st = dir.resolve("w.safetensors");
            Files.copy(tinyBert.resolve("model.safetensors"), st);
            if (r.nextBoolean()) {
                what = "--safetensors tiny BERT " + BadInputs.damageSafetensors(r, st).what();
            } else {
                what = "--safetensors tiny BERT weights";
            }
            a.addAll(List.of("--safetensors", st.toString(), "--architecture", BadInputs.pick(r, "resnet18", "efficientnet-b0", "resnet50",
                    "bogus")));
        }
        List<Allowance> allowed = List.of();
        switch (r.nextInt(8)) {
            case 0 -> {
                a.addAll(List.of("--out", userFolder(dir, "user").toString()));
                what += ", --out user folder";
            }
            case 1 -> {
                a.addAll(List.of("--out", Files.writeString(dir.resolve("file.txt"), "mine").toString()));
                what += ", --out existing file";
            }
            case 2 -> {
                a.addAll(List.of("--out", onnxFile.toString()));
                what += ", --out the ONNX file itself";
            }
            case 3 -> {
                Path copy = dir.resolve("text-model");
                copyModel(model, copy);
                a.addAll(List.of("--out", copy.toString()));
                what += ", --out a Graft text model";
            }
            case 4 -> {
                a.addAll(List.of("--name", BadInputs.pick(r, "../../escape", "a/b", "", "..", "UPPER case")));
                what += ", --name " + a.get(a.size() - 1);
            }
            case 5 -> {
                a.addAll(List.of("--preset", BadInputs.pick(r, "bogus", "", "../imagenet")));
                what += ", --preset " + a.get(a.size() - 1);
            }
            case 6 -> {
                Path out = dir.resolve("imported");
                a.addAll(List.of("--out", out.toString()));
                allowed = List.of(out(out));
                what += ", --out absent";
            }
            default -> what += ", no --out";
        }
        return new Case(k, what, a, null, true, allowed);
    }

    private Case modelInfo(int k, Random r, Path dir) throws IOException {
        int choice = r.nextInt(4);
        Path out = dir.resolve("out");
        if (choice <= 1) {
            Path bert = dir.resolve("bert");
            copyModel(tinyBert, bert);
            BadInputs.ModelFault f = BadInputs.damageConfig(r, bert.resolve("config.json"));
            if (r.nextBoolean()) {
                Files.delete(bert.resolve("README.md")); // licence unknown: a warning on the way
            }
            List<String> a = choice == 0 ? new ArrayList<>(List.of("models", "info", bert.toString(), "-q"))
                    : trainArgs(goodCsv, goodCsv, out);
            if (choice == 1) {
                a.addAll(List.of("--model", bert.toString()));
            }
            return new Case(k, "tiny BERT " + f.what(), a, null, f.invalid(), List.of(out(out)));
        }
        if (choice == 2) {
            Path text = Files.createDirectory(dir.resolve("onnx-model"));
            Files.copy(tinyBert.resolve("tokenizer.json"), text.resolve("tokenizer.json"));
            Files.writeString(dir.resolve("outside.bin"), "secret");
            String location = BadInputs.pick(r, "../outside.bin", dir.resolve("outside.bin").toString(), "missing.bin");
            Files.write(text.resolve("model.onnx"), BadInputs.onnxWithExternalData(location, new long[] {4, 4}));
            List<String> a = r.nextBoolean() ? new ArrayList<>(List.of("models", "info", text.toString(), "-q"))
                    : trainArgs(goodCsv, goodCsv, out);
            if (a.get(0).equals("train")) {
                a.addAll(List.of("--model", text.toString()));
            }
            return new Case(k, "text model whose ONNX has external data at '" + location.replace(sandbox.toString(), "$SANDBOX") + "'",
                    a, null, true, List.of(out(out)));
        }
        String m = BadInputs.pick(r, "minilm", "no-such-model", dir.resolve("none").toString(), goodCsv.toString(),
                userFolder(dir, "user").toString(), "MINILM");
        return new Case(k, "models info " + (m.startsWith("/") ? "path" : m), new ArrayList<>(List.of("models", "info", m, "-q")), null,
                !m.equalsIgnoreCase("minilm"), List.of());
    }

    /** Sets option {@code name} to {@code value} (replacing its value if present); returns "name value". */
    private static String set(List<String> args, String name, String value) {
        int i = args.indexOf(name);
        if (i >= 0) {
            args.set(i + 1, value);
        } else {
            args.addAll(List.of(name, value));
        }
        return name + " '" + value + "'";
    }

    private static void remove(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i >= 0) {
            args.remove(i + 1);
            args.remove(i);
        }
    }

    /** Copies a model directory; files over 1 MB are hard-linked (fixtures' files are never written in place). */
    private static void copyModel(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (Files.size(p) > (1 << 20)) {
                    try {
                        Files.createLink(t, p);
                    } catch (UnsupportedOperationException | IOException e) {
                        Files.copy(p, t);
                    }
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    // ---------------------------------------------------------------- running and checking

    private void runAndCheck(Case c, List<Violation> violations) throws IOException {
        String cmdline = "graft " + c.args().stream().map(this::display).collect(Collectors.joining(" "));
        DirectorySnapshot before = DirectorySnapshot.take(sandbox);
        List<String> cwdBefore = cwdEntries();
        CliHarness.Result r = null;
        Throwable thrown = null;
        long started = System.nanoTime();
        try {
            r = c.stdin() != null ? CliHarness.runWithInput(c.stdin(), c.args().toArray(String[]::new))
                    : CliHarness.run(c.args().toArray(String[]::new));
        } catch (Throwable t) { // OutOfMemoryError included: it is one of the things this test looks for
            thrown = t;
        }
        List<String[]> found = new ArrayList<>();
        if (thrown != null) {
            found.add(new String[] {thrown instanceof OutOfMemoryError ? "out of memory" : "throwable escaped GraftCli.run",
                    thrown.toString()});
        } else {
            found.addAll(checkOutput(c, r));
        }
        boolean success = r != null && r.code() == 0;
        DirectorySnapshot after = DirectorySnapshot.take(sandbox);
        for (String change : changes(c, before, after, success)) {
            found.add(new String[] {"file outside --out " + change.substring(0, change.indexOf(' ')), change});
        }
        for (String path : after.paths()) {
            if (LEFTOVER.matcher(path.substring(path.lastIndexOf('/') + 1)).matches()) {
                found.add(new String[] {"leftover temporary", path});
            }
        }
        Path home = Path.of(System.getProperty("graft.home"));
        if (Files.isDirectory(home)) {
            try (Stream<Path> walk = Files.walk(home)) {
                walk.filter(p -> LEFTOVER.matcher(p.getFileName().toString()).matches())
                        .forEach(p -> found.add(new String[] {"leftover temporary in Graft home", home.relativize(p).toString()}));
            }
        }
        List<String> cwdAfter = cwdEntries();
        if (!cwdAfter.equals(cwdBefore)) {
            found.add(new String[] {"working directory changed", cwdBefore + " -> " + cwdAfter});
        }
        String outcome = thrown != null ? "threw" : "exit " + r.code();
        for (String[] v : found) {
            String detail = v[1] + (r != null ? "  [" + outcome + "; stderr: " + clip(r.err().strip(), 300) + "]" : "");
            violations.add(new Violation(c.number(), c.command(), c.input(), cmdline, v[0],
                    v.length > 2 ? v[2].replace(sandbox.toString(), "<path>") : signature(v[0], v[1], c),
                    detail.replace(sandbox.toString(), "$SANDBOX")));
        }
        if (Boolean.getBoolean("graft.fuzz.verbose")) {
            System.out.printf(Locale.ROOT, "case %d (%.1f s) %s: %s -> %s%s%n", c.number(), (System.nanoTime() - started) / 1e9,
                    c.input(), cmdline, outcome,
                    found.isEmpty() ? "" : " VIOLATES " + found.stream().map(v -> v[0]).toList());
        }
    }

    /** Invariants on exit code and streams; each entry is {invariant, detail}. */
    private static List<String[]> checkOutput(Case c, CliHarness.Result r) {
        List<String[]> found = new ArrayList<>();
        int code = r.code();
        if (code != 0 && code != 1 && code != 2) {
            found.add(new String[] {"exit code not 0, 1 or 2", "exit " + code});
        }
        if (c.mustFail() && code == 0) {
            found.add(new String[] {"exit 0 on invalid input", "stdout: " + clip(r.out().strip(), 200)});
        }
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error:")).toList();
        if (code == 0 && !errors.isEmpty()) {
            found.add(new String[] {"error message on success", clip(errors.get(0), 200)});
        }
        if (code != 0) {
            int most = code == 2 ? 2 : 1;
            if (errors.isEmpty() || errors.size() > most) {
                found.add(new String[] {errors.isEmpty() ? "no error: message" : "several error: messages", clip(r.err().strip(), 300),
                        head(normalize(r.err().strip()), 60)});
            }
            for (String e : errors) {
                String text = e.substring("error:".length()).strip();
                if (text.isEmpty() || text.equals("null") || text.endsWith(": null") || text.endsWith(": null.")) {
                    found.add(new String[] {"empty or null message", e});
                }
            }
            if (r.err().length() > MAX_STDERR) {
                found.add(new String[] {"overlong message", r.err().length() + " chars on stderr", head(normalize(r.err()), 45)});
            }
        }
        r.err().lines().filter(l -> l.matches("(?i)^(error|warning|note): *(error|warning|note):.*")).findFirst()
                .ifPresent(l -> found.add(new String[] {"doubled message prefix", clip(l, 200)}));
        for (var leak : LEAKS.entrySet()) {
            for (String stream : List.of(r.err(), r.out())) {
                Matcher m = leak.getValue().matcher(stream);
                if (m.find()) {
                    boolean oom = stream.contains("OutOfMemoryError");
                    String line = lineAround(stream, m.start());
                    found.add(new String[] {oom ? "out of memory" : leak.getKey(), clip(line, 300),
                            head(normalize(messageStart(stream, m.start())), 32) + " ... " + normalize(m.group())});
                    break;
                }
            }
        }
        return found;
    }

    /** Changes to the sandbox the case was not allowed to make. */
    private List<String> changes(Case c, DirectorySnapshot before, DirectorySnapshot after, boolean success) {
        List<String> raw = before.diff(after, path -> false);
        List<String> forbidden = new ArrayList<>();
        for (String change : raw) {
            String type = change.substring(0, change.indexOf(' '));
            String rel = change.substring(type.length() + 1).replaceAll(" \\(.*\\)$", "");
            Path abs = sandbox.resolve(rel).toAbsolutePath().normalize();
            boolean ok = false;
            for (Allowance a : c.allowed()) {
                Path region = a.path().toAbsolutePath().normalize();
                if (!success && !a.onFailure()) {
                    continue;
                }
                if (abs.startsWith(region) && (type.equals("created") || a.existingMayChange())) {
                    ok = true;
                }
                if (success && type.equals("created") && region.startsWith(abs) && Files.isDirectory(abs)) {
                    ok = true; // parent folders of --out
                }
            }
            if (!ok) {
                forbidden.add(change);
            }
        }
        return forbidden;
    }

    private static List<String> cwdEntries() throws IOException {
        try (Stream<Path> list = Files.list(Path.of("").toAbsolutePath())) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.equals("target")).sorted().toList();
        }
    }

    private String display(String arg) {
        String s = arg.replace(sandbox.toString(), "$SANDBOX");
        s = clip(s, 120);
        return s.isEmpty() || s.matches(".*[\\s'\"$;|&<>()].*") && !s.startsWith("$SANDBOX") ? "'" + s.replace("'", "'\\''") + "'" : s;
    }

    private static String clip(String s, int max) {
        String flat = s.replace("\n", "\\n").replace("\t", "\\t");
        return flat.length() <= max ? flat : flat.substring(0, max) + "...(" + flat.length() + " chars)";
    }

    /** The first {@code max} characters of {@code s}, on one line. */
    private static String head(String s, int max) {
        String flat = s.replace("\n", "\\n").replace("\t", "\\t");
        return flat.length() <= max ? flat : flat.substring(0, max);
    }

    /** The line that starts the message holding position {@code at}: the last error:/warning:/note: line up to it. */
    private static String messageStart(String s, int at) {
        String upTo = s.substring(0, s.indexOf('\n', at) < 0 ? s.length() : s.indexOf('\n', at));
        List<String> lines = upTo.lines().toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).matches("^(error|warning|note):.*")) {
                return lines.get(i);
            }
        }
        return lineAround(s, at);
    }

    private static String lineAround(String s, int at) {
        int from = s.lastIndexOf('\n', at) + 1;
        int to = s.indexOf('\n', at);
        return s.substring(from, to < 0 ? s.length() : to);
    }

    /** A case's seed: a stateless mix of the run's seed and the case number (SplitMix64). */
    static long mix(long seed, int k) {
        long z = seed * 0x9E3779B97F4A7C15L + (k + 1) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** What tells a violation's cause apart when its check gave no signature: the kind of input, or the message. */
    private String signature(String invariant, String detail, Case c) {
        if (invariant.startsWith("file outside") || invariant.startsWith("leftover") || invariant.startsWith("exit 0")
                || invariant.startsWith("working")) {
            return c.input().replaceAll(" \\[.*", "").replaceAll("'.*'", "'...'").replaceAll("\\d+", "N");
        }
        return head(normalize(detail.replace(sandbox.toString(), "<path>")), 110);
    }

    /** Paths and numbers blanked out. */
    private static String normalize(String s) {
        return s.replaceAll("(?:(?<![\\w.])/|\\$SANDBOX|<path>)[^\\s'\":,)]*", "<path>").replaceAll("\\d+", "N");
    }

    /** The violations grouped by cause, with the kinds of input and the cases that showed each. */
    private static String report(List<Violation> violations, long seed) {
        Map<String, List<Violation>> groups = new TreeMap<>();
        for (Violation v : violations) {
            groups.computeIfAbsent(v.group(), g -> new ArrayList<>()).add(v);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(groups.size()).append(" distinct violation(s); replay a case with -Dgraft.fuzz.seed=").append(seed)
                .append(" -Dgraft.fuzz.case=K (add -Dgraft.test.echo=true to see its output):\n");
        for (var g : groups.entrySet()) {
            List<Violation> vs = g.getValue();
            Violation first = vs.get(0);
            sb.append("\n* ").append(g.getKey())
                    .append("\n    inputs: ").append(vs.stream().map(Violation::inputKind).distinct().limit(6).collect(Collectors.joining("; ")))
                    .append("\n    cases: ").append(vs.stream().map(v -> Integer.toString(v.caseNo())).distinct().limit(15)
                            .collect(Collectors.joining(", ")))
                    .append("\n    e.g. case ").append(first.caseNo()).append(": ").append(clip(first.cmdline(), 500))
                    .append("\n    -> ").append(clip(first.detail(), 600)).append('\n');
        }
        return sb.toString();
    }
}
