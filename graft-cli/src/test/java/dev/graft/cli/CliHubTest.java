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
