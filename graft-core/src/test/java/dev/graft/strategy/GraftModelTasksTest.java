package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.artifact.GraftModel;
import dev.graft.artifact.ImageSegmenter;
import dev.graft.artifact.InputFields;
import dev.graft.artifact.InputKind;
import dev.graft.artifact.Json;
import dev.graft.artifact.ModelInput;
import dev.graft.artifact.ModelOutput;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.QuestionAnswerer;
import dev.graft.data.image.ImageDecoder;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.data.image.RgbImage;
import dev.graft.data.qa.SquadAnswer;
import dev.graft.data.qa.SquadDataset;
import dev.graft.data.qa.SquadQuestion;
import dev.graft.model.text.TextModels;
import dev.graft.model.vision.MobileNetV2;
import dev.graft.model.vision.seg.SegmentationNet;
import dev.graft.model.vision.seg.TinySpecs;
import dev.graft.serve.FilePrediction;
import dev.graft.serve.ModelServer;
import dev.graft.serve.ServeOptions;
import dev.graft.task.SegmentationTask;
import dev.graft.task.SpanTask;
import dev.graft.util.Progress;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Question answerers and segmenters through the one predictor type: {@link GraftModel#load} gives the model's own
 * class, its typed outputs equal the class's own API, and batch prediction of a data file
 * ({@link FilePrediction}) writes the same outputs.
 */
class GraftModelTasksTest {

    @TempDir
    Path tmp;

    private static final Provenance PROVENANCE = new Provenance("2026-01-01T00:00:00Z", "feature-extraction", 1, Map.of(),
            Map.of(), Map.of(), Map.of(), Map.of(), List.of());

    /** The outputs a server started on the model in {@code dir} answers to {@code body}. */
    private static JsonNode served(Path dir, String body) throws Exception {
        try (ModelServer server = ModelServer.start(GraftModel.load(dir), ServeOptions.defaults().withAddress("127.0.0.1", 0))) {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(server.uri().resolve("/v1/predict")).timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return Json.MAPPER.readTree(r.body()).get("outputs");
        }
    }

    @Test
    void aQuestionAnswererLoadsAndAnswersAsItsOwnApiDoes() throws Exception {
        String[][] facts = {{"Anna Keller", "Vienna", "pilot"}, {"Marco Rossi", "Naples", "baker"},
                {"Sophie Martin", "Lyon", "nurse"}, {"Jonas Berg", "Bergen", "teacher"}};
        List<SquadQuestion> qs = new ArrayList<>();
        for (String[] f : facts) {
            String context = f[0] + " was born in " + f[1] + ". Today " + f[0] + " works as a " + f[2] + ".";
            qs.add(new SquadQuestion(f[0] + "/where", "", context, "Where was " + f[0] + " born?",
                    List.of(new SquadAnswer(f[1], context.indexOf(f[1]))), false));
            qs.add(new SquadQuestion(f[0] + "/job", "", context, "What is the job of " + f[0] + "?",
                    List.of(new SquadAnswer(f[2], context.indexOf(f[2]))), false));
        }
        SquadDataset data = new SquadDataset(null, "0".repeat(64), SquadDataset.Format.JSONL, qs, List.of());
        FeatureExtractionConfig config = FeatureExtractionConfig.defaults().withCacheDir(tmp.resolve("cache"))
                .withTraining(FeatureExtractionConfig.defaults().training().withEpochs(3).withSeed(3));
        Path dir = tmp.resolve("qa");
        try (QuestionAnswering.Outcome out = QuestionAnswering.featureExtraction(TextModels.resolve("minilm"),
                new QuestionAnswering.Data(data, data, Optional.empty()), new QuestionAnswering.Windows(64, 16, 10, 20),
                config, Progress.NONE, List.of())) {
            out.answerer().save(dir, out.provenance(), out.metricsDocument(), s -> { });
        }
        List<ModelInput> inputs = qs.stream().<ModelInput>map(q -> new ModelInput.Question(q.question(), q.context())).toList();
        List<ModelOutput> outputs;
        try (GraftModel model = GraftModel.load(dir); QuestionAnswerer same = QuestionAnswerer.load(dir)) {
            assertInstanceOf(QuestionAnswerer.class, model);
            assertEquals(InputKind.QUESTION, model.inputKind());
            assertEquals(QuestionAnswerer.TASK, model.taskName());
            assertEquals(QuestionAnswerer.TASK, model.manifest().task());
            outputs = model.predictBatch(inputs);
            List<SpanTask.Answer> expected = same.answers(qs, Progress.NONE);
            for (int i = 0; i < qs.size(); i++) {
                ModelOutput.Answer a = assertInstanceOf(ModelOutput.Answer.class, outputs.get(i));
                SpanTask.Answer e = expected.get(i);
                assertEquals(e.text(), a.answer());
                assertEquals(e.start(), a.start());
                assertEquals(e.end(), a.end());
                assertEquals(e.score(), a.score(), 1e-9);
                if (a.start() >= 0) {
                    assertEquals(a.answer(), qs.get(i).context().substring(a.start(), a.end()));
                }
                JsonNode json = a.toJson(0);
                assertEquals(a.answer(), json.get("answer").asText());
                assertEquals(a.start(), json.get("start").asInt());
            }
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> model.predictBatch(List.of(new ModelInput.Text("no context"))));
            assertTrue(wrong.getMessage().contains("question"), wrong.getMessage());

            // a data file with question and context columns, predicted in batch, gives the same answers
            StringBuilder csv = new StringBuilder("id,question,context\n");
            for (SquadQuestion q : qs) {
                csv.append(q.id().replace(' ', '_')).append(",\"").append(q.question()).append("\",\"").append(q.context()).append("\"\n");
            }
            Path in = Files.writeString(tmp.resolve("questions.csv"), csv);
            Path written = tmp.resolve("answers.jsonl");
            FilePrediction.Summary summary = FilePrediction.predict(model, in, written, FilePrediction.Columns.DEFAULT, 0, null,
                    1 << 20, Progress.NONE);
            assertEquals(List.of("question", "context"), summary.inputs());
            List<String> lines = Files.readAllLines(written);
            assertEquals(qs.size(), lines.size());
            for (int i = 0; i < qs.size(); i++) {
                JsonNode row = Json.MAPPER.readTree(lines.get(i));
                assertEquals(((ModelOutput.Answer) outputs.get(i)).answer(), row.get("answer").asText(), lines.get(i));
            }
        }
        // a server answers a JSON question as the model does
        SquadQuestion first = qs.get(0);
        JsonNode http = served(dir, Json.MAPPER.createObjectNode().put("question", first.question()).put("context", first.context())
                .toString()).get(0);
        assertEquals(((ModelOutput.Answer) outputs.get(0)).answer(), http.get("answer").asText(), http.toString());
        assertEquals(((ModelOutput.Answer) outputs.get(0)).start(), http.get("start").asInt());
        // the fields of a JSON request build the same input
        ModelInput fromFields = ModelInput.fromFields(InputKind.QUESTION, Map.of("question", "Who?", "context", "Anna."),
                InputFields.DEFAULT, false);
        assertEquals(new ModelInput.Question("Who?", "Anna."), fromFields);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ModelInput.fromFields(InputKind.QUESTION, Map.of("question", "Who?"), InputFields.DEFAULT, false));
        assertTrue(missing.getMessage().contains("'context'"), missing.getMessage());
    }

    @Test
    void aSegmenterLoadsAndGivesTheMaskOfItsOwnApi() throws Exception {
        NDManager nd = NDManager.newBaseManager();
        nd.getEngine().setRandomSeed(1);
        MobileNetV2 encoder = new MobileNetV2(TinySpecs.mobileNetV2());
        encoder.initialize(nd);
        SegmentationNet net = new SegmentationNet(encoder, 2);
        net.initializeDecoder(nd);
        SegmentationTask task = new SegmentationTask(List.of("background", "foreground"), new int[] {0, 255}, -1, 1, 0, 64, 16);
        Path dir = tmp.resolve("seg");
        try (ImageSegmenter s = new ImageSegmenter(net, task, PreprocessorConfig.imagenet(), "fine-tune", Map.of("id", "tiny"), nd)) {
            s.save(dir, PROVENANCE, Map.of(), staging -> { });
        }
        Path image = tmp.resolve("images/a.png");
        Files.createDirectories(image.getParent());
        BufferedImage img = new BufferedImage(90, 50, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(7);
        for (int y = 0; y < 50; y++) {
            for (int x = 0; x < 90; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        ImageIO.write(img, "png", image.toFile());
        try (GraftModel model = GraftModel.load(dir); ImageSegmenter same = ImageSegmenter.load(dir)) {
            assertInstanceOf(ImageSegmenter.class, model);
            assertEquals(InputKind.IMAGE, model.inputKind());
            assertEquals(ImageSegmenter.TASK, model.taskName());
            int[] expected = same.predict(ImageDecoder.decode(image));
            List<ModelOutput> out = model.predictBatch(List.of(new ModelInput.ImageFile(image),
                    new ModelInput.ImageBytes(Files.readAllBytes(image), "a.png")));
            for (ModelOutput o : out) {
                ModelOutput.Mask m = assertInstanceOf(ModelOutput.Mask.class, o);
                assertEquals(90, m.width());
                assertEquals(50, m.height());
                long fg = java.util.Arrays.stream(expected).filter(c -> c == 1).count();
                assertEquals(Map.of("background", 90L * 50 - fg, "foreground", fg), m.pixels());
                BufferedImage mask = ImageIO.read(new ByteArrayInputStream(
                        Base64.getDecoder().decode(m.toJson(0).get("mask_png").asText())));
                int[] gray = mask.getRaster().getSamples(0, 0, 90, 50, 0, new int[90 * 50]);
                int[] want = java.util.Arrays.stream(expected).map(c -> task.classValues()[c]).toArray();
                assertArrayEquals(want, gray);
            }
            assertThrows(IllegalArgumentException.class, () -> out.get(0).withThreshold(0.5));

            // batch prediction of a file listing images writes each mask's summary
            Path in = Files.writeString(tmp.resolve("images.csv"), "image\nimages/a.png\n");
            Path written = tmp.resolve("masks.jsonl");
            FilePrediction.predict(model, in, written, FilePrediction.Columns.DEFAULT, 0, null, 1 << 20, Progress.NONE);
            JsonNode row = Json.MAPPER.readTree(Files.readAllLines(written).get(0));
            assertEquals(((ModelOutput.Mask) out.get(0)).pixels().get("foreground").longValue(),
                    row.get("pixels").get("foreground").asLong(), row.toString());
            assertEquals(out.get(0).toJson(0).get("mask_png").asText(), row.get("mask_png").asText());
        }
        // a server segments an image sent as base64 bytes alike
        JsonNode http = served(dir, Json.MAPPER.createObjectNode().put("image_base64",
                Base64.getEncoder().encodeToString(Files.readAllBytes(image))).toString()).get(0);
        try (GraftModel model = GraftModel.load(dir)) {
            ModelOutput.Mask m = (ModelOutput.Mask) model.predictBatch(List.of(new ModelInput.ImageFile(image))).get(0);
            assertEquals(m.toJson(0).get("mask_png").asText(), http.get("mask_png").asText());
            assertEquals(m.pixels().get("background").longValue(), http.get("pixels").get("background").asLong());
        }
    }
}
