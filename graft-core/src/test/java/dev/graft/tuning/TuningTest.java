package dev.graft.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.training.EpochLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TuningTest {

    private static final SearchSpace SPACE = SearchSpace.parse("lr=log:1e-5:1e-1,dropout=uniform:0:0.5,hidden=choice:0|64|256");

    /** Peak at lr = 1e-3, dropout = 0.2, hidden = 64. */
    private static double objective(Map<String, Object> p) {
        double lr = Math.log10((Double) p.get("lr"));
        double d = (Double) p.get("dropout");
        return -(lr + 3) * (lr + 3) - 10 * (d - 0.2) * (d - 0.2) - ("64".equals(p.get("hidden")) ? 0 : 0.5);
    }

    private static double bestAfter(Sampler sampler, int n, long seed) {
        List<Trial> trials = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            Map<String, Object> p = sampler.sample(SPACE, trials, new Random(seed * 1_000_003L + i));
            double v = objective(p);
            best = Math.max(best, v);
            trials.add(new Trial(i, Trial.State.COMPLETE, p, OptionalDouble.of(v), new TreeMap<>(), 0));
        }
        return best;
    }

    @Test
    void spaceParsesAndRejectsNonsense() {
        assertEquals(3, SPACE.dimensions().size());
        assertEquals(SPACE, SearchSpace.parse(SPACE.spec()));
        assertThrows(IllegalArgumentException.class, () -> SearchSpace.parse("lr=log:0:1"));
        assertThrows(IllegalArgumentException.class, () -> SearchSpace.parse("lr=normal:1:2"));
        assertThrows(IllegalArgumentException.class, () -> SearchSpace.parse("lr"));
        assertThrows(IllegalArgumentException.class, () -> SearchSpace.parse("lr=log:1e-4:1e-1,lr=log:1e-4:1e-1"));
        assertThrows(IllegalArgumentException.class, () -> Tunables.check(SearchSpace.parse("nonsense=uniform:0:1"), Tunables.Strategy.FEATURE_EXTRACTION));
        assertThrows(IllegalArgumentException.class, () -> Tunables.check(SearchSpace.parse("lr_backbone=log:1e-5:1e-3"), Tunables.Strategy.FEATURE_EXTRACTION));
    }

    @Test
    void samplesStayInsideTheSpace() {
        for (Sampler s : List.of(new RandomSampler(), new TpeSampler(3))) {
            List<Trial> trials = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Map<String, Object> p = s.sample(SPACE, trials, new Random(i));
                double lr = (Double) p.get("lr");
                double d = (Double) p.get("dropout");
                assertTrue(lr >= 1e-5 && lr <= 1e-1, "lr " + lr);
                assertTrue(d >= 0 && d <= 0.5, "dropout " + d);
                assertTrue(List.of("0", "64", "256").contains((String) p.get("hidden")));
                trials.add(new Trial(i, Trial.State.COMPLETE, p, OptionalDouble.of(objective(p)), new TreeMap<>(), 0));
            }
        }
    }

    /** TPE models where good trials were: over 8 seeded studies of 30 trials its median best beats random search's. */
    @Test
    void tpeFindsBetterSettingsThanRandomSearch() {
        double[] tpe = new double[8];
        double[] random = new double[8];
        for (int s = 0; s < 8; s++) {
            tpe[s] = bestAfter(new TpeSampler(), 30, s);
            random[s] = bestAfter(new RandomSampler(), 30, s);
        }
        Arrays.sort(tpe);
        Arrays.sort(random);
        double tpeMedian = (tpe[3] + tpe[4]) / 2;
        double randomMedian = (random[3] + random[4]) / 2;
        assertTrue(tpeMedian > randomMedian, "TPE median best " + tpeMedian + " vs random " + randomMedian);
    }

    @Test
    void parzenEstimatorIsADensityOnTheRange() {
        TpeSampler.Parzen p = TpeSampler.Parzen.fit(new double[] {0.1, 0.15, 0.8}, 0, 1);
        double integral = 0;
        int steps = 20_000;
        for (int i = 0; i < steps; i++) {
            integral += Math.exp(p.logDensity((i + 0.5) / steps)) / steps;
        }
        assertEquals(1.0, integral, 1e-3);
        assertTrue(p.logDensity(0.12) > p.logDensity(0.5), "mass concentrates near the observations");
    }

    private static Trial trial(int n, Trial.State state, double... perEpoch) {
        TreeMap<Integer, Double> m = new TreeMap<>();
        for (int i = 0; i < perEpoch.length; i++) {
            m.put(i + 1, perEpoch[i]);
        }
        return new Trial(n, state, Map.of(), state == Trial.State.COMPLETE ? OptionalDouble.of(perEpoch[perEpoch.length - 1])
                : OptionalDouble.empty(), m, 0);
    }

    @Test
    void medianPrunerStopsTrialsBelowTheMedianAfterStartup() {
        MedianPruner p = new MedianPruner(3, 1);
        List<Trial> three = List.of(trial(0, Trial.State.COMPLETE, 0.5, 0.6, 0.7), trial(1, Trial.State.COMPLETE, 0.5, 0.7, 0.8),
                trial(2, Trial.State.COMPLETE, 0.4, 0.65, 0.7));
        assertTrue(p.prune(trial(3, Trial.State.RUNNING, 0.3, 0.5), 2, three), "0.5 < median 0.65");
        assertFalse(p.prune(trial(3, Trial.State.RUNNING, 0.3, 0.66), 2, three), "0.66 > median 0.65");
        assertFalse(p.prune(trial(3, Trial.State.RUNNING, 0.1), 1, three), "warm-up epoch");
        assertFalse(p.prune(trial(3, Trial.State.RUNNING, 0.3, 0.5), 2, three.subList(0, 2)), "fewer than 3 complete trials");
    }

    @Test
    void ashaKeepsTheTopThirdAtEachRung() {
        AshaPruner p = new AshaPruner(1, 3);
        assertTrue(p.isRung(1) && p.isRung(3) && p.isRung(9) && !p.isRung(2) && !p.isRung(4));
        assertFalse(p.prune(trial(0, Trial.State.RUNNING, 0.1), 1, List.of()), "the first trial at a rung continues");
        List<Trial> others = List.of(trial(0, Trial.State.COMPLETE, 0.5), trial(1, Trial.State.COMPLETE, 0.6),
                trial(2, Trial.State.PRUNED, 0.2), trial(3, Trial.State.COMPLETE, 0.7), trial(4, Trial.State.COMPLETE, 0.4));
        // 6 values at rung 1: top 6/3 = 2 continue
        assertFalse(p.prune(trial(5, Trial.State.RUNNING, 0.65), 1, others), "second best continues");
        assertTrue(p.prune(trial(5, Trial.State.RUNNING, 0.55), 1, others), "third best stops");
        assertFalse(p.prune(trial(5, Trial.State.RUNNING, 0.1, 0.1), 2, others), "epoch 2 is not a rung");
    }

    /** A study killed during trial 3 resumes: the running trial restarts with its settings and the result equals an uninterrupted study's. */
    @Test
    void interruptedStudyResumesToTheSameTrials(@TempDir Path dir) {
        Study.Settings settings = new Study.Settings(SPACE, new TpeSampler(3), new MedianPruner(2, 1), 7, "test");
        Study.Objective objective = (number, params, reporter) -> {
            double v = objective(params);
            for (int epoch = 1; epoch <= 3; epoch++) {
                reporter.onEpochEnd(new EpochLog(epoch, 0, 0, v - 1.0 / epoch, 0, 0, 0, false, 0, Map.of()));
            }
            return v;
        };
        try (Study full = Study.open(dir.resolve("full"), settings)) {
            full.optimize(8, objective, EpochLog::valAccuracy, new Study.Events() { });
        }
        try (Study first = Study.open(dir.resolve("resumed"), settings)) {
            first.optimize(3, objective, EpochLog::valAccuracy, new Study.Events() { });
            // simulate a kill during trial 3: recorded as running, one epoch reported, never finished
            Map<String, Object> p = settings.sampler().sample(SPACE, first.trials(), Study.trialRandom(7, 3));
            first.store().start(3, p);
            first.store().report(3, 1, -5);
        }
        List<Trial> resumedTrials;
        try (Study again = Study.open(dir.resolve("resumed"), settings)) {
            assertEquals(Trial.State.RUNNING, again.trials().get(3).state());
            List<Integer> restarted = new ArrayList<>();
            again.optimize(8, objective, EpochLog::valAccuracy, new Study.Events() {
                @Override
                public void trialStarted(int number, Map<String, Object> params, boolean wasRunning) {
                    if (wasRunning) {
                        restarted.add(number);
                    }
                }
            });
            assertEquals(List.of(3), restarted);
            resumedTrials = again.trials();
        }
        List<Trial> fullTrials;
        try (Study full = Study.open(dir.resolve("full"), settings)) {
            fullTrials = full.trials();
        }
        assertEquals(8, resumedTrials.size());
        for (int i = 0; i < 8; i++) {
            assertEquals(fullTrials.get(i).params(), resumedTrials.get(i).params(), "trial " + i);
            assertEquals(fullTrials.get(i).state(), resumedTrials.get(i).state(), "trial " + i);
            assertEquals(fullTrials.get(i).intermediate(), resumedTrials.get(i).intermediate(), "trial " + i);
        }
        assertTrue(fullTrials.stream().anyMatch(t -> t.state() == Trial.State.PRUNED), "the median pruner stopped some trial");
    }

    /** Neighbouring trials of a random search draw independently (java.util.Random's first draws from consecutive seeds nearly agree). */
    @Test
    void consecutiveTrialsOfARandomSearchSpreadOverTheSpace(@TempDir Path dir) {
        SearchSpace space = SearchSpace.parse("x=uniform:0:1");
        List<Double> xs = new ArrayList<>();
        try (Study st = Study.open(dir, new Study.Settings(space, new RandomSampler(), Pruner.parse("none"), 42, "spread"))) {
            st.optimize(12, (number, params, reporter) -> {
                xs.add((Double) params.get("x"));
                return 0;
            }, EpochLog::valAccuracy, new Study.Events() { });
        }
        double min = xs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = xs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertTrue(max - min > 0.6, "12 uniform draws cover most of [0, 1]: " + xs);
        for (int i = 1; i < xs.size(); i++) {
            assertTrue(Math.abs(xs.get(i) - xs.get(i - 1)) > 1e-3, "trials " + (i - 1) + " and " + i + " drew the same value: " + xs);
        }
    }

    @Test
    void studyRefusesToResumeWithOtherSettings(@TempDir Path dir) {
        try (Study s = Study.open(dir, new Study.Settings(SPACE, new RandomSampler(), Pruner.NONE, 1, "a"))) {
            assertTrue(s.trials().isEmpty());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Study.open(dir, new Study.Settings(SPACE, new RandomSampler(), Pruner.NONE, 1, "b")));
        assertTrue(e.getMessage().contains("fingerprint"), e.getMessage());
    }

    @Test
    void studyInAFolderWithTheUsersFilesIsRefusedAndLeftAlone(@TempDir Path dir) throws Exception {
        Path mine = java.nio.file.Files.createDirectory(dir.resolve("experiments"));
        java.nio.file.Files.writeString(mine.resolve("plan.md"), "mine");
        var e = assertThrows(IllegalArgumentException.class, () -> StudyStore.open(mine));
        assertTrue(e.getMessage().contains("plan.md") && e.getMessage().contains("holds no study"), e.getMessage());
        assertEquals(java.util.List.of(mine.resolve("plan.md")), java.nio.file.Files.list(mine).toList());
    }

    @Test
    void tunablesApplyToTheConfiguration() {
        FeatureExtractionConfig c = Tunables.apply(FeatureExtractionConfig.defaults(),
                Map.of("lr", 0.003, "weight_decay", 1e-4, "dropout", 0.3, "hidden", "64"));
        assertEquals(0.003, c.training().learningRate());
        assertEquals(1e-4, c.training().weightDecay());
        assertEquals(0.3, c.dropout());
        assertEquals(64, c.hiddenUnits());
        Map<String, Object> d = Tunables.defaults(SPACE, FeatureExtractionConfig.defaults(), null, null);
        assertEquals("0", d.get("hidden"));
        assertEquals(FeatureExtractionConfig.defaults().training().learningRate(), d.get("lr"));
    }

    @Test
    void loraAndAdapterSearchesSetTheirSpecAndRefuseFullFineTuningKnobs() {
        Map<String, Object> trial = Map.of("lr_backbone", 3e-3, "lora_rank", "16", "dropout", 0.2);
        dev.graft.model.peft.PeftSpec lora = Tunables.apply(dev.graft.model.peft.PeftSpec.lora(), trial);
        assertEquals(16, lora.rank());
        assertEquals(2.0 * dev.graft.model.peft.PeftSpec.DEFAULT_ALPHA, lora.alpha(), "alpha/r is kept");
        dev.graft.strategy.FineTuneConfig ft = Tunables.apply(dev.graft.strategy.FineTuneConfig.defaults(), trial);
        assertEquals(3e-3, ft.backboneLr());
        assertEquals(0.2, ft.dropout());
        assertEquals(null, Tunables.apply((dev.graft.model.peft.PeftSpec) null, trial), "full fine-tuning stays full");
        assertEquals(128, Tunables.apply(dev.graft.model.peft.PeftSpec.adapter(), Map.of("adapter_size", "128")).adapterSize());

        Tunables.check(SearchSpace.parse("lora_rank=choice:4|8,lr_backbone=log:1e-4:1e-2"), Tunables.Strategy.LORA);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tunables.check(SearchSpace.parse("unfreeze=choice:1|all"), Tunables.Strategy.LORA));
        assertTrue(e.getMessage().contains("'unfreeze'") && e.getMessage().contains("not lora"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Tunables.check(SearchSpace.parse("lora_rank=choice:4|8"), Tunables.Strategy.FINE_TUNE));
        assertThrows(IllegalArgumentException.class,
                () -> Tunables.check(SearchSpace.parse("adapter_size=choice:16|64"), Tunables.Strategy.LORA));
    }
}
