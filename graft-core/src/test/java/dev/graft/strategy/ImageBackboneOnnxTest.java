package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.vision.VisionBackbones;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frozen image features use the backbone's ONNX file only for the input size it was imported with. */
class ImageBackboneOnnxTest {

    @TempDir
    Path dir;

    @Test
    void anOnnxExportServesOnlyItsOwnInputSize() throws Exception {
        PreprocessorConfig imported = PreprocessorConfig.imagenet();
        imported.write(dir.resolve(PreprocessorConfig.FILE));
        ImageBackbone atImportSize = new ImageBackbone("b", dir, "sha", "MIT", "test", imported);
        assertEquals(Optional.empty(), atImportSize.onnxFeatures(), "no ONNX file: the DJL module runs");

        Path onnx = Files.write(dir.resolve(VisionBackbones.ONNX), new byte[] {1});
        assertEquals(Optional.of(onnx), atImportSize.onnxFeatures());
        PreprocessorConfig small = new PreprocessorConfig(73, 64, 64, imported.rescaleFactor(), imported.doNormalize(),
                imported.mean(), imported.std());
        ImageBackbone resized = new ImageBackbone("b", dir, "sha", "MIT", "test", small);
        assertTrue(resized.onnxFeatures().isEmpty(), "a 64-px crop cannot run through a 224-px export");
    }
}
