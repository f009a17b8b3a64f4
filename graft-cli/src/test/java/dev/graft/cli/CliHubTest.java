package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.safetensors.SafeTensors;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft models pull} and {@code graft models info} against a loopback server shaped like the Hub. */
@org.junit.jupiter.api.extension.ExtendWith(PrivateGraftHome.class)
class CliHubTest {

    private static final String COMMIT = "1111111111222222222233333333334444444444";
    private static final String RESOLVE = "/acme/tiny/resolve/" + COMMIT + "/";
    private static final List<String> PROPS = List.of("HF_ENDPOINT", "HF_HOME", "HF_HUB_CACHE", "HF_TOKEN", "HF_HUB_OFFLINE");

    @TempDir
    Path tmp;
    HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    final Map<String, byte[]> files = new LinkedHashMap<>();

    @BeforeEach
    void start() throws Exception {
        serveTinyBert(10);
        files.put("vocab.txt", "[PAD]\n".getBytes(StandardCharsets.UTF_8));
        files.put("README.md", "---\nlicense: cc-by-nc-4.0\n---\n".getBytes(StandardCharsets.UTF_8));
        startServer();
    }

    /** Puts a one-layer, 4-wide BERT with a {@code vocab}-token embedding into the served repository. */
    private void serveTinyBert(int vocab) throws IOException {
        List<TensorData> w = TinyBertCheckpoint.tensors(vocab);
        TinyBertCheckpoint.tensor(w, "classifier.weight", 2, 4);
        Path st = tmp.resolve("w" + vocab + ".safetensors");
        SafeTensors.write(st, w, Map.of());
        files.put("config.json", TinyBertCheckpoint.config(vocab));
        files.put("model.safetensors", Files.readAllBytes(st));
    }

    private void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            String path = ex.getRequestURI().getPath();
            byte[] body;
            if (path.equals("/api/models/acme/tiny/revision/main")) {
                StringBuilder sb = new StringBuilder("{\"sha\":\"" + COMMIT + "\",\"siblings\":[");
                files.keySet().forEach(f -> sb.append(sb.charAt(sb.length() - 1) == '[' ? "" : ",")
                        .append("{\"rfilename\":\"").append(f).append("\"}"));
                body = sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            } else if (path.startsWith(RESOLVE) && files.containsKey(path.substring(RESOLVE.length()))) {
                body = files.get(path.substring(RESOLVE.length()));
                ex.getResponseHeaders().set("X-Repo-Commit", COMMIT);
                ex.getResponseHeaders().set("ETag", "\"" + gitOid(body) + "\"");
            } else {
                ex.getResponseHeaders().set("X-Error-Code", "RepoNotFound");
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
        System.setProperty("HF_ENDPOINT", "http://127.0.0.1:" + server.getAddress().getPort());
        System.setProperty("HF_HOME", tmp.resolve("hf").toString());
        System.setProperty("HF_HUB_CACHE", "");
        System.setProperty("HF_TOKEN", "");
        System.setProperty("HF_HUB_OFFLINE", "0");
    }

    @AfterEach
    void stop() {
        PROPS.forEach(System::clearProperty);
        server.stop(0);
    }


    private static String gitOid(byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void pullThenInfoFromTheCache() {
        CliHarness.Result pull = CliHarness.run("models", "pull", "acme/tiny", "-q");
        assertEquals(0, pull.code(), pull.toString());
        assertTrue(pull.out().contains("acme/tiny at commit " + COMMIT + ": 4 file(s) downloaded"), pull.toString());
        assertTrue(pull.out().contains("licence:   cc-by-nc-4.0"), pull.toString());
        assertTrue(pull.err().contains("does not allow commercial use"), pull.toString());
        Path snap = tmp.resolve("hf/hub/models--acme--tiny/snapshots").resolve(COMMIT);
        assertTrue(Files.isSymbolicLink(snap.resolve("model.safetensors")));

        int before = requests.get();
        CliHarness.Result info = CliHarness.run("models", "info", "hf:acme/tiny");
        assertEquals(0, info.code(), info.toString());
        assertEquals(before, requests.get(), "info of a cached model makes no request");
        String out = info.out();
        assertTrue(out.contains("architecture: BERT (model.safetensors)"), out);
        assertTrue(out.contains("parameters:   " + String.format("%,d", 10 * 4 + 8 * 4 + 2 * 4 + 8 + 4 * 20 + 4 * 4
                + 8 * 4 + 8 + 4 * 8 + 4)), out);
        assertTrue(out.contains("hidden size:  4") && out.contains("layers:       1") && out.contains("heads:        2"), out);
        assertTrue(out.contains("max length:   8 tokens"), out);
        assertTrue(out.contains("inputs:       input_ids, attention_mask, token_type_ids"), out);
        assertTrue(out.contains("tokenizer:    WordPiece (vocab.txt)"), out);
        assertTrue(out.contains("licence:      cc-by-nc-4.0 (NON-COMMERCIAL"), out);

        System.setProperty("HF_HUB_OFFLINE", "1");
        CliHarness.Result offline = CliHarness.run("models", "pull", "acme/tiny@v2", "-q");
        assertEquals(1, offline.code(), offline.toString());
        assertTrue(offline.err().contains("HF_HUB_OFFLINE=1 is set but acme/tiny@v2 is not in the cache"), offline.toString());
    }

    @Test
    void trainsFineTunesAndPredictsWithAHubModel() throws IOException {
        serveTinyBert(30522);
        try (var tok = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            files.put("tokenizer.json", tok.readAllBytes());
        }
        files.remove("vocab.txt");
        Path train = tmp.resolve("train.csv");
        StringBuilder rows = new StringBuilder("text,label\n");
        for (int i = 0; i < 8; i++) {
            rows.append("refund my payment ").append(i).append(",billing\n");
            rows.append("the app crashes ").append(i).append(",bug\n");
        }
        Files.writeString(train, rows.toString());
        for (String strategy : List.of("fine-tune", "feature-extraction")) {
            Path out = tmp.resolve("model-" + strategy);
            CliHarness.Result r = CliHarness.run("train", "--train", train.toString(), "--model", "hf:acme/tiny",
                    "--strategy", strategy, "--epochs", "1", "--out", out.toString(), "--no-track", "-q");
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.err().contains("cc-by-nc-4.0"), "the non-commercial licence is named: " + r);
            String provenance = Files.readString(out.resolve("provenance.json"));
            assertTrue(provenance.contains("cc-by-nc-4.0") && provenance.contains("acme/tiny"), provenance);
            Path input = tmp.resolve("in.txt");
            Files.writeString(input, "refund please\napp crashes\n");
            CliHarness.Result p = CliHarness.run("predict", "--model", out.toString(), "--input", input.toString());
            assertEquals(0, p.code(), p.toString());
            assertEquals(2, p.out().lines().count(), p.toString());
        }
        assertTrue(Files.isRegularFile(tmp.resolve("model-fine-tune/backbone/model.safetensors")),
                "fine-tuned encoder weights are saved with the model");
    }

    @Test
    void pullsATimmImageModelAndTrainsOnImagesWithItsPreprocessing() throws Exception {
        files.clear();
        files.put("config.json", ("{\"architecture\": \"resnet18.a1_in1k\", \"num_classes\": 3, \"pretrained_cfg\":"
                + " {\"input_size\": [3, 32, 32], \"crop_pct\": 0.9, \"mean\": [0.5, 0.5, 0.5], \"std\": [0.2, 0.2, 0.2]}}")
                .getBytes(StandardCharsets.UTF_8));
        List<TensorData> w = new java.util.ArrayList<>();
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(3);
            var net = new dev.graft.model.vision.ResNet(dev.graft.model.vision.ResNetSpec.resnet18().withWidth(4));
            net.initialize(m);
            w.addAll(dev.graft.model.vision.VisionWeights.export(net, true));
        }
        w.add(new TensorData("fc.weight", new long[] {3, 32}, new float[96]));
        w.add(new TensorData("fc.bias", new long[] {3}, new float[3]));
        Path st = tmp.resolve("timm.safetensors");
        SafeTensors.write(st, w, Map.of("format", "pt"));
        files.put("model.safetensors", Files.readAllBytes(st));
        files.put("README.md", "---\nlicense: apache-2.0\n---\n".getBytes(StandardCharsets.UTF_8));

        CliHarness.Result pull = CliHarness.run("models", "pull", "acme/tiny", "-q");
        assertEquals(0, pull.code(), pull.toString());
        assertTrue(pull.out().contains("image model: resnet18, input 32x32 (shorter side 35"), pull.toString());
        assertTrue(pull.out().contains("licence:   apache-2.0"), pull.toString());
        assertTrue(pull.out().contains("use it as: --model acme--tiny (or --model hf:acme/tiny)"), pull.toString());
        CliHarness.Result list = CliHarness.run("models", "list");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("acme--tiny") && l.contains("resnet18") && l.contains("apache-2.0")
                && l.contains("hf:acme/tiny@" + COMMIT)), list.toString());

        java.util.Random r = new java.util.Random(4);
        Path images = tmp.resolve("images");
        for (int i = 0; i < 8; i++) {
            ImageTrainReportTest.square(images.resolve("dark").resolve(i + ".png"), r, false);
            ImageTrainReportTest.square(images.resolve("light").resolve(i + ".png"), r, true);
        }
        int before = requests.get();
        for (String model : List.of("acme--tiny", "hf:acme/tiny")) {
            Path out = tmp.resolve("img-" + model.replace(':', '-').replace('/', '-'));
            CliHarness.Result t = CliHarness.run("train", "--train", images.toString(), "--model", model, "--strategy",
                    model.startsWith("hf:") ? "fine-tune" : "feature-extraction", "--epochs", "1", "--batch-size", "8",
                    "--no-baseline", "--no-track", "--out", out.toString(), "-q");
            assertEquals(0, t.code(), t.toString());
            String pre = Files.readString(out.resolve("preprocessor_config.json"));
            assertTrue(pre.replace(" ", "").contains("\"shortest_edge\":35") && pre.contains("0.2"), "the Hub preprocessing travels: " + pre);
            Path inputs = tmp.resolve("inputs.txt");
            Files.writeString(inputs, images.resolve("dark/0.png") + "\n" + images.resolve("light/0.png") + "\n");
            CliHarness.Result p = CliHarness.run("predict", "--model", out.toString(), "--input", inputs.toString());
            assertEquals(0, p.code(), p.toString());
            assertEquals(2, p.out().lines().count(), p.toString());
        }
        assertEquals(before, requests.get(), "a pulled image model trains from the cache without a request");
    }

    @Test
    void unknownRepositoryFailsClearly() {
        CliHarness.Result r = CliHarness.run("models", "pull", "acme/missing", "-q");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("no model acme/missing at revision 'main'"), r.toString());
        CliHarness.Result bad = CliHarness.run("models", "pull", "../etc", "-q");
        assertEquals(1, bad.code(), bad.toString());
        assertTrue(bad.err().contains("is not a Hub repository id"), bad.toString());
        assertFalse(bad.err().contains("Exception"), bad.toString());
    }

    @Test
    void helpIsClean() {
        for (String sub : List.of("pull", "info")) {
            CliHarness.Result r = CliHarness.run("models", sub, "--help");
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().startsWith("Usage: graft models " + sub) && !r.err().contains("WARN"), r.toString());
        }
    }

    @Test
    void infoOnTheBundledModel() {
        CliHarness.Result r = CliHarness.run("models", "info", "minilm");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("layers:       6") && r.out().contains("heads:        12")
                && r.out().contains("hidden size:  384") && r.out().contains("licence:      apache-2.0"), r.toString());
    }
}
