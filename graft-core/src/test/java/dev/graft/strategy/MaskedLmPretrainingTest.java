package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.data.DatasetSplits;
import dev.graft.data.Splits;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.bert.BertForMaskedLm;
import dev.graft.model.bert.BertModel;
import dev.graft.model.text.Pooling;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.training.FitResult;
import dev.graft.training.Learner;
import dev.graft.util.Hashes;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny BERT with MiniLM's tokenizer: pre-trained for a few steps, saved, resolved as a model directory and fine-tuned. */
class MaskedLmPretrainingTest {

    static final String[] WORDS = {"the", "kettle", "pan", "knife", "blender", "works", "broke", "great", "bad", "quickly",
            "after", "a", "week", "love", "it", "returned"};

    @TempDir
    Path tmp;

    /** A randomly initialised 2-layer, 16-wide BERT with the bundled MiniLM tokenizer, as a backbone directory. */
    private TextModelSpec tinyBase() throws Exception {
        Path dir = tmp.resolve("tiny-base");
        Files.createDirectories(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            Learner.seed(1);
            BertModel model = new BertModel(new BertConfig(30522, 16, 2, 2, 32, 64, 2, 1e-12));
            model.initialize(m);
            BertBackbone.save(model, dir);
        }
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, dir.resolve(TextModelSpec.TOKENIZER_FILE));
        }
        TextModelSpec spec = new TextModelSpec("tiny-bert", dir, Hashes.sha256(dir.resolve(BertBackbone.WEIGHTS_FILE)), 64,
                Pooling.MEAN, "apache-2.0", "test");
        TextModels.writeMetadata(spec, dir);
        return TextModels.resolve(dir.toString());
    }

    private static List<String> texts(int n, long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder();
            for (int w = 0; w < 6 + r.nextInt(6); w++) {
                b.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
            }
            out.add(b.toString().strip());
        }
        return out;
    }

    private static PretrainConfig config() {
        return new PretrainConfig(0.15, 2, 8, 1e-3, 1e-3, 0.01, 0.1, 1.0, 0.1, 0.1, 32, 7);
    }

    @Test
    void pretrainedBackboneIsSavedResolvedAndFineTuned() throws Exception {
        TextModelSpec base = tinyBase();
        Path out = tmp.resolve("adapted");
        float[] adaptedEmbeddings;
        float[] adaptedHeadBias;
        try (PretrainingOutcome run = new MaskedLmPretraining(config()).fit(base, texts(40, 2), List.of(), null, 1, false)) {
            FitResult fit = run.fit();
            assertEquals(2, fit.history().size());
            assertTrue(Double.isFinite(fit.best().valLoss()) && fit.best().valLoss() > 0);
            assertEquals(36, run.trainTexts());
            assertEquals(4, run.valTexts());
            run.save(out);
            adaptedEmbeddings = run.model().encoder().embeddings().wordEmbeddings().getArray().toFloatArray();
            adaptedHeadBias = run.model().head().namedParameters().get("bias").getArray().toFloatArray();
            assertFalse(run.headReused());
        }
        // the directory is a text model: resolve it and check it holds the adapted weights, not the base ones
        TextModelSpec adapted = TextModels.resolve(out.toString());
        assertEquals("tiny-bert+mlm", adapted.id());
        assertEquals(Pooling.MEAN, adapted.pooling());
        assertEquals(Hashes.sha256(out.resolve(BertBackbone.WEIGHTS_FILE)), adapted.sha256());
        assertFalse(adapted.hasOnnx());
        try (NDManager m = NDManager.newBaseManager()) {
            float[] loaded = BertBackbone.fromDirectory(out, m, 0f).embeddings().wordEmbeddings().getArray().toFloatArray();
            float[] original = BertBackbone.fromDirectory(base.directory(), m, 0f).embeddings().wordEmbeddings().getArray().toFloatArray();
            assertArrayEquals(adaptedEmbeddings, loaded);
            assertFalse(java.util.Arrays.equals(original, loaded), "pre-training changed the weights");
        }
        JsonNode report = new ObjectMapper().readTree(out.resolve(PretrainingOutcome.REPORT_FILE).toFile());
        assertEquals("tiny-bert", report.path("base_model").asText());
        assertEquals(2, report.path("history").size());
        assertTrue(report.path("mlm_head_init").asText().startsWith("random"));
        assertTrue(Files.isRegularFile(out.resolve(PretrainingOutcome.HEAD_FILE)));
        // pre-training the output again continues with its head instead of a random one
        try (NDManager m = NDManager.newBaseManager()) {
            BertForMaskedLm again = new BertForMaskedLm(BertBackbone.fromDirectory(out, m, 0f));
            again.initializeHead(m);
            assertTrue(MaskedLmPretraining.loadEarlierHead(adapted, again));
            assertArrayEquals(adaptedHeadBias, again.head().namedParameters().get("bias").getArray().toFloatArray());
            assertFalse(MaskedLmPretraining.loadEarlierHead(base, again), "a model without an MLM head keeps the random one");
        }

        // fine-tune a classifier on it: it starts from the pre-trained encoder and trains
        List<TextExample> labelled = new ArrayList<>();
        List<String> t = texts(48, 3);
        for (String s : t) {
            labelled.add(TextExample.of(s, s.contains("great") || s.contains("love") ? "pos" : "neg"));
        }
        DatasetSplits splits = Splits.stratified(TextDataset.of("toy", labelled), 0.25, 0, 5);
        FineTuneConfig ft = FineTuneConfig.defaults().withTraining(FineTuneConfig.defaults().training().withEpochs(2).withBatchSize(8));
        try (FineTuning.Prepared p = new FineTuning(ft).prepare(adapted, splits, List.of())) {
            assertArrayEquals(adaptedEmbeddings, p.model().encoder().embeddings().wordEmbeddings().getArray().toFloatArray());
            FitResult fit = p.learner().fit(p.train(), p.val());
            assertEquals(2, fit.history().size());
            assertTrue(Double.isFinite(fit.history().get(1).trainLoss()));
        }
    }

    /** The random MLM transform trains at {@code --head-lr} while the encoder (tied output table included) keeps its own rate. */
    @Test
    void headAndEncoderLearnAtTheirOwnRates() throws Exception {
        TextModelSpec base = tinyBase();
        float[] embeddingsBefore;
        try (NDManager m = NDManager.newBaseManager()) {
            embeddingsBefore = BertBackbone.fromDirectory(base.directory(), m, 0f).embeddings().wordEmbeddings().getArray().toFloatArray();
        }
        double[][] moved = new double[2][];
        double[] headRates = {1e-3, 1e-2};
        for (int i = 0; i < 2; i++) {
            PretrainConfig c = new PretrainConfig(0.15, 1, 8, 1e-6, headRates[i], 0.0, 0.1, 0.0, 0.0, 0.1, 32, 7);
            try (PretrainingOutcome run = new MaskedLmPretraining(c).fit(base, texts(40, 2), List.of(), null, 1, false)) {
                float[] emb = run.model().encoder().embeddings().wordEmbeddings().getArray().toFloatArray();
                float[] headBias = run.model().head().namedParameters().get("bias").getArray().toFloatArray();
                moved[i] = new double[] {maxAbs(emb, embeddingsBefore), maxAbs(headBias, new float[headBias.length])};
            }
        }
        // AdamW moves a weight by about lr per step: 4 steps at 1e-6 for the encoder, at 1e-3 / 1e-2 for the head
        assertTrue(moved[0][0] < 1e-5, "encoder moved " + moved[0][0]);
        assertTrue(moved[0][1] > 1e-4, "head moved " + moved[0][1]);
        assertEquals(moved[0][0], moved[1][0], 1e-7, "the head's rate does not change the encoder's");
        assertTrue(moved[1][1] > 5 * moved[0][1], "a 10x head rate moves the head further: " + moved[1][1] + " vs " + moved[0][1]);
    }

    private static double maxAbs(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void sameSeedSameRunAndOutputIsNeverWrittenOverForeignFiles() throws Exception {
        TextModelSpec base = tinyBase();
        double[] losses = new double[2];
        for (int i = 0; i < 2; i++) {
            PretrainConfig c = new PretrainConfig(0.15, 1, 8, 1e-3, 1e-3, 0.01, 0.1, 1.0, 0.1, 0.1, 32, 7);
            try (PretrainingOutcome run = new MaskedLmPretraining(c).fit(base, texts(24, 2), List.of(), null, 1, false)) {
                losses[i] = run.fit().history().get(0).trainLoss() + run.fit().history().get(0).valLoss();
                if (i == 0) {
                    Path foreign = tmp.resolve("foreign");
                    Files.createDirectories(foreign);
                    Files.writeString(foreign.resolve("notes.txt"), "mine");
                    assertThrows(IllegalArgumentException.class, () -> run.save(foreign));
                    assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));
                }
            }
        }
        assertEquals(losses[0], losses[1], 0.0);
        assertThrows(IllegalArgumentException.class, () -> new MaskedLmPretraining(config()).fit(base, List.of("one"), List.of(),
                null, 1, false));
    }
}
