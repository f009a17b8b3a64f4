package dev.graft.model.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.model.bert.HfArchitecture;
import dev.graft.model.bert.HfCheckpoint;
import dev.graft.model.bert.HfCheckpoints;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.util.Progress;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HubClient} against a real loopback HTTP server shaped like the Hub. */
class HubClientTest {

    static final String REPO = "tiny-org/tiny-bert";
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final String CONFIG = "{\"model_type\":\"bert\",\"architectures\":[\"BertModel\"],\"vocab_size\":20,"
            + "\"hidden_size\":8,\"num_hidden_layers\":1,\"num_attention_heads\":2,\"intermediate_size\":16,"
            + "\"max_position_embeddings\":16,\"type_vocab_size\":2,\"layer_norm_eps\":1e-12}";

    @TempDir
    Path tmp;
    HubTestServer server;
    Map<String, byte[]> files;

    /** A tiny BERT repository: config, random safetensors weights (about 10 KB), tokenizer, model card. */
    static Map<String, byte[]> tinyBertRepo(Path scratch) throws IOException {
        Random r = new Random(7);
        List<TensorData> tensors = new ArrayList<>();
        add(tensors, r, "embeddings.word_embeddings.weight", 20, 8);
        add(tensors, r, "embeddings.position_embeddings.weight", 16, 8);
        add(tensors, r, "embeddings.token_type_embeddings.weight", 2, 8);
        add(tensors, r, "embeddings.LayerNorm.weight", 8);
        add(tensors, r, "embeddings.LayerNorm.bias", 8);
        String p = "encoder.layer.0.";
        for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                "attention.output.dense")) {
            add(tensors, r, p + m + ".weight", 8, 8);
            add(tensors, r, p + m + ".bias", 8);
        }
        for (String ln : List.of("attention.output.LayerNorm", "output.LayerNorm")) {
            add(tensors, r, p + ln + ".weight", 8);
            add(tensors, r, p + ln + ".bias", 8);
        }
        add(tensors, r, p + "intermediate.dense.weight", 16, 8);
        add(tensors, r, p + "intermediate.dense.bias", 16);
        add(tensors, r, p + "output.dense.weight", 8, 16);
        add(tensors, r, p + "output.dense.bias", 8);
        add(tensors, r, "pooler.dense.weight", 8, 8);
        Path st = scratch.resolve("w-" + System.nanoTime() + ".safetensors");
        SafeTensors.write(st, tensors, Map.of("format", "pt"));
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put("config.json", CONFIG.getBytes(StandardCharsets.UTF_8));
        f.put("model.safetensors", Files.readAllBytes(st));
        f.put("tokenizer.json", "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{}}}".getBytes(StandardCharsets.UTF_8));
        f.put("tokenizer_config.json", "{\"model_max_length\":16,\"tokenizer_class\":\"BertTokenizer\"}"
                .getBytes(StandardCharsets.UTF_8));
        f.put("vocab.txt", "[PAD]\n[UNK]\n".getBytes(StandardCharsets.UTF_8));
        f.put("1_Pooling/config.json", "{\"pooling_mode_mean_tokens\":true}".getBytes(StandardCharsets.UTF_8));
        f.put("README.md", "---\nlicense: apache-2.0\ntags:\n- test\n---\n# Tiny\n".getBytes(StandardCharsets.UTF_8));
        f.put("flax_model.msgpack", new byte[] {1, 2, 3}); // not needed: never downloaded
        f.put("pytorch_model.bin", new byte[] {4, 5, 6}); // safetensors preferred: never downloaded
        return f;
    }

    private static void add(List<TensorData> out, Random r, String name, long... shape) {
        float[] d = new float[(int) TensorData.elementCount(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian() * 0.3f;
        }
        out.add(new TensorData(name, shape, d));
    }

    @BeforeEach
    void start() throws IOException {
        server = new HubTestServer();
        files = tinyBertRepo(tmp);
        server.addRepo(REPO, COMMIT, files, null);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HubClient client() {
        return new HubClient(HubSettings.of(server.endpoint(), tmp.resolve("hub")));
    }

    private Path repoDir() {
        return tmp.resolve("hub").resolve("models--tiny-org--tiny-bert");
    }

    @Test
    void pullsIntoThePythonCacheLayoutAndLoads() throws IOException {
        List<String> progress = new ArrayList<>();
        Progress p = new Progress() {
            @Override
            public void start(String task, long total) {
                progress.add(task + " " + total);
            }

            @Override
            public void step(long n) {
            }

            @Override
            public void done() {
            }
        };
        PulledModel m = client().pull(RepoRef.parse("hf:" + REPO), p);
        assertEquals(COMMIT, m.commit());
        assertEquals(List.of("1_Pooling/config.json", "README.md", "config.json", "model.safetensors",
                "tokenizer.json", "tokenizer_config.json", "vocab.txt"), m.files());
        assertEquals(7, m.downloaded());
        assertTrue(progress.contains("Downloading model.safetensors " + files.get("model.safetensors").length),
                progress.toString());

        Path snap = repoDir().resolve("snapshots").resolve(COMMIT);
        assertEquals(snap, m.directory());
        assertEquals(COMMIT, Files.readString(repoDir().resolve("refs/main")));
        String sha = HubTestServer.sha256(files.get("model.safetensors"));
        assertTrue(Files.isSymbolicLink(snap.resolve("model.safetensors")));
        assertEquals(Path.of("../../blobs/" + sha), Files.readSymbolicLink(snap.resolve("model.safetensors")));
        assertEquals(Path.of("../../../blobs/" + HubTestServer.gitBlobId(files.get("1_Pooling/config.json"))),
                Files.readSymbolicLink(snap.resolve("1_Pooling/config.json")));
        assertTrue(Files.isRegularFile(repoDir().resolve("blobs").resolve(sha)));
        try (Stream<Path> blobs = Files.list(repoDir().resolve("blobs"))) {
            assertTrue(blobs.noneMatch(b -> b.toString().endsWith(".incomplete")));
        }
        assertFalse(server.log.stream().anyMatch(l -> l.contains("flax") || l.contains("pytorch_model")), server.log.toString());

        HfCheckpoint c = HfCheckpoints.read(m.directory());
        assertEquals(HfArchitecture.BERT, c.architecture());
        assertEquals(List.of("pooler.dense.weight"), c.ignored());
    }

    @Test
    void secondPullDownloadsNothingAndOfflineUsesTheCache() throws IOException {
        client().pull(RepoRef.parse(REPO), Progress.NONE);
        int downloads = server.downloads.get();
        int requests = server.requests.get();

        PulledModel cached = client().pull(RepoRef.parse(REPO), Progress.NONE);
        assertEquals(0, cached.requests());
        assertEquals(requests, server.requests.get(), "a cached revision needs no request");

        PulledModel checked = client().pull(RepoRef.parse(REPO), HubClient.CachePolicy.CHECK_HUB, Progress.NONE);
        assertEquals(0, checked.downloaded());
        assertEquals(downloads, server.downloads.get(), "checking the Hub downloads no file again");
        assertEquals(requests + 1, server.requests.get(), "only the listing is asked for");

        HubClient offline = new HubClient(client().settings().withOffline(true));
        int before = server.requests.get();
        PulledModel o = offline.pull(RepoRef.parse(REPO), HubClient.CachePolicy.CHECK_HUB, Progress.NONE);
        assertEquals(COMMIT, o.commit());
        assertEquals(before, server.requests.get());
        assertEquals(o.commit(), offline.pull(RepoRef.parse(REPO + "@" + COMMIT), Progress.NONE).commit());
    }

    @Test
    void offlineWithoutTheModelSaysSo() {
        HubClient offline = new HubClient(client().settings().withOffline(true));
        HubException e = assertThrows(HubException.class, () -> offline.pull(RepoRef.parse(REPO), Progress.NONE));
        assertEquals(HubException.Kind.NOT_CACHED, e.kind());
        assertTrue(e.getMessage().contains("HF_HUB_OFFLINE=1") && e.getMessage().contains("graft models pull"),
                e.getMessage());
        assertEquals(0, server.requests.get());
    }

    @Test
    void resumesATruncatedDownloadWithRange() throws IOException {
        byte[] weights = files.get("model.safetensors");
        String sha = HubTestServer.sha256(weights);
        server.cutBlob = sha;
        HubException e = assertThrows(HubException.class, () -> client().pull(RepoRef.parse(REPO), Progress.NONE));
        assertEquals(HubException.Kind.NETWORK, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("again to resume"), e.getMessage());
        Path partial = repoDir().resolve("blobs").resolve(sha + ".incomplete");
        long have = Files.size(partial);
        assertTrue(have > 0 && have < weights.length, "partial " + have);

        PulledModel m = client().pull(RepoRef.parse(REPO), Progress.NONE);
        assertEquals(List.of("bytes=" + have + "-"), server.ranges);
        assertEquals(sha, dev.graft.util.Hashes.sha256(m.directory().resolve("model.safetensors")));
        assertFalse(Files.exists(partial));
    }

    @Test
    void resumesAfterThePullingProcessIsKilledMidFile() throws Exception {
        byte[] weights = files.get("model.safetensors");
        String sha = HubTestServer.sha256(weights);
        server.stallBlob = sha; // the weights arrive half-way, then the server holds the connection open
        Path log = tmp.resolve("child-pull.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PullMain.class.getName(), server.endpoint().toString(),
                tmp.resolve("hub").toString(), REPO).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path partial = repoDir().resolve("blobs").resolve(sha + ".incomplete");
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(partial) || Files.size(partial) < weights.length / 2) {
                assertTrue(child.isAlive(), () -> "the child pull ended early: " + read(log));
                assertTrue(System.nanoTime() < deadline, () -> "no partial download after 60 s: " + read(log));
                Thread.sleep(20);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
            child.waitFor();
        }
        server.releaseStall();
        long have = Files.size(partial);
        assertTrue(have >= weights.length / 2 && have < weights.length, "partial " + have + " of " + weights.length);

        server.ranges.clear();
        PulledModel m = client().pull(RepoRef.parse(REPO), Progress.NONE);
        assertEquals(List.of("bytes=" + have + "-"), server.ranges, "the second pull asks only for the missing bytes");
        assertEquals(sha, dev.graft.util.Hashes.sha256(m.directory().resolve("model.safetensors")));
        assertFalse(Files.exists(partial));
        System.out.printf("pull killed (SIGKILL) at %d of %d bytes; the next pull sent Range: bytes=%d- and verified SHA-256%n",
                have, weights.length, have);
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A pull in its own JVM, for the kill test: {@code ENDPOINT CACHE_DIR REPO}. */
    static final class PullMain {
        public static void main(String[] args) throws IOException {
            new HubClient(HubSettings.of(URI.create(args[0]), Path.of(args[1]))).pull(RepoRef.parse(args[2]), Progress.NONE);
        }
    }

    @Test
    void rejectsAChecksumMismatch() throws IOException {
        String sha = HubTestServer.sha256(files.get("model.safetensors"));
        server.corruptBlob = sha;
        HubException e = assertThrows(HubException.class, () -> client().pull(RepoRef.parse(REPO), Progress.NONE));
        assertEquals(HubException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage().contains("does not match the Hub's " + sha), e.getMessage());
        assertFalse(Files.exists(repoDir().resolve("blobs").resolve(sha)));
        assertFalse(Files.exists(repoDir().resolve("blobs").resolve(sha + ".incomplete")));
        server.corruptBlob = null;
        assertEquals(COMMIT, client().pull(RepoRef.parse(REPO), Progress.NONE).commit());
    }

    @Test
    void explainsAccessDeniedWithoutLeakingTheToken() throws IOException {
        server.addRepo("org/gated", COMMIT, files, "hf_secret_token_123");
        HubException e = assertThrows(HubException.class, () -> client().pull(RepoRef.parse("org/gated"), Progress.NONE));
        assertEquals(HubException.Kind.ACCESS_DENIED, e.kind());
        assertTrue(e.getMessage().contains("accept its licence") && e.getMessage().contains("HF_TOKEN"), e.getMessage());

        HubClient wrong = new HubClient(client().settings().withToken("hf_wrong_token_456"));
        e = assertThrows(HubException.class, () -> wrong.pull(RepoRef.parse("org/gated"), Progress.NONE));
        assertTrue(e.getMessage().contains("HF_TOKEN was not accepted"), e.getMessage());
        assertFalse(e.getMessage().contains("hf_wrong_token_456"));
        assertFalse(wrong.settings().toString().contains("hf_wrong_token_456"));

        HubClient right = new HubClient(client().settings().withToken("hf_secret_token_123"));
        PulledModel m = right.pull(RepoRef.parse("org/gated"), Progress.NONE);
        assertEquals(7, m.downloaded());
        try (Stream<Path> all = Files.walk(tmp.resolve("hub"))) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("hf_secret_token"),
                        "token stored in " + f);
            }
        }
    }

    @Test
    void explainsMissingRepositoriesRevisionsAndNetworkFailures() throws IOException {
        HubException e = assertThrows(HubException.class, () -> client().pull(RepoRef.parse("nobody/nothing"),
                Progress.NONE));
        assertEquals(HubException.Kind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("no model nobody/nothing at revision 'main'"), e.getMessage());
        e = assertThrows(HubException.class, () -> client().pull(RepoRef.parse(REPO + "@v9"), Progress.NONE));
        assertTrue(e.getMessage().contains("revision 'v9' does not exist"), e.getMessage());

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HubClient down = new HubClient(HubSettings.of(URI.create("http://127.0.0.1:" + port), tmp.resolve("hub")));
        e = assertThrows(HubException.class, () -> down.pull(RepoRef.parse(REPO), Progress.NONE));
        assertEquals(HubException.Kind.NETWORK, e.kind());
        assertTrue(e.getMessage().contains("set HF_HUB_OFFLINE=1 to use models already in the cache"), e.getMessage());
    }

    @Test
    void readsACachePrePopulatedByPythonWithoutAnyRequest() throws IOException {
        // what huggingface_hub leaves behind: blobs named by ETag, relative symlinks, refs/main
        String commit = "fedcba9876543210fedcba9876543210fedcba98";
        Path repo = tmp.resolve("hub/models--tiny-org--tiny-bert");
        Files.createDirectories(repo.resolve("blobs"));
        Files.createDirectories(repo.resolve("refs"));
        Path snap = Files.createDirectories(repo.resolve("snapshots").resolve(commit));
        for (String name : List.of("config.json", "model.safetensors", "tokenizer.json", "README.md")) {
            byte[] content = files.get(name);
            String etag = HubTestServer.isLfs(name) ? HubTestServer.sha256(content) : HubTestServer.gitBlobId(content);
            Files.write(repo.resolve("blobs").resolve(etag), content);
            Files.createSymbolicLink(snap.resolve(name), Path.of("../../blobs/" + etag));
        }
        Files.writeString(repo.resolve("refs/main"), commit);

        PulledModel m = client().pull(RepoRef.parse("hf:" + REPO), Progress.NONE);
        assertEquals(commit, m.commit());
        assertEquals(0, server.requests.get());
        assertEquals(HfArchitecture.BERT, HfCheckpoints.read(m.directory()).architecture());
    }

    @Test
    void concurrentPullsEndWithOneValidBlob() throws Exception {
        server.slowMillis = 150;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<PulledModel> pull = () -> client().pull(RepoRef.parse(REPO), Progress.NONE);
            Future<PulledModel> a = pool.submit(pull);
            Future<PulledModel> b = pool.submit(pull);
            assertEquals(a.get().commit(), b.get().commit());
            assertEquals(7, a.get().downloaded() + b.get().downloaded(), "each blob downloaded once in total");
        } finally {
            pool.shutdownNow();
        }
        String sha = HubTestServer.sha256(files.get("model.safetensors"));
        try (Stream<Path> blobs = Files.list(repoDir().resolve("blobs"))) {
            List<String> names = blobs.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(7, names.size(), names.toString());
            assertTrue(names.contains(sha));
        }
        assertEquals(sha, dev.graft.util.Hashes.sha256(repoDir().resolve("blobs").resolve(sha)));
        assertEquals(7 + 0, server.downloads.get(), "no blob was downloaded twice");
    }

    /** Changes one byte in the middle of {@code file} in place, keeping its size. */
    private static void flipAByte(Path file) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 1);
        }
    }

    private static Progress recording(List<String> messages) {
        return new Progress() {
            @Override public void start(String task, long total) { }
            @Override public void step(long n) { }
            @Override public void done() { }
            @Override public void message(String text) {
                messages.add(text);
            }
        };
    }

    @Test
    void aCorruptedCachedBlobIsDetectedAndDownloadedAgain() throws IOException {
        client().pull(RepoRef.parse(REPO), Progress.NONE);
        String sha = HubTestServer.sha256(files.get("model.safetensors"));
        flipAByte(repoDir().resolve("blobs").resolve(sha));
        int downloads = server.downloads.get();

        List<String> messages = new ArrayList<>();
        PulledModel m = client().pull(RepoRef.parse(REPO), recording(messages));
        assertEquals(sha, dev.graft.util.Hashes.sha256(m.directory().resolve("model.safetensors")));
        assertEquals(1, m.downloaded());
        assertEquals(downloads + 1, server.downloads.get(), "only the corrupted file is downloaded again");
        assertTrue(messages.stream().anyMatch(t -> t.contains("model.safetensors") && t.contains("changed or corrupted")
                && t.contains("downloading it again")), messages.toString());
    }

    @Test
    void aCorruptedCachedBlobIsRefusedOfflineWithWhatToDo() throws IOException {
        client().pull(RepoRef.parse(REPO), Progress.NONE);
        Path blob = repoDir().resolve("blobs").resolve(HubTestServer.sha256(files.get("model.safetensors")));
        flipAByte(blob);
        HubClient offline = new HubClient(client().settings().withOffline(true));
        HubException e = assertThrows(HubException.class, () -> offline.pull(RepoRef.parse(REPO), Progress.NONE));
        assertEquals(HubException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains(blob.toString())
                && e.getMessage().contains("changed or corrupted") && e.getMessage().contains("graft models pull"), e.getMessage());
    }

    @Test
    void aCorruptedBlobSharedWithAnotherRevisionIsNotLinkedAgain() throws IOException {
        client().pull(RepoRef.parse(REPO), Progress.NONE);
        Path blob = repoDir().resolve("blobs").resolve(HubTestServer.sha256(files.get("model.safetensors")));
        flipAByte(blob);
        String other = "89abcdef0123456789abcdef0123456789abcdef";
        server.addRepo(REPO, other, files, null); // a new commit with the same weights
        PulledModel m = client().pull(RepoRef.parse(REPO + "@" + other), Progress.NONE); // its snapshot is new: the blob is reused
        assertEquals(other, m.commit());
        assertEquals(HubTestServer.sha256(files.get("model.safetensors")),
                dev.graft.util.Hashes.sha256(m.directory().resolve("model.safetensors")));
    }

    @Test
    void stalledDownloadTimesOutAndResumes() throws IOException {
        byte[] weights = files.get("model.safetensors");
        String sha = HubTestServer.sha256(weights);
        server.stallBlob = sha; // half the bytes, then silence with the connection held open
        HubClient impatient = new HubClient(client().settings().withReadTimeout(java.time.Duration.ofMillis(500)));
        HubException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> assertThrows(HubException.class, () -> impatient.pull(RepoRef.parse(REPO), Progress.NONE)),
                "a stalled download must not hang");
        assertEquals(HubException.Kind.NETWORK, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("no data received for 500 ms") && e.getMessage().contains("HF_HUB_DOWNLOAD_TIMEOUT")
                && e.getMessage().contains("again to resume"), e.getMessage());
        Path partial = repoDir().resolve("blobs").resolve(sha + ".incomplete");
        long have = Files.size(partial);
        assertTrue(have > 0 && have < weights.length, "the bytes received are kept: " + have);

        server.releaseStall();
        server.ranges.clear();
        PulledModel m = client().pull(RepoRef.parse(REPO), Progress.NONE);
        assertEquals(List.of("bytes=" + have + "-"), server.ranges, "the next pull asks only for the missing bytes");
        assertEquals(sha, dev.graft.util.Hashes.sha256(m.directory().resolve("model.safetensors")));
    }

    @Test
    void theDownloadTimeoutComesFromTheEnvironment() {
        assertEquals(HubSettings.DEFAULT_READ_TIMEOUT, HubSettings.fromLookup(name -> null).readTimeout());
        assertEquals(java.time.Duration.ofMillis(2500),
                HubSettings.fromLookup(name -> name.equals("HF_HUB_DOWNLOAD_TIMEOUT") ? "2.5" : null).readTimeout());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HubSettings.fromLookup(name -> name.equals("HF_HUB_DOWNLOAD_TIMEOUT") ? "soon" : null));
        assertTrue(e.getMessage().contains("HF_HUB_DOWNLOAD_TIMEOUT") && e.getMessage().contains("'soon'"), e.getMessage());
    }

    @Test
    void anOversizedConfigFromTheHubIsRefusedBeforeItIsDownloaded() {
        files.put("config.json", new byte[(4 << 20) + 1]); // all NUL, one byte over the limit
        server.addRepo(REPO, COMMIT, files, null);
        HubException e = assertThrows(HubException.class, () -> client().pull(RepoRef.parse(REPO), Progress.NONE));
        assertEquals(HubException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage().contains("config.json of " + REPO) && e.getMessage().contains(((4 << 20) + 1) + " bytes")
                && e.getMessage().contains("not downloaded"), e.getMessage());
        assertTrue(server.log.stream().noneMatch(l -> l.startsWith("GET") && l.endsWith("/config.json")), server.log.toString());
    }

    @Test
    void aConfigThatIsNotAJsonObjectIsRefusedAndNotCached() throws IOException {
        files.put("config.json", new byte[1000]); // NUL bytes
        server.addRepo(REPO, COMMIT, files, null);
        HubException e = assertThrows(HubException.class, () -> client().pull(RepoRef.parse(REPO), Progress.NONE));
        assertEquals(HubException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage().contains("config.json of " + REPO + " is not valid JSON") && e.getMessage().contains("discarded"),
                e.getMessage());
        assertFalse(Files.exists(repoDir().resolve("snapshots").resolve(COMMIT).resolve("config.json")));

        files.put("config.json", "[1, 2]".getBytes(StandardCharsets.UTF_8));
        server.addRepo(REPO, COMMIT, files, null);
        e = assertThrows(HubException.class, () -> client().pull(RepoRef.parse(REPO), Progress.NONE));
        assertTrue(e.getMessage().contains("should hold a JSON object but holds array"), e.getMessage());
    }
}
