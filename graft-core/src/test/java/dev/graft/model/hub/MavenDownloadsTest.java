package dev.graft.model.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.util.Hashes;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MavenDownloads} against a loopback Maven repository. */
class MavenDownloadsTest {

    @TempDir
    Path tmp;

    private MavenTestServer server;
    private byte[] jar;
    private MavenArtifact artifact;
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
    void start() throws IOException {
        server = new MavenTestServer();
        jar = new byte[300_000];
        new Random(7).nextBytes(jar);
        artifact = new MavenArtifact("org.example", "weights", "1.0", Hashes.sha256(new java.io.ByteArrayInputStream(jar)), jar.length);
        server.serve(artifact, jar);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private MavenSettings settings() {
        return MavenSettings.of(server.repository(), tmp.resolve("m2"), tmp.resolve("downloads"));
    }

    /** Downloads and returns the bytes {@code use} saw. */
    private byte[] download(MavenDownloads d) throws IOException {
        AtomicReference<byte[]> seen = new AtomicReference<>();
        d.download(artifact, progress, p -> seen.set(Files.readAllBytes(p)));
        return seen.get();
    }

    @Test
    void downloadsVerifiesHandsOnAndDeletesTheDownload() throws IOException {
        assertArrayEquals(jar, download(new MavenDownloads(settings())));
        assertEquals(1, server.requests.get());
        try (var left = Files.list(tmp.resolve("downloads"))) {
            assertEquals(List.of(artifact.fileName() + ".lock"), left.map(p -> p.getFileName().toString()).toList(),
                    "only the lock file stays");
        }
    }

    @Test
    void usesTheLocalRepositoryOnlyWithThePinnedBytes() throws IOException {
        MavenDownloads d = new MavenDownloads(settings());
        assertTrue(d.local(artifact, progress).isEmpty());
        Path local = d.localPath(artifact);
        assertEquals(tmp.resolve("m2/org/example/weights/1.0/weights-1.0.jar"), local);
        Files.createDirectories(local.getParent());
        Files.write(local, jar);
        assertEquals(local, d.local(artifact, progress).orElseThrow());

        byte[] changed = jar.clone();
        changed[10] ^= 1;
        Files.write(local, changed);
        assertTrue(d.local(artifact, progress).isEmpty(), "a copy with other bytes is not used");
        assertTrue(messages.get(0).contains("has SHA-256") && messages.get(0).contains("not using it"), messages::toString);
        assertEquals(0, server.requests.get(), "the local repository is read without a request");
    }

    @Test
    void resumesAnInterruptedDownloadWithRange() throws IOException {
        server.cutAfter = 100_000;
        MavenDownloads d = new MavenDownloads(settings());
        HubException cut = assertThrows(HubException.class, () -> download(d));
        assertEquals(HubException.Kind.NETWORK, cut.kind());
        assertTrue(cut.getMessage().contains("run the same command again to resume"), cut.getMessage());
        Path partial = tmp.resolve("downloads").resolve(artifact.fileName() + ".part");
        // the server sends 100,000 bytes and resets the connection; a reset may drop the last ones the client had not
        // read yet, so what is kept is what arrived: some bytes, at most those sent
        long kept = Files.size(partial);
        assertTrue(kept > 0 && kept <= 100_000, "the bytes received are kept: " + kept);

        assertArrayEquals(jar, download(d));
        assertEquals(List.of("bytes=" + kept + "-"), server.ranges, "the second try resumes where the first stopped");
        assertFalse(Files.exists(partial));
    }

    @Test
    void aStalledDownloadFailsAfterTheReadTimeoutAndKeepsItsBytes() throws IOException {
        server.stall = true;
        MavenDownloads d = new MavenDownloads(settings().withReadTimeout(Duration.ofMillis(300)));
        long started = System.nanoTime();
        HubException e = assertThrows(HubException.class, () -> download(d));
        assertTrue(System.nanoTime() - started < 20_000_000_000L, "failed on the read timeout, not the stall's minute");
        assertEquals(HubException.Kind.NETWORK, e.kind());
        assertTrue(e.getMessage().contains("no data received for 300 ms") && e.getMessage().contains(MavenSettings.READ_TIMEOUT_VARIABLE),
                e.getMessage());
        server.releaseStall();
        assertArrayEquals(jar, download(d));
        assertEquals(1, server.ranges.size(), "the second try resumed");
    }

    @Test
    void refusesBytesThatAreNotThePinnedJar() throws IOException {
        server.corrupt = true;
        MavenDownloads d = new MavenDownloads(settings());
        boolean[] used = {false};
        HubException e = assertThrows(HubException.class, () -> d.download(artifact, progress, p -> used[0] = true));
        assertEquals(HubException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage().contains("not the pinned " + artifact.sha256()), e.getMessage());
        assertFalse(used[0], "nothing is handed on");
        assertFalse(Files.exists(tmp.resolve("downloads").resolve(artifact.fileName() + ".part")), "the bad download is discarded");
    }

    @Test
    void saysWhatIsMissingUnreachableOrForbiddenOffline() throws IOException {
        MavenArtifact other = new MavenArtifact("org.example", "absent", "1.0", artifact.sha256(), artifact.size());
        HubException missing = assertThrows(HubException.class,
                () -> new MavenDownloads(settings()).download(other, progress, p -> { }));
        assertEquals(HubException.Kind.NOT_FOUND, missing.kind());
        assertTrue(missing.getMessage().contains("org/example/absent/1.0/absent-1.0.jar (HTTP 404)"), missing.getMessage());

        int before = server.requests.get();
        HubException offline = assertThrows(HubException.class,
                () -> new MavenDownloads(settings().withOffline(true)).download(artifact, progress, p -> { }));
        assertEquals(HubException.Kind.NOT_CACHED, offline.kind());
        assertTrue(offline.getMessage().contains(MavenSettings.OFFLINE_VARIABLE + " is set"), offline.getMessage());
        assertEquals(before, server.requests.get(), "offline makes no request");

        server.close();
        HubException down = assertThrows(HubException.class, () -> download(new MavenDownloads(settings())));
        assertEquals(HubException.Kind.NETWORK, down.kind());
        assertTrue(down.getMessage().contains("mvn dependency:get -Dartifact=org.example:weights:1.0"), down.getMessage());
    }

    @Test
    void settingsFromTheEnvironment() {
        MavenSettings s = MavenSettings.fromLookup(name -> switch (name) {
            case "GRAFT_MAVEN_REPOSITORY" -> "https://mirror.example/maven2/";
            case "GRAFT_OFFLINE" -> "1";
            case "maven.repo.local" -> tmp.resolve("repo").toString();
            case "GRAFT_DOWNLOAD_TIMEOUT" -> "2.5";
            default -> null;
        });
        assertEquals("https://mirror.example/maven2", s.repository().toString());
        assertTrue(s.offline());
        assertEquals(tmp.resolve("repo"), s.localRepository());
        assertEquals(Duration.ofMillis(2500), s.readTimeout());
        MavenSettings defaults = MavenSettings.fromLookup(name -> null);
        assertEquals(MavenSettings.CENTRAL, defaults.repository().toString());
        assertFalse(defaults.offline());
        assertTrue(defaults.localRepository().endsWith(Path.of(".m2", "repository")));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> MavenSettings.fromLookup(name -> name.equals("GRAFT_DOWNLOAD_TIMEOUT") ? "soon" : null));
        assertTrue(bad.getMessage().contains("GRAFT_DOWNLOAD_TIMEOUT must be a number of seconds"), bad.getMessage());
    }
}
