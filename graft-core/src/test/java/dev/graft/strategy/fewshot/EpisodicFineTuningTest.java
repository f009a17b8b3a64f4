package dev.graft.strategy.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.util.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Prototypical-network training of the text encoder: the loss, and a real run on the bundled MiniLM. */
class EpisodicFineTuningTest {

    @Test
    void lossIsTheCrossEntropyOfScaledCosinesToTheMeanSupportEmbedding() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 2-way 2-shot 1 query: class 0 supports (1,0),(1,0.2) → prototype direction ~(1,0.1); class 1 (0,1),(0,1)
            NDArray emb = m.create(new float[] {1, 0, 1, 0.2f, 0, 1, 0, 1, 2, 0, 0, 3}, new ai.djl.ndarray.types.Shape(6, 2));
            double loss = EpisodicFineTuning.prototypicalLoss(emb, 2, 2, 1, m).getFloat();
            double p0x = 1 / Math.sqrt(1 + 0.01); // normalised (1, 0.1)
            double p0y = 0.1 / Math.sqrt(1.01);
            // query 0 = (1,0): cosines p0x and 0; query 1 = (0,1): cosines p0y and 1
            double l0 = -Math.log(Math.exp(10 * p0x) / (Math.exp(10 * p0x) + Math.exp(0)));
            double l1 = -Math.log(Math.exp(10) / (Math.exp(10 * p0y) + Math.exp(10)));
            assertEquals((l0 + l1) / 2, loss, 1e-5);
        }
    }

    private static final String[][] WORDS = {
            {"invoice", "refund", "charge", "billing", "payment", "receipt"},
            {"crash", "error", "freeze", "bug", "broken", "exception"},
            {"password", "login", "account", "username", "profile", "email"},
            {"feature", "idea", "suggest", "wish", "would love", "please add"}};

    @Test
    void trainsDeterministicallyAndLowersTheEpisodeLoss() {
        Random r = new Random(3);
        List<String> texts = new ArrayList<>();
        int[] labels = new int[40];
        for (int i = 0; i < 40; i++) {
            int c = i % 4;
            labels[i] = c;
            texts.add("the " + WORDS[c][r.nextInt(6)] + " thing from " + (r.nextBoolean() ? "today" : "yesterday") + " about my "
                    + WORDS[c][r.nextInt(6)]);
        }
        TextModelSpec spec = TextModels.resolve("minilm");
        EpisodicFineTuning.Config config = new EpisodicFineTuning.Config(new EpisodeSpec(2, 2, 2, 24, 5), 5e-5, 32);
        double[] first;
        try (EpisodicFineTuning.Result a = EpisodicFineTuning.train(spec, texts, labels, config, Progress.NONE)) {
            first = a.losses();
            assertEquals(24, first.length);
            assertTrue(a.meanLast(8) < a.meanFirst(8), "loss " + a.meanFirst(8) + " → " + a.meanLast(8));
            float[][] v = a.encoder().encode(texts.subList(0, 3), Progress.NONE);
            assertEquals(384, v[0].length);
            System.out.printf("episodic fine-tuning, 24 episodes: loss %.4f → %.4f%n", a.meanFirst(8), a.meanLast(8));
        }
        try (EpisodicFineTuning.Result b = EpisodicFineTuning.train(spec, texts, labels, config, Progress.NONE)) {
            assertArrayEquals(first, b.losses(), "same seed, same losses");
        }
        EpisodicFineTuning.Config tooMany = new EpisodicFineTuning.Config(new EpisodeSpec(5, 2, 2, 1, 5), 5e-5, 32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EpisodicFineTuning.train(spec, texts, labels, tooMany, Progress.NONE));
        assertTrue(e.getMessage().contains("at least 5 classes"), e.getMessage());
    }
}
