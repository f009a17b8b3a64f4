package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.api.Graft;
import dev.graft.artifact.Prediction;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.DatasetSplits;
import dev.graft.data.Splits;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.model.text.OnnxTextEncoder;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.training.TrainConfig;
import dev.graft.util.Progress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end on local[2] with a few dozen rows: the Spark stages against the single-machine path, and
 * spark-train against single-machine feature extraction (what graft train runs). One Spark session for the class;
 * the spark-* commands reuse it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkIntegrationTest {

    @TempDir
    static Path tmp;

    static SparkSession spark;
    static Path trainCsv;
    static Path testCsv;
    static TextDataset testSet;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkSession.builder().master("local[2]").appName("graft-spark-test").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        Path root = Path.of(System.getProperty("graft.repo.root", ".."));
        TextDataset train = Splits.subsample(TextDataReader.read(root.resolve("examples/support-tickets/train.csv")), 48, 7);
        testSet = Splits.subsample(TextDataReader.read(root.resolve("examples/support-tickets/test.csv")), 24, 7);
        trainCsv = writeCsv(tmp.resolve("train.csv"), train.examples());
        testCsv = writeCsv(tmp.resolve("test.csv"), testSet.examples());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Path writeCsv(Path file, List<TextExample> rows) throws Exception {
        StringBuilder sb = new StringBuilder("text,label\n");
        for (TextExample e : rows) {
            sb.append('"').append(e.text().replace("\"", "\"\"")).append("\",").append(e.label()).append('\n');
        }
        return Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    static Dataset<Row> texts(List<String> texts, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create(i, texts.get(i)));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false).add("text", DataTypes.StringType, true);
        return spark.createDataFrame(rows, schema).repartition(partitions);
    }

    static String[] cli(String... args) {
        return SparkCliHarness.run(0, args);
    }

    @Test
    @Order(1)
    void embedderEqualsSingleMachineEncoderAndRecordsBadRows() {
        List<String> texts = new ArrayList<>();
        testSet.forEach(e -> texts.add(e.text()));
        List<String> withBad = new ArrayList<>(texts);
        withBad.add("   ");
        withBad.add(null);
        int loadsBefore = ExecutorModels.loads();
        List<Row> rows = new GraftEmbedder().setModel("minilm").setBatchSize(8).transform(texts(withBad, 3))
                .orderBy("id").collectAsList();
        TextModelSpec spec = TextModels.resolve("minilm");
        float[][] expected;
        try (OnnxTextEncoder enc = OnnxTextEncoder.open(spec, 2, 32)) {
            expected = enc.encode(texts, Progress.NONE);
        }
        double maxDiff = 0;
        for (int i = 0; i < texts.size(); i++) {
            Row r = rows.get(i);
            assertNull(r.getAs("error"));
            List<Float> v = r.getList(r.fieldIndex("embedding"));
            assertEquals(expected[i].length, v.size());
            for (int d = 0; d < v.size(); d++) {
                maxDiff = Math.max(maxDiff, Math.abs(v.get(d) - expected[i][d]));
            }
        }
        System.out.println("spark embedder vs OnnxTextEncoder.encode: max |diff| = " + maxDiff);
        assertTrue(maxDiff < 1e-5, "max diff " + maxDiff);
        for (int i = texts.size(); i < withBad.size(); i++) {
            Row r = rows.get(i);
            assertTrue(r.isNullAt(r.fieldIndex("embedding")));
            assertNotNull(r.getAs("error"));
        }
        assertEquals("text is empty", rows.get(texts.size()).getAs("error"));
        assertEquals("text is null", rows.get(texts.size() + 1).getAs("error"));
        // one encoder per JVM, shared by the 3 partitions and 2 task threads
        assertTrue(ExecutorModels.loads() - loadsBefore <= 1, "loads: " + (ExecutorModels.loads() - loadsBefore));
    }

    @Test
    @Order(2)
    void sparkTrainDriverHeadMatchesSingleMachineFeatureExtraction() throws Exception {
        Path graftModel = tmp.resolve("graft-model");
        Path sparkModel = tmp.resolve("spark-driver-model");
        // what `graft train --train TRAIN --test TEST --epochs 20` runs: the library's defaults, embeddings on this machine
        FeatureExtractionConfig config = FeatureExtractionConfig.defaults();
        config = config.withTraining(config.training().withEpochs(20)).withClosedFormHead(false); // --epochs: a gradient head
        DatasetSplits splits = Splits.withDatasets(TextDataReader.read(trainCsv), null, TextDataReader.read(testCsv), TrainConfig.DEFAULT_SEED);
        try (TrainingOutcome outcome = Graft.featureExtraction("minilm", splits, config)) {
            outcome.classifier().save(graftModel, outcome.provenance(), outcome.metricsDocument());
        }
        String[] r = cli("spark-train", "--master", "local[2]", "--input", trainCsv.toString(), "--test", testCsv.toString(),
                "--head", "driver", "--out", sparkModel.toString(), "--epochs", "20", "--partitions", "2");
        System.out.println(r[0]);
        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(graftModel.resolve("metrics.json").toFile());
        JsonNode b = json.readTree(sparkModel.resolve("metrics.json").toFile());
        for (String split : List.of("validation", "test")) {
            for (String k : List.of("accuracy", "macro_f1")) {
                assertEquals(a.path(split).path(k).asDouble(), b.path(split).path(k).asDouble(), 1e-12, split + " " + k);
            }
        }
        assertEquals(a.path("best_epoch").asInt(), b.path("best_epoch").asInt());
        // not just the (easy) scores: the whole training trajectory is the same
        assertEquals(a.path("history").size(), b.path("history").size());
        double maxLossDiff = 0;
        for (int i = 0; i < a.path("history").size(); i++) {
            for (String k : List.of("train_loss", "val_loss")) {
                maxLossDiff = Math.max(maxLossDiff, Math.abs(a.path("history").get(i).path(k).asDouble() - b.path("history").get(i).path(k).asDouble()));
            }
        }
        System.out.println("driver head vs single-machine feature extraction: max per-epoch loss difference " + maxLossDiff);
        assertTrue(maxLossDiff < 1e-6, "loss diff " + maxLossDiff);
        System.out.printf("single-machine test acc %.4f  spark-train driver test acc %.4f (best epoch %d / %d)%n",
                a.path("test").path("accuracy").asDouble(), b.path("test").path("accuracy").asDouble(),
                a.path("best_epoch").asInt(), b.path("best_epoch").asInt());
    }

    @Test
    @Order(3)
    void sparkTrainMllibHeadIsSoftmaxOfItsCoefficientsAndScoresClose() throws Exception {
        Path mllibModel = tmp.resolve("spark-mllib-model");
        String[] r = cli("spark-train", "--master", "local[2]", "--input", trainCsv.toString(), "--val", testCsv.toString(),
                "--test", testCsv.toString(), "--head", "mllib", "--out", mllibModel.toString());
        System.out.println(r[0]);
        JsonNode m = new ObjectMapper().readTree(mllibModel.resolve("metrics.json").toFile());
        assertTrue(m.path("max_probability_difference_vs_mllib").asDouble() < 1e-5, m.toString());
        JsonNode g = new ObjectMapper().readTree(tmp.resolve("graft-model/metrics.json").toFile());
        double mllibAcc = m.path("test").path("accuracy").asDouble();
        double graftAcc = g.path("test").path("accuracy").asDouble();
        System.out.printf("test accuracy: single-machine %.4f, spark-train --head mllib %.4f%n", graftAcc, mllibAcc);
        assertTrue(Math.abs(mllibAcc - graftAcc) <= 0.10, "mllib " + mllibAcc + " vs graft " + graftAcc);
        // a normal Graft model: loads (checksums verified) and predicts
        try (TextClassifier c = TextClassifier.load(mllibModel)) {
            assertEquals(0, c.head().config().hiddenUnits());
            Prediction p = c.predict("I was charged twice for my subscription");
            assertNotNull(p.label());
        }
    }

    @Test
    @Order(4)
    void sparkPredictEqualsTextClassifierPredict() throws Exception {
        Path model = tmp.resolve("graft-model");
        Path out = tmp.resolve("predictions");
        Path input = tmp.resolve("predict.jsonl");
        StringBuilder sb = new StringBuilder();
        ObjectMapper json = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < testSet.size(); i++) {
            texts.add(testSet.get(i).text());
            sb.append(json.writeValueAsString(java.util.Map.of("id", i, "text", testSet.get(i).text()))).append('\n');
        }
        sb.append("{\"id\": 999, \"text\": \"\"}\n");
        Files.writeString(input, sb.toString());
        cli("spark-predict", "--master", "local[2]", "--input", input.toString(), "--model", model.toString(),
                "--output", out.toString(), "--partitions", "2");
        List<Row> rows = spark.read().parquet(out.toString()).orderBy("id").collectAsList();
        assertEquals(texts.size() + 1, rows.size());
        try (TextClassifier c = TextClassifier.load(model)) {
            List<Prediction> expected = c.predict(texts);
            double maxDiff = 0;
            for (int i = 0; i < texts.size(); i++) {
                Row r = rows.get(i);
                assertNull(r.getAs("error"));
                assertEquals(expected.get(i).label(), r.getAs("predictedLabel"));
                assertEquals(c.labels().indexOf(expected.get(i).label()), (int) (double) r.<Double>getAs("prediction"));
                List<Float> p = r.getList(r.fieldIndex("probability"));
                for (int k = 0; k < p.size(); k++) {
                    maxDiff = Math.max(maxDiff, Math.abs(p.get(k) - expected.get(i).probabilities()[k]));
                }
            }
            System.out.println("spark-predict vs TextClassifier.predict: same labels, max |prob diff| = " + maxDiff);
            assertTrue(maxDiff < 1e-5);
        }
        Row bad = rows.get(texts.size());
        assertEquals("text is empty", bad.getAs("error"));
        assertTrue(bad.isNullAt(bad.fieldIndex("predictedLabel")));
    }

    @Test
    @Order(5)
    void spreadsASingleFileOverTheCoresUnlessToldOtherwise() throws Exception {
        // one small CSV is one partition as read; on local[2] spark-embed must still use both cores
        assertEquals(1, spark.read().option("header", "true").csv(trainCsv.toString()).rdd().getNumPartitions());
        Path spread = tmp.resolve("spread.parquet");
        cli("spark-embed", "--master", "local[2]", "--input", trainCsv.toString(), "--output", spread.toString());
        assertEquals(2, nonEmptyParts(spread), "one part per core");
        Path single = tmp.resolve("single.parquet");
        cli("spark-embed", "--master", "local[2]", "--input", trainCsv.toString(), "--output", single.toString(), "--partitions", "1");
        assertEquals(1, nonEmptyParts(single), "--partitions 1 is obeyed");
        assertEquals(48, spark.read().parquet(spread.toString()).count());
    }

    /** Spark writes one Parquet file per non-empty partition. */
    private static long nonEmptyParts(Path parquetDir) throws Exception {
        try (var files = Files.list(parquetDir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("part-") && n.endsWith(".parquet")).count();
        }
    }
}
