package dev.graft.run.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.artifact.TextClassifier;
import dev.graft.report.AutoReport;
import dev.graft.run.TrainingRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft auto} on a small text set with the bundled MiniLM (and its random-init twin as a second candidate): the
 * time limit holds, the same seed gives the same candidates and winner, and a run killed after its first candidates
 * continues from the journal to the same winner.
 */
class AutoRunTest {

    private static final String[] SPORTS = {"team", "goal", "match", "runner", "referee", "striker", "keeper", "stadium"};
    private static final String[] FOOD = {"cake", "soup", "pizza", "bread", "sauce", "pasta", "salad", "oven"};
    private static final String[] FILLER = {"the", "a", "was", "is", "near", "with", "today", "again", "very", "then"};

    @TempDir
    Path dir;

    /**
     * {@code n} short sentences, half about sports and half about food, with a share {@code noise} of the labels flipped
     * (seeded), so that no model is perfect and fine-tuning has room.
     */
    private Path csv(String name, int n, double noise, long seed) throws Exception {
        return csv(name, n, noise, seed, 0);
    }

    /** As {@link #csv(String, int, double, long)}, each sentence followed by {@code extra} filler words. */
    private Path csv(String name, int n, double noise, long seed, int extra) throws Exception {
        java.util.Random rng = new java.util.Random(seed);
        StringBuilder b = new StringBuilder("text,label\n");
        for (int i = 0; i < n; i++) {
            boolean sports = i % 2 == 0;
            String[] topic = sports ? SPORTS : FOOD;
            String text = FILLER[rng.nextInt(FILLER.length)] + " " + topic[rng.nextInt(topic.length)] + " " + FILLER[rng.nextInt(FILLER.length)]
                    + " " + (rng.nextDouble() < 0.5 ? topic[rng.nextInt(topic.length)] : (sports ? FOOD : SPORTS)[rng.nextInt(8)]);
            StringBuilder more = new StringBuilder();
            for (int k = 0; k < extra; k++) {
                more.append(' ').append(FILLER[rng.nextInt(FILLER.length)]);
            }
            text += more;
            boolean label = rng.nextDouble() < noise != sports;
            b.append(text).append(',').append(label ? "sports" : "food").append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, b.toString(), StandardCharsets.UTF_8);
        return p;
    }

    private AutoRequest request(Path out, Duration limit) throws Exception {
        return request(out, limit, 200);
    }

    /**
     * 48 training sentences and {@code valRows} validation ones (the short-limit test's plan is sized on 200; the
     * resume test, whose five runs score every trial on validation each epoch, needs no more than 100).
     */
    private AutoRequest request(Path out, Duration limit, int valRows) throws Exception {
        Path train = csv("train.csv", 48, 0.1, 1);
        Path val = csv("val.csv", valRows, 0.1, 2);
        return AutoRequest.of(() -> TrainingRequest.of(train).valFile(val).seed(7), out, limit)
                .candidates(List.of("minilm", "minilm-random")).maxTrials(2);
    }

    /** Stops the run after {@code after} candidates have ended, as a kill would. */
    private static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void sameSeedSameCandidatesAndWinnerAndAKilledRunContinuesToTheSameWinner() throws Exception {
        // a limit the clock never reaches, even on a loaded machine: the plan (capped at two trials) decides alone
        Duration limit = Duration.ofMinutes(20);
        long t0 = System.nanoTime();
        AutoResult a = AutoRun.run(request(dir.resolve("a"), limit, 100), AutoListener.SILENT);
        double wall = (System.nanoTime() - t0) / 1e9;
        assertTrue(wall <= 1.1 * limit.toSeconds(), "wall " + wall);
        List<String> ids = a.candidates().stream().map(Candidate::id).toList();
        List<String> expected = new ArrayList<>(List.of("rank:minilm", "rank:minilm-random", "fe:minilm", "fe:minilm-random",
                "ft:minilm:0", "ft:minilm:1"));
        boolean bothTrials = a.candidates().stream().filter(c -> c.stage() == Candidate.Stage.FINE_TUNE && c.isModel()).count() == 2;
        if (bothTrials) {
            expected.add("soup:minilm:0+1"); // two finished trials: their greedy soup is tried
        }
        assertEquals(expected, ids, a.candidates()::toString);
        if (bothTrials) {
            Candidate soup = a.candidates().get(6);
            assertEquals(Candidate.Stage.SOUP, soup.stage());
            assertTrue(soup.note().startsWith("kept") == soup.isModel() && soup.note().contains("ft:minilm:"), soup.note());
            if (soup.isModel()) {
                assertTrue(Files.isDirectory(a.output().resolve(soup.modelDir())), soup::toString);
            }
        }
        assertTrue(a.candidates().stream().allMatch(c -> c.status() == Candidate.Status.DONE || c.status() == Candidate.Status.PRUNED),
                a.candidates()::toString);
        Candidate rankPretrained = a.candidates().get(0);
        Candidate rankRandom = a.candidates().get(1);
        assertTrue(rankPretrained.score() > rankRandom.score(), "LogME prefers pretrained weights: " + a.candidates());
        assertEquals(java.util.Map.of("lr_backbone", 1e-4, "lr_head", 1e-3), withoutPruning(a.candidates().get(4).settings()),
                "the first trial takes the defaults");
        assertTrue(a.candidates().get(4).estimatedSeconds() > 0 && a.candidates().get(4).seconds() > 0);

        // the winner is a normal model that predicts
        TextClassifier model = TextClassifier.load(a.model());
        assertEquals("sports", model.predict("the striker was near the goal").label());
        String report = Files.readString(a.report(), StandardCharsets.UTF_8);
        for (String id : ids) {
            assertTrue(report.contains(id), id + " in the report");
        }
        assertTrue(report.contains("Why the winner won") && report.contains(a.winner().id()));
        assertTrue(Files.isRegularFile(a.output().resolve(AutoReport.FILE)));

        // the same request killed after the third candidate, then run again: it continues and ends the same. The killed run
        // is given the factor the first one measured (no second probe; both plan alike); the rerun takes it from the journal
        Path b = dir.resolve("b");
        List<String> heard = new ArrayList<>();
        AutoListener killer = new AutoListener() {
            @Override
            public void candidate(Candidate c, boolean fromJournal) {
                heard.add(c.id());
                if (heard.size() == 3) {
                    throw new Killed();
                }
            }
        };
        assertThrows(Killed.class, () -> AutoRun.run(request(b, limit, 100).speedFactor(a.calibration().factor()), killer));
        assertFalse(Files.exists(b.resolve(AutoRun.MODEL_DIR)), "the killed run kept no winner");
        List<String> resumedFromJournal = new ArrayList<>();
        AutoResult again = AutoRun.run(request(b, limit, 100), new AutoListener() {
            @Override
            public void candidate(Candidate c, boolean fromJournal) {
                if (fromJournal) {
                    resumedFromJournal.add(c.id());
                }
            }
        });
        assertEquals(List.of("rank:minilm", "rank:minilm-random", "fe:minilm"), resumedFromJournal,
                "the rerun took the finished candidates from the journal");
        assertEquals(a.calibration().factor(), again.calibration().factor(), "the journal's factor");
        assertEquals(ids, again.candidates().stream().map(Candidate::id).toList());
        for (int i = 0; i < ids.size(); i++) {
            Candidate x = a.candidates().get(i);
            Candidate y = again.candidates().get(i);
            assertEquals(x.status(), y.status(), x.id() + ": " + y.note());
            if (x.score() != null) {
                assertEquals(x.score(), y.score(), 1e-6, x.id() + ": same seed, same score");
            }
        }
        assertEquals(a.winner().id(), again.winner().id());
        assertEquals(a.winner().score(), again.winner().score(), 1e-6);

        // other arguments in the same folder are refused, naming what to do
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> AutoRun.run(request(b, Duration.ofMinutes(21), 100), AutoListener.SILENT));
        assertTrue(other.getMessage().contains("Rerun with the same arguments"), other.getMessage());
    }

    private static java.util.Map<String, Object> withoutPruning(java.util.Map<String, Object> settings) {
        java.util.Map<String, Object> m = new java.util.HashMap<>(settings);
        m.remove("pruned_after_epoch");
        return m;
    }

    @Test
    void aShortLimitIsKeptByLeavingOutWhatDoesNotFit() throws Exception {
        // at the reference rates (factor 1, given, so that the plan is the same on every machine: with a measured factor
        // the plan's cut moved with the load, and at some factors exactly one trial fitted and nothing was left out)
        // feature extraction (~21 s) leaves ~11 s of the 35 s plan, less than a 3-epoch trial (~26 s): fine-tuning is
        // left out by the plan, and the clock still guards the limit if this machine is slower than the estimates
        Duration limit = Duration.ofSeconds(40);
        long t0 = System.nanoTime();
        AutoResult r = AutoRun.run(request(dir.resolve("short"), limit).candidates(List.of("minilm")).speedFactor(1.0),
                AutoListener.SILENT);
        double wall = (System.nanoTime() - t0) / 1e9;
        assertTrue(wall <= 1.1 * limit.toSeconds(), "wall " + wall + " s for a limit of 40 s");
        assertEquals("fe:minilm", r.candidates().get(0).id(), "one candidate: no ranking");
        assertTrue(r.winner().isModel(), r.winner()::toString);
        assertEquals(List.of("fe:minilm", "ft:minilm"), r.candidates().stream().map(Candidate::id).toList(), r.candidates()::toString);
        Candidate ft = r.candidates().get(1);
        assertTrue(ft.status() == Candidate.Status.SKIPPED && ft.note().startsWith("plan: "), "what did not fit was left out: " + ft);
        assertTrue(r.plannedSeconds() <= limit.toSeconds(), "the plan fits the limit: " + r.plannedSeconds());
    }

    /** The limit of the runs on {@link #longTexts}: short enough that the old fixed rates did not fit all of it. */
    private static final Duration LONG_LIMIT = Duration.ofSeconds(50);
    /** The rows a subsample of {@link #longTexts} at factor 1 has (about 370 by the estimate below), exclusive bounds. */
    private static final int[] SUBSAMPLE_ROWS = {280, 460};

    /**
     * 800 training sentences of ~46 tokens and 100 validation ones: at the reference rates, ~45 s of feature extraction
     * (20 s fixed, 2.8 s validation, 22 s training), more than the 41 s a 50 s limit leaves the plan after the probe.
     */
    private AutoRequest longTexts(Path out, Duration limit) throws Exception {
        Path train = csv("long-train.csv", 800, 0.1, 3, 40);
        Path val = csv("long-val.csv", 100, 0.1, 4, 40);
        return AutoRequest.of(() -> TrainingRequest.of(train).valFile(val).seed(7), out, limit).candidates(List.of("minilm"));
    }

    @Test
    void aLimitTheOldFixedRatesRefusedGivesAModelInsideItAtTheMeasuredSpeed() throws Exception {
        // at the fixed reference rates feature extraction on all of this data is estimated at ~45 s, more than the plan's
        // 45 s less the probe: the plan without a measured speed refused the run ("too short"); now the probe measures this
        // machine and the first model is trained on all the data or, on a slow machine, on a subsample that fits
        Duration limit = LONG_LIMIT;
        Path out = dir.resolve("probed");
        long t0 = System.nanoTime();
        AutoResult r = AutoRun.run(longTexts(out, limit), AutoListener.SILENT);
        double wall = (System.nanoTime() - t0) / 1e9;
        assertTrue(wall <= 1.1 * limit.toSeconds(), "wall " + wall + " s for a limit of " + limit);
        assertEquals("fe:minilm", r.winner().id(), r.candidates()::toString);
        assertTrue(TextClassifier.load(r.model()).predict("the striker was near the goal").label().equals("sports"));
        Calibration c = r.calibration();
        assertTrue(c.probed() && c.examples() == AutoRun.PROBE_EXAMPLES && c.seconds() > 0 && "minilm".equals(c.backbone()), c::toString);
        double halfSteps = 2 * Math.log(c.factor()) / Math.log(2);
        assertEquals(Math.rint(halfSteps), halfSteps, 1e-9, "a power of sqrt 2: " + c.factor());
        double raw = c.seconds() / (Calibration.PROBE_SLOWDOWN * c.referenceSeconds());
        if (raw < Calibration.MIN_FACTOR || raw > Calibration.MAX_FACTOR) {
            // a machine faster (or slower) than the factor's range plans at the range's end
            assertEquals(raw < Calibration.MIN_FACTOR ? Calibration.MIN_FACTOR : Calibration.MAX_FACTOR, c.factor(), 1e-12,
                    "clamped to the range: " + c);
        } else {
            assertTrue(c.factor() / raw <= Math.sqrt(Math.sqrt(2)) + 1e-9 && raw / c.factor() <= Math.sqrt(Math.sqrt(2)) + 1e-9,
                    "rounded to the nearest power: " + c);
        }
        Candidate fe = r.winner();
        boolean subsampled = fe.settings().containsKey("max_train");
        assertEquals(subsampled, fe.note() != null && fe.note().contains("subsample"), fe::toString);
        assertEquals(c, journalCalibration(out), "recorded in the journal");
        String report = Files.readString(r.report(), StandardCharsets.UTF_8);
        assertTrue(report.contains("speed factor"), "the report gives the factor");
    }

    private static Calibration journalCalibration(Path out) throws Exception {
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> doc = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                out.resolve(AutoJournal.FILE).toFile(), java.util.Map.class);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> m = (java.util.Map<String, Object>) doc.get("calibration");
        return m == null ? null : Calibration.fromMap(m);
    }

    @Test
    void aFirstModelOnASubsampleWhenAllTheDataDoesNotFitAndAResumedRunPlansWithTheRecordedFactor() throws Exception {
        // the reference rates (factor 1): all the data estimated at ~45 s, the plan has ~41 s after the probe, so the
        // cheapest backbone is trained on a stratified subsample sized to 80% of that
        Duration limit = LONG_LIMIT;
        Path out = dir.resolve("sub");
        List<String> heard = new ArrayList<>();
        AutoListener killer = new AutoListener() {
            @Override
            public void candidate(Candidate c, boolean fromJournal) {
                heard.add(c.id());
                throw new Killed();
            }
        };
        long t0 = System.nanoTime();
        assertThrows(Killed.class, () -> AutoRun.run(longTexts(out, limit).speedFactor(1.0), killer));
        assertEquals(List.of("fe:minilm"), heard);
        assertEquals(Calibration.given(1.0), journalCalibration(out));

        // continued without a factor: the journal's is used, no probe runs, and the plan is the same
        List<String> stages = new ArrayList<>();
        AutoResult r = AutoRun.run(longTexts(out, limit), new AutoListener() {
            @Override
            public void stage(String line) {
                stages.add(line);
            }
        });
        double wall = (System.nanoTime() - t0) / 1e9;
        assertTrue(wall <= 2 * 1.1 * limit.toSeconds(), "wall " + wall + " s for two runs of " + limit);
        assertEquals(Calibration.given(1.0), r.calibration());
        assertTrue(stages.stream().noneMatch(s -> s.startsWith("speed probe")), stages::toString);
        Candidate fe = r.winner();
        assertEquals("fe:minilm", fe.id());
        int rows = ((Number) fe.settings().get("max_train")).intValue();
        // (45 s plan - 3.9 s probe) * 0.8 = 32.9 s; fixed 20 s + validation 2.8 s leave ~10 s for ~22 s of training rows
        assertTrue(rows > SUBSAMPLE_ROWS[0] && rows < SUBSAMPLE_ROWS[1], "rows " + rows);
        assertTrue(fe.note().contains("stratified subsample of " + rows + " of the 800 training-file rows"), fe.note());
        assertTrue(fe.estimatedSeconds() <= 0.8 * 45, "sized to fit: " + fe.estimatedSeconds());
        assertEquals("sports", TextClassifier.load(r.model()).predict("the striker was near the goal").label());
    }

    @Test
    void aTestFileTooLargeForTheLimitLeavesTheFirstModelUnscoredOnItRatherThanNoModel() throws Exception {
        // at factor 1 the separate test file's features alone (~55 s) exceed what the plan has left for the first model
        // (~33 s): it is trained on a subsample and not scored on the test file, instead of the run being refused
        Path test = csv("long-test.csv", 2000, 0.1, 5, 40);
        Duration limit = LONG_LIMIT;
        long t0 = System.nanoTime();
        AutoRequest request = AutoRequest.of(() -> {
            try {
                return longTexts(dir.resolve("unused"), limit).dataRequest().testFile(test);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, dir.resolve("untested"), limit).candidates(List.of("minilm")).speedFactor(1.0);
        AutoResult r = AutoRun.run(request, AutoListener.SILENT);
        double wall = (System.nanoTime() - t0) / 1e9;
        assertTrue(wall <= 1.1 * limit.toSeconds(), "wall " + wall);
        Candidate fe = r.winner();
        assertEquals("fe:minilm", fe.id());
        assertTrue(fe.note().contains("not scored on the test file"), fe.note());
        assertTrue(fe.testAccuracy() == null, "no test figure: " + fe);
        int rows = ((Number) fe.settings().get("max_train")).intValue();
        assertTrue(rows > SUBSAMPLE_ROWS[0] && rows < SUBSAMPLE_ROWS[1], "the same subsample as without a test file: " + rows);
        assertEquals("sports", TextClassifier.load(r.model()).predict("the striker was near the goal").label());
    }

    @Test
    void aFolderWithOtherFilesIsRefusedBeforeAnythingIsRead() throws Exception {
        Path out = dir.resolve("mine");
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "mine");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AutoRun.run(AutoRequest.of(dir.resolve("absent.csv"), out, Duration.ofMinutes(1)), AutoListener.SILENT));
        assertTrue(e.getMessage().contains("not empty and holds no auto run"), e.getMessage());
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
    }

    @Test
    void theWinnerRuleIsCompares() {
        Candidate fe = model("fe:a", Candidate.Stage.FEATURE_EXTRACTION, 0.80);
        Candidate small = model("ft:a:0", Candidate.Stage.FINE_TUNE, 0.84);
        Candidate large = model("ft:a:1", Candidate.Stage.FINE_TUNE, 0.90);
        // 300 validation examples near 0.80: two standard errors are 6.5 points
        assertEquals("fe:a", WinnerRule.of(List.of(fe, small), 300, 1700).winner().id());
        WinnerRule pays = WinnerRule.of(List.of(fe, small, large), 300, 1700);
        assertEquals("ft:a:1", pays.winner().id());
        assertTrue(pays.reasons().get(1).contains("fine-tuning pays"), pays.reasons()::toString);
        // on 10,000 validation examples the 2-point margin decides; below 1,000 training examples it doubles
        assertEquals("ft:a:0", WinnerRule.of(List.of(fe, small), 10_000, 1700).winner().id());
        assertEquals("fe:a", WinnerRule.of(List.of(fe, model("ft:a:0", Candidate.Stage.FINE_TUNE, 0.83)), 10_000, 900).winner().id());
        // a kept soup of trials competes as a fine-tuned model
        Candidate soup = model("soup:a:0+1", Candidate.Stage.SOUP, 0.91);
        assertEquals("soup:a:0+1", WinnerRule.of(List.of(fe, small, large, soup), 300, 1700).winner().id());
    }

    private static Candidate model(String id, Candidate.Stage stage, double score) {
        return new Candidate(id, stage, "a", java.util.Map.of(), 1, 1, Candidate.Status.DONE, score, null, null, "candidates/" + id);
    }
}
