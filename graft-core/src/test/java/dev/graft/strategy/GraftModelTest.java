package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.artifact.GraftModel;
import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.InputFields;
import dev.graft.artifact.InputKind;
import dev.graft.artifact.ModelInput;
import dev.graft.artifact.ModelOutput;
import dev.graft.artifact.Prediction;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.TextClassifier;
import dev.graft.artifact.TokenClassifier;
import dev.graft.artifact.Versions;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageSplits;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TagScheme;
import dev.graft.data.tokens.TagSet;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.text.TextModels;
import dev.graft.task.TokenTask;
import dev.graft.training.Learner;
import dev.graft.util.Progress;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of saved model loads through {@link GraftModel#load} and predicts typed inputs as its own API does:
 * a text classifier trained here, an image regression model trained here, and a token classifier.
 */
class GraftModelTest {

    @TempDir
    Path tmp;

    @Test
    void aTextClassifierLoadsAndPredictsAsItsOwnApiDoes() throws Exception {
        Path dir = SmallModels.supportTickets(tmp.resolve("tickets"), tmp.resolve("cache"));
        List<String> texts = SmallModels.probe();
        try (GraftModel model = GraftModel.load(dir); TextClassifier same = TextClassifier.load(dir)) {
            assertInstanceOf(TextClassifier.class, model);
            assertEquals("text", model.modality());
            assertEquals("text-classification", model.taskName());
            assertEquals(InputKind.TEXT, model.inputKind());
            assertEquals(SmallModels.CLASSES, model.labelNames());
            assertEquals("feature-extraction", model.manifest().strategy());
            assertEquals("feature-extraction", model.provenance().strategy());
            List<ModelOutput> out = model.predictBatch(texts.stream().<ModelInput>map(ModelInput.Text::new).toList());
            List<Prediction> expected = same.predict(texts);
            for (int i = 0; i < texts.size(); i++) {
                ModelOutput.Classification c = assertInstanceOf(ModelOutput.Classification.class, out.get(i));
                assertEquals(SmallModels.CLASSES.get(i), c.label(), "the trained model puts " + texts.get(i) + " in its class");
                assertEquals(expected.get(i).label(), c.label());
                assertEquals(expected.get(i).probability(), c.score(), 1e-6);
                for (int k = 0; k < SmallModels.CLASSES.size(); k++) {
                    assertEquals(expected.get(i).probabilities()[k], c.probabilities().get(SmallModels.CLASSES.get(k)), 1e-6);
                }
                JsonNode json = c.toJson(2);
                assertEquals(c.label(), json.get("label").asText());
                assertEquals(c.label(), json.get("top_k").get(0).get("label").asText(), "top-k starts with the predicted class");
                assertTrue(json.get("top_k").get(0).get("score").asDouble() >= json.get("top_k").get(1).get("score").asDouble());
                assertEquals(3, json.get("probabilities").size());
            }
            ModelInput fromRow = ModelInput.fromFields(model.inputKind(), Map.of("text", texts.get(0)), InputFields.DEFAULT, false);
            ModelOutput.Classification alone = (ModelOutput.Classification) model.predictBatch(List.of(fromRow)).get(0);
            assertEquals("billing", alone.label(), "a row's fields give the same input");
            assertEquals(((ModelOutput.Classification) out.get(0)).score(), alone.score(), 1e-5, "padding aside, the same numbers");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predictBatch(
                    List.of(new ModelInput.Text("fine"), new ModelInput.TextPair("a", "b"))));
            assertTrue(e.getMessage().contains("input 1 is a text pair"), e.getMessage());
        }
    }

    @Test
    void anImageRegressionModelPredictsFilesAndBytesAlike() throws Exception {
        ImageDataset train = ImageDataReader.read(greyImages("train", 60, 1), TargetFormat.regression()).verify(1, false);
        ImageSplits splits = ImageSplits.of(train, null, null, 0.25, 0, 3);
        Path backboneDir = TinyResNet.write(tmp.resolve("backbone"));
        new PreprocessorConfig(32, 32, 32, 1 / 255.0, true, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})
                .write(backboneDir.resolve(PreprocessorConfig.FILE));
        FeatureExtractionConfig fe = FeatureExtractionConfig.defaults();
        fe = fe.withTraining(fe.training().withEpochs(60).withPatience(0)).withThreads(1).withCacheDir(tmp.resolve("cache"));
        Path dir = tmp.resolve("grey-model");
        try (var o = ImageTransfer.featureExtraction(ImageBackbone.open(backboneDir), splits, fe, 1, Progress.NONE, List.of())) {
            o.save(dir, o.provenance(), s -> { });
        }
        Path dark = tmp.resolve("train/0.png");
        Path light = tmp.resolve("train/1.png");
        try (GraftModel model = GraftModel.load(dir); ImageClassifier same = ImageClassifier.load(dir)) {
            assertInstanceOf(ImageClassifier.class, model);
            assertEquals("image-regression", model.taskName());
            assertEquals(InputKind.IMAGE, model.inputKind());
            assertEquals(TaskKind.REGRESSION, model.taskKind());
            String base64 = Base64.getEncoder().encodeToString(Files.readAllBytes(light));
            List<ModelOutput> out = model.predictBatch(List.of(new ModelInput.ImageFile(dark), new ModelInput.ImageFile(light),
                    ModelInput.fromFields(InputKind.IMAGE, Map.of("image_base64", base64), InputFields.DEFAULT, false)));
            float[][] expected = same.probabilities(List.of(dark, light));
            double d = assertInstanceOf(ModelOutput.Value.class, out.get(0)).value();
            double l = ((ModelOutput.Value) out.get(1)).value();
            assertEquals(expected[0][0], d, 1e-5);
            assertEquals(expected[1][0], l, 1e-5);
            assertEquals(l, ((ModelOutput.Value) out.get(2)).value(), 1e-6, "bytes predict as the file does");
            assertTrue(l > d, "the brighter image gets the larger value: " + d + " vs " + l);
            assertEquals(l, out.get(1).toJson(0).get("value").asDouble(), 0.0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelInput.fromFields(InputKind.IMAGE,
                    Map.of("image", dark.toString()), InputFields.DEFAULT, false));
            assertTrue(e.getMessage().contains("not allowed"), e.getMessage());
        }
    }

    @Test
    void aTokenClassifierLoadsAndFindsEntitiesWithOffsets() throws Exception {
        Learner.seed(5);
        TokenTask task = new TokenTask(new TagSet(List.of(Tag.parse("O"), Tag.parse("B-PER"), Tag.parse("I-PER"))),
                TagScheme.IOB2, 16);
        NDManager m = NDManager.newBaseManager();
        ClassifierHead head = new ClassifierHead(new HeadConfig(384, task.outputWidth(), 0, 0));
        head.initialize(m);
        Path dir = tmp.resolve("ner");
        try (TokenClassifier c = new TokenClassifier(TextModels.resolve("minilm"), null, head, task, "feature-extraction", m)) {
            c.save(dir, new Provenance("2026-01-01T00:00:00Z", "feature-extraction", 1, Map.of(), Map.of(), Map.of(),
                    Versions.all(), Map.of(), List.of()), Map.of(), s -> { });
        }
        List<String> texts = List.of("Yesterday Emma Walker flew to Lisbon.", "John Smith met Mary in Paris on Monday.");
        try (GraftModel model = GraftModel.load(dir); TokenClassifier same = TokenClassifier.load(dir)) {
            assertInstanceOf(TokenClassifier.class, model);
            assertEquals("text-token-classification", model.taskName());
            List<ModelOutput> out = model.predictBatch(texts.stream().<ModelInput>map(ModelInput.Text::new).toList());
            List<List<TokenClassifier.Entity>> expected = same.entities(texts, Progress.NONE);
            int found = 0;
            for (int i = 0; i < texts.size(); i++) {
                ModelOutput.Entities e = assertInstanceOf(ModelOutput.Entities.class, out.get(i));
                assertEquals(expected.get(i), e.entities());
                for (TokenClassifier.Entity entity : e.entities()) {
                    assertEquals(entity.text(), texts.get(i).substring(entity.start(), entity.end()));
                    found++;
                }
                assertEquals(e.entities().size(), e.toJson(0).get("entities").size());
            }
            assertTrue(found > 0, "an untrained head still tags some words as entities: " + out);
        }
    }

    @Test
    void aDirectoryThatIsNoModelIsRefusedNamingIt() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraftModel.load(empty));
        assertTrue(e.getMessage().contains(empty + " is not a Graft model directory"), e.getMessage());
    }

    /** {@code count} uniformly grey 32×32 PNGs (alternately dark and light) listed with their brightness in [0, 1]. */
    private Path greyImages(String name, int count, long seed) throws Exception {
        Random r = new Random(seed);
        Path dir = Files.createDirectories(tmp.resolve(name));
        StringBuilder csv = new StringBuilder("path,target\n");
        for (int i = 0; i < count; i++) {
            int grey = i % 2 == 0 ? r.nextInt(80) : 170 + r.nextInt(86);
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(grey, grey, grey));
            g.fillRect(0, 0, 32, 32);
            g.dispose();
            ImageIO.write(img, "png", dir.resolve(i + ".png").toFile());
            csv.append(name).append('/').append(i).append(".png,").append(String.format(Locale.ROOT, "%.5f", grey / 255.0)).append('\n');
        }
        Path file = tmp.resolve(name + ".csv");
        Files.writeString(file, csv);
        return file;
    }
}
