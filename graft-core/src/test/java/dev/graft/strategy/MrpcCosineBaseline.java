package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.DataOptions;
import dev.graft.data.QuoteMode;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.util.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not part of the test run (its name does not match surefire's patterns): the zero-shot baseline for
 * MRPC paraphrase pairs, the cosine similarity of the two frozen MiniLM sentence vectors with a threshold tuned for
 * accuracy on the training pairs. It embeds about 8,000 sentences (some 100 s on 2 cores, or none when the embedding
 * cache of a {@code graft train} run on the same files is shared through {@code -Dgraft.home}) and prints its figures:
 * <pre>
 * mvn -o -B verify -pl graft-core -Dtest=MrpcCosineBaseline -Dsurefire.failIfNoSpecifiedTests=false -Dgraft.home=$GRAFT_HOME
 * </pre>
 */
class MrpcCosineBaseline {

    @Test
    void mrpcCosineBaseline() {
        Path mrpc = Path.of(System.getProperty("graft.repo.root", ".")).resolve("../shared/data/text/mrpc").normalize();
        Assumptions.assumeTrue(Files.isRegularFile(mrpc.resolve("train.txt")), mrpc + " not present");
        DataOptions options = DataOptions.defaults().withQuote(QuoteMode.NONE).withLabelColumn("0").withTextColumn("3")
                .withTextPairColumn("4");
        TextDataset train = TextDataReader.read(mrpc.resolve("train.txt"), options);
        TextDataset dev = TextDataReader.read(mrpc.resolve("dev.txt"), options);
        TextModelSpec minilm = TextModels.resolve("minilm");
        FeatureExtraction fe = new FeatureExtraction(FeatureExtractionConfig.defaults());
        long t0 = System.nanoTime();
        double[] trainCos = Arrays.stream(fe.embeddings(minilm, train, Progress.NONE)).mapToDouble(PairCosineThresholdTest::cosine).toArray();
        double[] devCos = Arrays.stream(fe.embeddings(minilm, dev, Progress.NONE)).mapToDouble(PairCosineThresholdTest::cosine).toArray();
        double seconds = (System.nanoTime() - t0) / 1e9;
        boolean[] trainY = positives(train);
        boolean[] devY = positives(dev);
        double threshold = PairCosineThresholdTest.bestThreshold(trainCos, trainY);
        PairCosineThresholdTest.Scores onTrain = PairCosineThresholdTest.score(trainCos, trainY, threshold);
        PairCosineThresholdTest.Scores onDev = PairCosineThresholdTest.score(devCos, devY, threshold);
        System.out.printf(Locale.ROOT, "MRPC zero-shot cosine baseline (MiniLM, threshold %.4f tuned on %d train pairs: accuracy %.4f):"
                        + " dev accuracy %.4f, F1(1) %.4f over %d pairs; embeddings %.1f s%n", threshold, train.size(),
                onTrain.accuracy(), onDev.accuracy(), onDev.f1(), dev.size(), seconds);
        assertTrue(onDev.accuracy() > 0.6, onDev::toString);
    }

    private static boolean[] positives(TextDataset data) {
        boolean[] y = new boolean[data.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = "1".equals(data.get(i).label());
        }
        return y;
    }
}
