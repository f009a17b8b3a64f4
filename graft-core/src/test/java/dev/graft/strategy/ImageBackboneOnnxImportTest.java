package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.vision.MobileNetV2Spec;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ImageBackbone#importOnnx}: what {@code graft models import --onnx} writes, and what it refuses. */
class ImageBackboneOnnxImportTest {

    @TempDir
    Path tmp;

    @Test
    void importsTheSharedMobileNetAsABackboneDirectory() throws Exception {
        Path onnx = Path.of(System.getProperty("graft.repo.root", "..")).resolve("../shared/models/mobilenetv2-12-dequantized-fp32.onnx");
        assumeTrue(Files.isRegularFile(onnx), onnx + " is absent");
        Path target = tmp.resolve("models/vision/mobilenetv2");
        Files.createDirectories(target.getParent());
        MobileNetV2Spec spec = ImageBackbone.importOnnx(onnx, target, "mobilenetv2", "apache-2.0", PreprocessorConfig.imagenet());
        assertEquals(17, spec.blocks().size());
        assertEquals(1280, spec.featureDim());
        assertEquals(1000, spec.numClasses());
        Path copy = target.resolve(VisionBackbones.ONNX);
        assertEquals(-1, Files.mismatch(onnx, copy), "model.onnx is a byte-for-byte copy");
        assertEquals(Hashes.sha256(onnx), VisionBackbones.configField(target, VisionBackbones.SHA256_FIELD, null));
        assertEquals("mobilenetv2", VisionBackbones.configField(target, "architecture", null));
        assertEquals("apache-2.0", VisionBackbones.configField(target, "license", null));
        ImageBackbone opened = ImageBackbone.open(target);
        assertEquals(Optional.of(copy), opened.onnxFeatures(), "frozen features run on the imported ONNX file");
    }

    @Test
    void refusesWhatIsNotAnOnnxFileBeforeWritingAnything() throws Exception {
        Path target = tmp.resolve("imported");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ImageBackbone.importOnnx(
                tmp.resolve("nowhere.onnx"), target, "x", "unknown", PreprocessorConfig.imagenet()));
        assertTrue(missing.getMessage().contains("nowhere.onnx") && missing.getMessage().contains("does not exist"), missing.getMessage());
        Path notOnnx = Files.writeString(tmp.resolve("notes.onnx"), "these are not the weights you are looking for");
        IOException garbled = assertThrows(IOException.class, () -> ImageBackbone.importOnnx(notOnnx, target, "x", "unknown",
                PreprocessorConfig.imagenet()));
        assertTrue(garbled.getMessage().contains("Malformed ONNX file") && garbled.getMessage().contains("notes.onnx"),
                garbled.getMessage());
        assertFalse(Files.exists(target), "nothing written");
    }
}
