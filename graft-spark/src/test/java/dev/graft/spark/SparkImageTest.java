package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.Prediction;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageSplits;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.vision.ResNet;
import dev.graft.model.vision.ResNetSpec;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.ImageTransfer;
import dev.graft.training.TrainConfig;
import dev.graft.util.Progress;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image side of the Spark stages on local[2], against graft-core's single-machine paths: embeddings equal
 * {@link ImageTransfer#frozenFeatures}, predictions equal {@link ImageClassifier#predict}, a corrupt or missing
 * image is an error row. A tiny random ResNet backbone (DJL features) always runs; MobileNetV2 from
 * {@code ../shared} (ONNX Runtime features, the registered name {@code mobilenetv2}) runs when it is there.
 */
class SparkImageTest {

    @TempDir
    static Path tmp;

    static SparkSession spark;
    static Path images;
    static Path tinyBackbone;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkSession.builder().master("local[2]").appName("graft-spark-image-test").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        images = shapes(tmp.resolve("images"), 6, 1);
        tinyBackbone = Files.createDirectories(tmp.resolve("tiny-backbone"));
        try (NDManager m = NDManager.newBaseManager()) {
            dev.graft.training.Learner.seed(1);
            ResNet net = new ResNet(ResNetSpec.resnet18().withWidth(4));
            net.initialize(m);
            VisionBackbones.save(net, tinyBackbone, Map.of("id", "tiny-resnet", "license", "MIT"));
        }
        new PreprocessorConfig(36, 32, 32, 1 / 255.0, true, new float[] {0.5f, 0.5f, 0.5f}, new float[] {1f, 1f, 1f})
                .write(tinyBackbone.resolve(PreprocessorConfig.FILE));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Class folders circle/ and square/ of small PNGs (various sizes, so resizing and cropping matter). */
    static Path shapes(Path root, int perClass, long seed) throws Exception {
        Random r = new Random(seed);
        for (String c : new String[] {"circle", "square"}) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < perClass; i++) {
                int w = 40 + r.nextInt(30);
                int h = 40 + r.nextInt(30);
                BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(new Color(r.nextInt(60), r.nextInt(60), r.nextInt(60)));
                g.fillRect(0, 0, w, h);
                g.setColor(new Color(200 + r.nextInt(55), 200 + r.nextInt(55), 200 + r.nextInt(55)));
                int s = 14 + r.nextInt(10);
                int x = r.nextInt(w - s);
                int y = r.nextInt(h - s);
                if (c.equals("circle")) {
                    g.fillOval(x, y, s, s);
                } else {
                    g.fillRect(x, y, s, s);
                }
                g.dispose();
                ImageIO.write(img, "png", root.resolve(c).resolve(i + ".png").toFile());
            }
        }
        return root;
    }

    static Optional<Path> sharedMobileNet() {
        String root = System.getProperty("graft.repo.root", "..");
        return Stream.of(Path.of(root).resolve("../shared"), Path.of("../shared"), Path.of("../../shared"))
                .map(s -> s.resolve("models/mobilenetv2-12-dequantized-fp32.onnx")).filter(Files::isRegularFile).findFirst()
                .map(p -> p.toAbsolutePath().normalize());
    }

    static String[] cli(int expectedCode, String... args) {
        return SparkCliHarness.run(expectedCode, args);
    }

    /** A feature-extraction model on {@code backbone} (3 epochs, the library's other defaults), trained on this machine. */
    static void trainImageModel(ImageBackbone backbone, Path out) throws IOException {
        ImageSplits splits = ImageSplits.of(ImageDataReader.read(images), null, null, 0.1, 0.1, TrainConfig.DEFAULT_SEED);
        FeatureExtractionConfig fe = FeatureExtractionConfig.defaults();
        fe = fe.withTraining(fe.training().withEpochs(3)).withThreads(1);
        try (ImageTrainingOutcome outcome = ImageTransfer.featureExtraction(backbone, splits, fe, 1, Progress.NONE, List.of())) {
            outcome.save(out, outcome.provenance(), staging -> { });
        }
    }

    /** The single-machine frozen features of the image files of {@code folder}, by absolute path. */
    static Map<String, float[]> frozenFeatures(ImageBackbone backbone, Path folder) {
        ImageDataset data = ImageDataReader.read(folder);
        FeatureExtractionConfig fe = FeatureExtractionConfig.defaults().withThreads(1);
        fe = new FeatureExtractionConfig(fe.hiddenUnits(), fe.dropout(), fe.training(), fe.encodeBatchSize(), fe.threads(),
                tmp.resolve("feature-cache"));
        float[][] f = ImageTransfer.frozenFeatures(backbone, List.of(data), fe, 1, Progress.NONE).get(0);
        Map<String, float[]> out = new HashMap<>();
        for (int i = 0; i < data.size(); i++) {
            out.put(data.examples().get(i).file().toAbsolutePath().normalize().toString(), f[i]);
        }
        return out;
    }

    /** Rows (id, path) for the images of {@code folder} plus a corrupt file and a missing one, in 3 partitions. */
    static Dataset<Row> pathsWithBadRows(Map<String, float[]> good) throws Exception {
        Path corrupt = Files.write(tmp.resolve("corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 1, 2});
        List<String> paths = new ArrayList<>(good.keySet().stream().sorted().toList());
        paths.add(corrupt.toString());
        paths.add(tmp.resolve("missing.png").toString());
        paths.add(null);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            rows.add(RowFactory.create(i, paths.get(i)));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false).add("path", DataTypes.StringType, true);
        return spark.createDataFrame(rows, schema).repartition(3);
    }

    /** Max |diff| between the embeddings of {@code rows} and {@code expected}; asserts the bad rows' errors. */
    static double compareEmbeddings(List<Row> rows, Map<String, float[]> expected) {
        double maxDiff = 0;
        int n = expected.size();
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            assertNull(r.getAs("error"), () -> String.valueOf(r.getAs("error")));
            float[] e = expected.get(r.<String>getAs("path"));
            List<Float> v = r.getList(r.fieldIndex("embedding"));
            assertEquals(e.length, v.size());
            for (int d = 0; d < v.size(); d++) {
                maxDiff = Math.max(maxDiff, Math.abs(v.get(d) - e[d]));
            }
        }
        assertEquals(n + 3, rows.size());
        for (int i = n; i < n + 3; i++) {
            Row r = rows.get(i);
            assertTrue(r.isNullAt(r.fieldIndex("embedding")));
            assertNotNull(r.getAs("error"));
        }
        String corrupt = rows.get(n).getAs("error");
        assertTrue(corrupt.contains("corrupt.png"), corrupt);
        String missing = rows.get(n + 1).getAs("error");
        assertTrue(missing.contains("missing.png") && missing.contains("cannot read"), missing);
        assertEquals("image is null", rows.get(n + 2).getAs("error"));
        return maxDiff;
    }

    @Test
    void tinyBackboneEmbeddingsEqualFrozenFeaturesAndBadImagesAreErrorRows() throws Exception {
        ImageBackbone backbone = ImageBackbone.open(tinyBackbone);
        Map<String, float[]> expected = frozenFeatures(backbone, images);
        int loadsBefore = ExecutorModels.loads();
        List<Row> rows = new GraftEmbedder().setImageCol("path").setModel(tinyBackbone.toString()).setBatchSize(4)
                .transform(pathsWithBadRows(expected)).orderBy("id").collectAsList();
        double maxDiff = compareEmbeddings(rows, expected);
        double maxAbs = expected.values().stream().flatMapToDouble(v -> java.util.stream.IntStream.range(0, v.length).mapToDouble(i -> Math.abs(v[i])))
                .max().orElse(0);
        // libtorch's convolutions round differently for other batch sizes (Spark batches each partition's rows)
        System.out.println("spark image embedder (tiny ResNet, DJL) vs ImageTransfer.frozenFeatures: max |diff| = " + maxDiff
                + " (max |feature| " + maxAbs + ")");
        assertTrue(maxDiff <= 1e-5, "max diff " + maxDiff);
        assertTrue(ExecutorModels.loads() - loadsBefore <= 1, "one extractor per JVM");

        // bytes in: Spark's binaryFile source, its content column
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(images.toString());
        List<Row> fromBytes = new GraftEmbedder().setImageCol("content").setModel(tinyBackbone.toString()).transform(files)
                .select("path", "embedding", "error").collectAsList();
        assertEquals(expected.size(), fromBytes.size());
        double bytesDiff = 0;
        for (Row r : fromBytes) {
            assertNull(r.getAs("error"));
            float[] e = expected.get(Path.of(java.net.URI.create(r.getAs("path"))).toString());
            List<Float> v = r.getList(1);
            for (int d = 0; d < v.size(); d++) {
                bytesDiff = Math.max(bytesDiff, Math.abs(v.get(d) - e[d]));
            }
        }
        System.out.println("spark image embedder on binaryFile bytes vs frozenFeatures: max |diff| = " + bytesDiff);
        assertTrue(bytesDiff <= 1e-5, "bytes diff " + bytesDiff);
    }

    @Test
    void wrongColumnsAndModelsAreRefusedNamingTheParam() {
        Dataset<Row> ints = spark.createDataFrame(List.of(RowFactory.create(1)), new StructType().add("path", DataTypes.IntegerType));
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                () -> new GraftEmbedder().setImageCol("path").setModel(tinyBackbone.toString()).transformSchema(ints.schema()));
        assertTrue(a.getMessage().contains("imageCol") && a.getMessage().contains("binary"), a.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                () -> new GraftEmbedder().setImageCol("path").setInputCol("text").transformSchema(ints.schema()));
        assertTrue(b.getMessage().contains("inputCol") && b.getMessage().contains("imageCol"), b.getMessage());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> new GraftEmbedder().setImageCol("path").setModel(tmp.resolve("no-such-model").toString()).source(spark.sparkContext()));
        assertTrue(c.getMessage().contains("no-such-model") && c.getMessage().contains("ImageBackbone.importOnnx"), c.getMessage());
    }

    @Test
    void cliEmbedsAFolderAndPredictsWithAnImageModelLikeImageClassifier() throws Exception {
        // spark-embed on a folder of images: rows = image files, column path
        Path emb = tmp.resolve("emb.parquet");
        String[] r = cli(0, "spark-embed", "--master", "local[2]", "--input", images.toString(), "--model", tinyBackbone.toString(),
                "--output", emb.toString(), "--encode-batch-size", "5");
        System.out.println(r[0]);
        Map<String, float[]> expected = frozenFeatures(ImageBackbone.open(tinyBackbone), images);
        List<Row> rows = spark.read().parquet(emb.toString()).orderBy("path").collectAsList();
        assertEquals(expected.size(), rows.size());
        for (Row row : rows) {
            assertNull(row.getAs("error"));
            List<Float> v = row.getList(row.fieldIndex("embedding"));
            float[] e = expected.get(row.<String>getAs("path"));
            for (int d = 0; d < e.length; d++) {
                assertEquals(e[d], v.get(d), 1e-5f);
            }
        }
        // wrong combinations name the option
        String[] bad = cli(1, "spark-embed", "--master", "local[2]", "--input", images.toString(), "--model",
                tinyBackbone.toString(), "--text-column", "text", "--output", tmp.resolve("x").toString());
        assertTrue(bad[1].contains("--text-column") && bad[1].contains("--image-column"), bad[1]);

        // an image model trained on this machine, applied by spark-predict to a CSV of relative paths with bad rows
        Path model = tmp.resolve("image-model");
        trainImageModel(ImageBackbone.open(tinyBackbone), model);
        Path test = shapes(tmp.resolve("test-images"), 3, 2);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(test)) {
            files = walk.filter(f -> f.toString().endsWith(".png")).sorted().toList();
        }
        Files.write(test.resolve("broken.png"), new byte[] {1, 2, 3, 4});
        StringBuilder csv = new StringBuilder("id,image\n");
        for (int i = 0; i < files.size(); i++) {
            csv.append(i).append(',').append(test.relativize(files.get(i))).append('\n');
        }
        csv.append(files.size()).append(",broken.png\n");
        Path input = Files.writeString(test.resolve("to-predict.csv"), csv.toString());
        Path out = tmp.resolve("predictions");
        r = cli(0, "spark-predict", "--master", "local[2]", "--input", input.toString(), "--model", model.toString(),
                "--output", out.toString(), "--partitions", "2", "--encode-batch-size", "2");
        System.out.println(r[0]);
        List<Row> predicted = spark.read().parquet(out.toString()).orderBy("id").collectAsList();
        assertEquals(files.size() + 1, predicted.size());
        try (ImageClassifier c = ImageClassifier.load(model)) {
            List<Prediction> want = c.predict(files);
            double maxDiff = comparePredictions(predicted, want, c);
            System.out.println("spark-predict (image model, DJL) vs ImageClassifier.predict: same labels, max |prob diff| = " + maxDiff);
            assertTrue(maxDiff <= 1e-5, "prob diff " + maxDiff);
        }
        Row broken = predicted.get(files.size());
        assertTrue(broken.<String>getAs("error").contains("broken.png"), broken.<String>getAs("error"));
        assertTrue(broken.isNullAt(broken.fieldIndex("predictedLabel")));

        // a text column option with an image model is refused, naming the option
        String[] wrong = cli(1, "spark-predict", "--master", "local[2]", "--input", input.toString(), "--model",
                model.toString(), "--text-column", "image", "--output", tmp.resolve("y").toString());
        assertTrue(wrong[1].contains("--text-column"), wrong[1]);
    }

    static double comparePredictions(List<Row> rows, List<Prediction> want, ImageClassifier c) {
        double maxDiff = 0;
        for (int i = 0; i < want.size(); i++) {
            Row row = rows.get(i);
            assertNull(row.getAs("error"), () -> String.valueOf(row.getAs("error")));
            assertEquals(want.get(i).label(), row.getAs("predictedLabel"));
            assertEquals(c.labels().indexOf(want.get(i).label()), (int) (double) row.<Double>getAs("prediction"));
            List<Float> p = row.getList(row.fieldIndex("probability"));
            for (int k = 0; k < p.size(); k++) {
                maxDiff = Math.max(maxDiff, Math.abs(p.get(k) - want.get(i).probabilities()[k]));
            }
        }
        return maxDiff;
    }

    @Test
    void mobileNetFromSharedByRegisteredNameEqualsFrozenFeaturesOnOnnxRuntime() throws Exception {
        Optional<Path> onnx = sharedMobileNet();
        assumeTrue(onnx.isPresent(), "../shared/models/mobilenetv2-12-dequantized-fp32.onnx is absent");
        String before = System.getProperty("graft.home");
        System.setProperty("graft.home", tmp.resolve("graft-home").toString());
        try {
            ImageBackbone.importOnnx(onnx.get(), ImageBackbone.importedModels().resolve("mobilenetv2"), "mobilenetv2", "unknown",
                    PreprocessorConfig.imagenet()); // as `graft models import --onnx FILE` registers the name mobilenetv2
            ImageBackbone backbone = ImageBackbone.resolve("mobilenetv2");
            assertTrue(Files.isRegularFile(backbone.directory().resolve(VisionBackbones.ONNX)));
            Map<String, float[]> expected = frozenFeatures(backbone, images);
            List<Row> rows = new GraftEmbedder().setImageCol("path").setBatchSize(5) // model: mobilenetv2 by default for images
                    .transform(pathsWithBadRows(expected)).orderBy("id").collectAsList();
            double maxDiff = compareEmbeddings(rows, expected);
            System.out.println("spark image embedder (mobilenetv2, ONNX Runtime) vs ImageTransfer.frozenFeatures: max |diff| = " + maxDiff);
            assertTrue(maxDiff <= 1e-5, "max diff " + maxDiff);

            // a feature-extraction model on MobileNetV2 carries the ONNX file: spark-predict runs it on ONNX Runtime
            Path model = tmp.resolve("mobilenet-model");
            trainImageModel(ImageBackbone.resolve("mobilenetv2"), model);
            Path out = tmp.resolve("mobilenet-predictions");
            cli(0, "spark-predict", "--master", "local[2]", "--input", images.toString(), "--model", model.toString(),
                    "--output", out.toString());
            List<Row> predicted = spark.read().parquet(out.toString()).orderBy("path").collectAsList();
            List<Path> files = predicted.stream().map(p -> Path.of(p.<String>getAs("path"))).toList();
            try (ImageClassifier c = ImageClassifier.load(model)) {
                assertNotNull(c.onnxFeatures());
                double maxProb = comparePredictions(predicted, c.predict(files), c);
                System.out.println("spark-predict (mobilenetv2 model, ONNX Runtime) vs ImageClassifier.predict: max |prob diff| = " + maxProb);
                assertTrue(maxProb <= 1e-5, "prob diff " + maxProb);
            }
        } finally {
            if (before == null) {
                System.clearProperty("graft.home");
            } else {
                System.setProperty("graft.home", before);
            }
        }
    }
}
