package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.model.vision.ResNet;
import dev.graft.model.vision.ResNetSpec;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image backbones Graft wrote record their weights' checksum, which every use checks. */
class ImageBackboneIntegrityTest {

    @TempDir
    Path tmp;
    private String previousHome;

    @BeforeEach
    void ownGraftHome() {
        previousHome = System.getProperty("graft.home");
        System.setProperty("graft.home", tmp.resolve("home").toString());
    }

    @AfterEach
    void restoreGraftHome() {
        if (previousHome == null) {
            System.clearProperty("graft.home");
        } else {
            System.setProperty("graft.home", previousHome);
        }
    }

    private Path tinyBackbone() throws IOException {
        Path dir = TinyResNet.write(tmp.resolve("backbone"));
        return dir;
    }

    private static void editInPlace(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() - 8); // inside the last tensor's data: the file stays a valid safetensors file
            f.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        }
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
    }

    @Test
    void aChangedImageBackboneIsRefused() throws IOException {
        Path dir = tinyBackbone();
        Path weights = dir.resolve(VisionBackbones.SAFETENSORS);
        assertEquals(Hashes.sha256(weights), ImageBackbone.open(dir).sha256());
        editInPlace(weights);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageBackbone.open(dir));
        assertTrue(e.getMessage().contains(weights.toString()) && e.getMessage().contains("changed or corrupted")
                && e.getMessage().contains("SHA-256"), e.getMessage());
    }

    @Test
    void aCorruptedRandomVariantIsCreatedAgain() throws IOException {
        ImageBackbone pretrained = ImageBackbone.open(tinyBackbone());
        ImageBackbone random = pretrained.randomInit();
        Path weights = random.directory().resolve(VisionBackbones.SAFETENSORS);
        editInPlace(weights);
        assertNotEquals(random.sha256(), Hashes.sha256(weights));
        ImageBackbone again = pretrained.randomInit();
        assertEquals(random.sha256(), again.sha256(), "the same seed recreates the same weights");
        assertEquals(random.sha256(), Hashes.sha256(weights));
    }

    @Test
    void aSavedImageModelsFeatureOnnxFileIsCoveredByItsChecksum() throws IOException {
        Path onnx = Files.write(tmp.resolve("features.onnx"), new byte[64]); // stands in for the frozen backbone's export
        Path model = tmp.resolve("model");
        try (NDManager m = NDManager.newBaseManager()) {
            ResNet net = new ResNet(ResNetSpec.resnet18().withWidth(4));
            net.initialize(m);
            dev.graft.model.head.ClassifierHead head = new dev.graft.model.head.ClassifierHead(
                    new dev.graft.model.head.HeadConfig(net.featureDim(), 2, 0, 0.0));
            head.initialize(m);
            new dev.graft.artifact.ImageClassifier(net, head, dev.graft.data.LabelMap.of(java.util.List.of("a", "b")),
                    dev.graft.data.image.PreprocessorConfig.imagenet(), "feature-extraction", Map.of("id", "tiny"), m)
                    .withOnnxFeatures(onnx)
                    .save(model, new dev.graft.artifact.Provenance("2026-01-01T00:00:00Z", "feature-extraction", 1, Map.of(),
                            Map.of(), Map.of(), dev.graft.artifact.Versions.all(), Map.of(), java.util.List.of()), Map.of(), s -> { });
        }
        Path saved = model.resolve("backbone").resolve(VisionBackbones.ONNX);
        try (dev.graft.artifact.ImageClassifier loaded = dev.graft.artifact.ImageClassifier.load(model)) {
            assertEquals(saved.toAbsolutePath().normalize(), loaded.onnxFeatures().toAbsolutePath().normalize());
        }
        editInPlace(saved);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dev.graft.artifact.ImageClassifier.load(model));
        assertTrue(e.getMessage().contains(saved.toString()) && e.getMessage().contains("changed or corrupted"), e.getMessage());
    }
}
