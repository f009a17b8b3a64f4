package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.artifact.LoraMerge;
import dev.graft.artifact.PeftManifest;
import dev.graft.artifact.TextClassifier;
import dev.graft.artifact.TokenClassifier;
import dev.graft.data.DataException;
import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TagScheme;
import dev.graft.data.tokens.TaggedCorpus;
import dev.graft.data.tokens.TaggedCorpusReader;
import dev.graft.data.tokens.TaggedSentence;
import dev.graft.data.tokens.WordSequence;
import dev.graft.metrics.EntityMetrics;
import dev.graft.model.peft.PeftSpec;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.selection.MostFrequentTag;
import dev.graft.training.FitResult;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingListener;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named-entity recognition end to end on a small generated corpus: the test sentences name people and places never
 * seen in training, so a most-frequent-tag baseline finds none of them and a model must read the context.
 */
class TokenClassificationTest {

    private static final String[] TRAIN_FIRST = {"John", "Mary", "Peter", "Anna", "David", "Laura", "James", "Sarah"};
    private static final String[] TRAIN_LAST = {"Smith", "Brown", "Wilson", "Taylor", "Clark", "Lewis"};
    private static final String[] TRAIN_CITY = {"Paris", "Berlin", "Madrid", "Rome", "Vienna", "Dublin", "Oslo"};
    private static final String[] TEST_FIRST = {"Michael", "Emma", "Robert", "Julia"};
    private static final String[] TEST_LAST = {"Johnson", "Walker", "Harris", "Young"};
    private static final String[] TEST_CITY = {"Tokyo", "Lisbon", "Prague", "Cairo"};
    private static final String[][] TEMPLATES = {
            {"P", "visited", "L", "last", "week", "."},
            {"Yesterday", "P", "flew", "to", "L", "."},
            {"P", "lives", "in", "L", "with", "his", "family", "."},
            {"The", "mayor", "of", "L", "met", "P", "on", "Monday", "."},
            {"In", "L", ",", "P", "opened", "a", "new", "bakery", "."},
    };

    @TempDir
    static Path dir;
    private static TextModelSpec minilm;
    private static TaggedCorpus train;
    private static TaggedCorpus val;
    private static TaggedCorpus test;

    @BeforeAll
    static void corpora() throws IOException {
        minilm = TextModels.resolve("minilm");
        train = write("train.txt", 80, TRAIN_FIRST, TRAIN_LAST, TRAIN_CITY, 1);
        val = write("val.txt", 20, TEST_FIRST, TEST_LAST, TEST_CITY, 2);
        test = write("test.txt", 30, TEST_FIRST, TEST_LAST, TEST_CITY, 3);
    }

    /** CoNLL lines of {@code n} sentences from the templates, names drawn from the lists (a person is first + last name). */
    private static TaggedCorpus write(String name, int n, String[] first, String[] last, String[] city, long seed) throws IOException {
        Random rng = new Random(seed);
        StringBuilder b = new StringBuilder("-DOCSTART- -X- -X- O\n\n");
        for (int s = 0; s < n; s++) {
            for (String w : TEMPLATES[s % TEMPLATES.length]) {
                if (w.equals("P")) {
                    b.append(first[rng.nextInt(first.length)]).append(" NNP B-NP B-PER\n");
                    b.append(last[rng.nextInt(last.length)]).append(" NNP I-NP I-PER\n");
                } else if (w.equals("L")) {
                    b.append(city[rng.nextInt(city.length)]).append(" NNP B-NP B-LOC\n");
                } else {
                    b.append(w).append(" X O O\n");
                }
            }
            b.append('\n');
        }
        Path file = dir.resolve(name);
        Files.writeString(file, b.toString());
        return TaggedCorpusReader.read(file);
    }

    private static TokenClassification.Corpora corpora3() {
        return new TokenClassification.Corpora(train, val, Optional.of(test));
    }

    @Test
    void featureExtractionLearnsUnseenEntitiesFromContextAndRoundTrips() throws IOException {
        EntityMetrics.Scores baseline = MostFrequentTag.fit(train.sentences(), TagScheme.IOB2).score(test.sentences());
        assertEquals(0, baseline.micro().predicted(), "the test names never occur in training: the baseline tags none");
        FeatureExtractionConfig config = FeatureExtractionConfig.defaults().withTraining(
                TrainConfig.defaults().withEpochs(40).withPatience(10).withSeed(7));
        try (TokenClassification.Outcome out = TokenClassification.featureExtraction(minilm, corpora3(), config, Progress.NONE,
                List.of())) {
            EntityMetrics.Scores t = out.test().orElseThrow();
            assertTrue(t.f1() > 0.7, "frozen MiniLM states + linear head find unseen names: " + t.values());
            assertTrue(t.f1() > baseline.f1() + 0.5);
            assertEquals(List.of("LOC", "PER"), t.perType().stream().map(EntityMetrics.TypeScores::type).toList());
            TokenClassifier model = out.classifier();
            List<WordSequence> words = test.sentences().stream().map(s -> WordSequence.joined(s.tokens())).toList();
            List<List<Tag>> before = model.tags(words, Progress.NONE);
            assertEquals(t.f1(), EntityMetrics.score(test.tags(), before).f1(), 1e-12,
                    "the saved model's own predictions give the scores the run reported");
            Path saved = dir.resolve("fe-model");
            model.save(saved, out.provenance(), out.metricsDocument(), staging -> { });
            assertTrue(TokenClassifier.isTokenModel(saved));
            try (TokenClassifier loaded = TokenClassifier.load(saved)) {
                assertFalse(loaded.fineTuned());
                assertEquals(before, loaded.tags(words, Progress.NONE));
                assertEquals(TagScheme.IOB2, loaded.task().scheme());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(saved));
            assertTrue(e.getMessage().contains("TokenClassifier"), e.getMessage());
        }
    }

    @Test
    void aCrfIsFittedSavedAndDecodesTheLoadedModelsTagsAsTheRunScoredThem() throws IOException {
        FeatureExtractionConfig config = FeatureExtractionConfig.defaults().withTraining(
                TrainConfig.defaults().withEpochs(40).withPatience(10).withSeed(7));
        try (TokenClassification.Outcome out = TokenClassification.featureExtraction(minilm, corpora3(), config, Progress.NONE,
                List.of(), TokenClassification.Crf.CONSTRAINED)) {
            EntityMetrics.Scores t = out.test().orElseThrow();
            assertTrue(t.f1() > 0.7, "frozen MiniLM states + linear head + CRF find unseen names: " + t.values());
            TokenClassifier model = out.classifier();
            assertTrue(model.task().crf().isPresent());
            float[][] transitions = model.task().crf().get().transitions();
            int o = model.task().tagSet().names().indexOf("O");
            int iPer = model.task().tagSet().names().indexOf("I-PER");
            assertEquals(dev.graft.model.head.CrfLayer.FORBIDDEN, transitions[o][iPer], "O → I-PER stays forbidden");
            List<WordSequence> words = test.sentences().stream().map(s -> WordSequence.joined(s.tokens())).toList();
            List<List<Tag>> before = model.tags(words, Progress.NONE);
            assertEquals(t.f1(), EntityMetrics.score(test.tags(), before).f1(), 1e-12);
            Path saved = dir.resolve("fe-crf-model");
            model.save(saved, out.provenance(), out.metricsDocument(), staging -> { });
            try (TokenClassifier loaded = TokenClassifier.load(saved)) {
                assertTrue(loaded.task().crf().isPresent());
                assertEquals(before, loaded.tags(words, Progress.NONE));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> TokenClassification.Crf.parse("maybe"));
    }

    @Test
    void aJointCrfTrainsWithTheHeadIsSavedAndDecodesTheLoadedModelsTagsAsTheRunScoredThem() throws IOException {
        FeatureExtractionConfig config = FeatureExtractionConfig.defaults().withTraining(
                TrainConfig.defaults().withEpochs(40).withPatience(10).withSeed(7));
        try (TokenClassification.Outcome out = TokenClassification.featureExtraction(minilm, corpora3(), config, Progress.NONE,
                List.of(), TokenClassification.Crf.JOINT)) {
            EntityMetrics.Scores t = out.test().orElseThrow();
            assertTrue(t.f1() > 0.7, "frozen MiniLM states + head and CRF trained together find unseen names: " + t.values());
            TokenClassifier model = out.classifier();
            float[][] transitions = model.task().crf().orElseThrow().transitions();
            List<String> names = model.task().tagSet().names();
            int o = names.indexOf("O");
            int bPer = names.indexOf("B-PER");
            int iPer = names.indexOf("I-PER");
            assertEquals(dev.graft.model.head.CrfLayer.FORBIDDEN, transitions[o][iPer], "O → I-PER stays forbidden");
            assertTrue(transitions[bPer][iPer] != 0f, "the transitions trained with the head: " + transitions[bPer][iPer]);
            List<WordSequence> words = test.sentences().stream().map(s -> WordSequence.joined(s.tokens())).toList();
            List<List<Tag>> before = model.tags(words, Progress.NONE);
            assertEquals(t.f1(), EntityMetrics.score(test.tags(), before).f1(), 1e-12);
            Path saved = dir.resolve("fe-joint-crf-model");
            model.save(saved, out.provenance(), out.metricsDocument(), staging -> { });
            try (TokenClassifier loaded = TokenClassifier.load(saved)) {
                assertEquals(before, loaded.tags(words, Progress.NONE));
            }
        }
        assertEquals(TokenClassification.Crf.JOINT, TokenClassification.Crf.parse("joint"));
    }

    @Test
    void aSecondFeatureExtractionRunReadsItsTokenStatesFromTheCache() {
        FeatureExtractionConfig config = FeatureExtractionConfig.defaults().withCacheDir(dir.resolve("state-cache"))
                .withTraining(TrainConfig.defaults().withEpochs(3).withSeed(7));
        try (TokenClassification.Outcome first = TokenClassification.featureExtraction(minilm, corpora3(), config, Progress.NONE,
                List.of());
             TokenClassification.Outcome second = TokenClassification.featureExtraction(minilm, corpora3(), config, Progress.NONE,
                     List.of())) {
            assertEquals(0, first.cachedSplits());
            assertEquals(3, second.cachedSplits(), "train, validation and test states come from the cache");
            assertEquals(first.test().orElseThrow().toMap(), second.test().orElseThrow().toMap(), "the same states, the same model");
            assertEquals(first.fit().history().get(2).trainLoss(), second.fit().history().get(2).trainLoss(), 0.0);
        }
    }

    @Test
    void fineTuningLearnsAndPredictsEntitiesWithOffsetsThatSliceTheInput() throws IOException {
        FineTuneConfig config = FineTuneConfig.defaults().withTraining(FineTuneConfig.defaults().training().withEpochs(3)
                .withBatchSize(8).withLearningRate(3e-3).withSeed(3)).withBackboneLr(1e-4, 0.9);
        try (TokenClassification.Outcome out = TokenClassification.fineTune(minilm, corpora3(), config, Progress.NONE, List.of())) {
            EntityMetrics.Scores t = out.test().orElseThrow();
            assertTrue(t.f1() > 0.7, "fine-tuned MiniLM finds unseen names: " + t.values());
            TokenClassifier model = out.classifier();
            assertTrue(model.fineTuned());
            String text = "Yesterday Emma Walker flew to Lisbon.";
            List<TokenClassifier.Entity> found = model.entities(List.of(text), Progress.NONE).get(0);
            for (TokenClassifier.Entity e : found) {
                assertEquals(e.text(), text.substring(e.start(), e.end()));
                assertTrue(e.score() > 0 && e.score() <= 1, e.toString());
            }
            assertTrue(found.stream().anyMatch(e -> e.type().equals("PER") && e.text().equals("Emma Walker")), found.toString());
            assertTrue(found.stream().anyMatch(e -> e.type().equals("LOC") && e.text().equals("Lisbon")), found.toString());
            List<WordSequence> words = test.sentences().stream().map(s -> WordSequence.joined(s.tokens())).toList();
            List<List<Tag>> before = model.tags(words, Progress.NONE);
            Path saved = dir.resolve("ft-model");
            model.save(saved, out.provenance(), out.metricsDocument(), staging -> { });
            try (TokenClassifier loaded = TokenClassifier.load(saved)) {
                assertTrue(loaded.fineTuned());
                assertEquals(before, loaded.tags(words, Progress.NONE));
                assertEquals(found, loaded.entities(List.of(text), Progress.NONE).get(0));
            }
        }
    }

    /**
     * LoRA on the per-token encoder: it learns unseen names from context, saves only the LoRA weights beside the
     * pretrained files, loads back to the same tags, and merges into a plain fine-tuned model that tags the same.
     */
    @Test
    void loraTagsSavesLoadsAndMergesIntoAPlainModel() throws IOException {
        FineTuneConfig config = FineTuneConfig.defaults().withTraining(FineTuneConfig.defaults().training().withEpochs(3)
                .withBatchSize(8).withLearningRate(3e-3).withSeed(3)).withBackboneLr(PeftSpec.DEFAULT_LEARNING_RATE, 1.0);
        FineTuning lora = new FineTuning(config, PeftSpec.lora());
        try (TokenClassification.Outcome out = TokenClassification.fineTune(minilm, corpora3(), lora, Progress.NONE, List.of(),
                null)) {
            EntityMetrics.Scores t = out.test().orElseThrow();
            assertTrue(t.f1() > 0.7, "LoRA on MiniLM finds unseen names: " + t.values());
            TokenClassifier model = out.classifier();
            assertEquals("lora", model.strategy());
            assertEquals("lora", out.provenance().strategy());
            List<WordSequence> words = test.sentences().stream().map(s -> WordSequence.joined(s.tokens())).toList();
            List<List<Tag>> before = model.tags(words, Progress.NONE);
            Path saved = dir.resolve("lora-model");
            model.save(saved, out.provenance(), out.metricsDocument(), staging -> { });
            assertTrue(Files.isRegularFile(saved.resolve(PeftManifest.WEIGHTS_FILE)) && Files.isRegularFile(saved.resolve(PeftManifest.FILE)));
            assertEquals(minilm.sha256(), dev.graft.artifact.Json.MAPPER.readTree(saved.resolve("graft-model.json").toFile())
                    .path("backbone").path("sha256").asText(), "the pretrained encoder is saved unchanged");
            try (TokenClassifier loaded = TokenClassifier.load(saved)) {
                assertTrue(loaded.peft() != null && loaded.fineTuned());
                assertEquals(before, loaded.tags(words, Progress.NONE));
            }
            Path merged = dir.resolve("lora-merged");
            LoraMerge.Result r = LoraMerge.merge(saved, merged);
            assertTrue(r.maxProbabilityDifference() < 1e-4, "merging changes the tag probabilities by rounding only: " + r);
            try (TokenClassifier plain = TokenClassifier.load(merged)) {
                assertEquals("lora-merged", plain.strategy());
                assertTrue(plain.peft() == null && plain.fineTuned());
                assertFalse(Files.exists(merged.resolve(PeftManifest.FILE)));
                assertEquals(before, plain.tags(words, Progress.NONE));
            }
        }
    }

    /**
     * A fine-tune killed in epoch 2 and resumed from its epoch-1 checkpoint ends exactly like the uninterrupted run; a
     * resume with another setting, or other training sentences from the same file, is refused.
     */
    @Test
    void resumedFineTuneEndsExactlyLikeAnUninterruptedOne() {
        // exactness, not quality: 8 validation and 10 test sentences give losses and scores to compare bit for bit at a
        // fraction of the three runs' scoring
        TaggedCorpus shortVal = val.withSentences(val.sentences().subList(0, 8));
        TaggedCorpus shortTest = test.withSentences(test.sentences().subList(0, 10));
        TokenClassification.Corpora data = new TokenClassification.Corpora(train.withSentences(train.sentences().subList(0, 32)),
                shortVal, Optional.of(shortTest));
        FineTuneConfig config = FineTuneConfig.defaults().withTraining(FineTuneConfig.defaults().training().withEpochs(2)
                .withBatchSize(8).withLearningRate(3e-3).withPatience(0).withSeed(5)).withBackboneLr(1e-4, 0.9);
        FitResult straight;
        EntityMetrics.Scores straightTest;
        try (TokenClassification.Outcome o = TokenClassification.fineTune(minilm, data, config, Progress.NONE, List.of())) {
            straight = o.fit();
            straightTest = o.test().orElseThrow();
        }
        Path ckpt = dir.resolve("ner-ckpt");
        TrainingListener crash = new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, double loss) {
                if (epoch == 2 && step == 2) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        };
        assertThrows(IllegalStateException.class, () -> TokenClassification.fineTune(minilm, data, config, Progress.NONE,
                List.of(crash), new TokenClassification.Checkpoints(ckpt, 1, false)));
        assertTrue(Files.exists(ckpt.resolve("state.json")), "the epoch-1 checkpoint survives the crash");

        IllegalArgumentException setting = assertThrows(IllegalArgumentException.class, () -> TokenClassification.fineTune(
                minilm, data, config.withBackboneLr(3e-4, 0.9), Progress.NONE, List.of(),
                new TokenClassification.Checkpoints(ckpt, 1, true)));
        assertTrue(setting.getMessage().contains("different model, data or settings"), setting.getMessage());
        TokenClassification.Corpora fewer = new TokenClassification.Corpora(train.withSentences(train.sentences().subList(0, 31)),
                shortVal, Optional.of(shortTest));
        assertThrows(IllegalArgumentException.class, () -> TokenClassification.fineTune(minilm, fewer, config, Progress.NONE,
                List.of(), new TokenClassification.Checkpoints(ckpt, 1, true)), "other sentences of the same file are another run");

        try (TokenClassification.Outcome resumed = TokenClassification.fineTune(minilm, data, config, Progress.NONE, List.of(),
                new TokenClassification.Checkpoints(ckpt, 1, true))) {
            assertEquals(straight.history().size(), resumed.fit().history().size());
            for (int e = 0; e < straight.history().size(); e++) {
                assertEquals(straight.history().get(e).trainLoss(), resumed.fit().history().get(e).trainLoss(), 0.0, "epoch " + (e + 1));
                assertEquals(straight.history().get(e).valLoss(), resumed.fit().history().get(e).valLoss(), 0.0, "epoch " + (e + 1));
            }
            assertEquals(straight.bestEpoch(), resumed.fit().bestEpoch());
            assertEquals(straightTest.toMap(), resumed.test().orElseThrow().toMap());
            assertEquals("test", resumed.errorAnalysis().split());
            assertEquals(shortTest.sentences().size(), resumed.errorAnalysis().words().size());
        }
    }

    @Test
    void anEntityTypeTheTrainingDataLacksIsRefusedWithFileAndLine() throws IOException {
        Path bad = dir.resolve("val-org.txt");
        Files.writeString(bad, "Acme NNP B-NP B-ORG\nwins X O O\n\n");
        TaggedCorpus withOrg = TaggedCorpusReader.read(bad);
        DataException e = assertThrows(DataException.class, () -> TokenClassification.featureExtraction(minilm,
                new TokenClassification.Corpora(train, withOrg, Optional.empty()), FeatureExtractionConfig.defaults(),
                Progress.NONE, List.of()));
        assertTrue(e.getMessage().contains(bad + ": line 1") && e.getMessage().contains("'ORG'"), e.getMessage());
    }

    @Test
    void badConllIsRefusedWithFileAndLine() throws IOException {
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nGerman JJ B-NP X-MISC\n");
        DataException e = assertThrows(DataException.class, () -> TaggedCorpusReader.read(bad));
        assertTrue(e.getMessage().startsWith(bad + ": line 4") && e.getMessage().contains("X-MISC"), e.getMessage());
    }

    @Test
    void rawTextIsCutIntoWordsAsCorporaWriteThem() {
        WordSequence w = WordSequence.tokenized("(Germany's) U.S. envoy, Mr. Smith, said: \"no.\"");
        assertEquals(List.of("(", "Germany", "'s", ")", "U.S.", "envoy", ",", "Mr.", "Smith", ",", "said", ":", "\"", "no",
                ".", "\""), w.words(), "an abbreviation keeps its stop, as CoNLL-2003 writes Mr.; a sentence's stop does not");
        for (int i = 0; i < w.size(); i++) {
            assertEquals(w.word(i), w.text().substring(w.start(i), w.end(i)));
        }
        assertEquals(List.of("J.", "Smith", "joined", "Acme", "Corp.", "in", "Jan.", ",", "not", "Dr.", "No", "."),
                WordSequence.tokenized("J. Smith joined Acme Corp. in Jan., not Dr. No.").words(),
                "initials, company suffixes, months and titles keep their stops; other words do not");
        assertEquals(List.of("I", "met", "mr", "."), WordSequence.tokenized("I met mr.").words(), "abbreviations are case-sensitive");
    }

    @Test
    void baselineTagsWordsSeenInTraining() {
        MostFrequentTag b = MostFrequentTag.fit(train.sentences(), TagScheme.IOB2);
        List<TaggedSentence> seen = train.sentences().subList(0, 10);
        EntityMetrics.Scores s = b.score(seen);
        assertTrue(s.f1() > 0.5, "names seen in training are found: " + s.values());
        List<TaggedSentence> sentences = new ArrayList<>(List.of(TaggedSentence.onOneLine(List.of("Paris", "is", "far"),
                Tag.parseAll(List.of("B-LOC", "O", "O")), 0)));
        assertEquals(List.of(Tag.parseAll(List.of("B-LOC", "O", "O"))), b.predict(sentences));
    }
}
