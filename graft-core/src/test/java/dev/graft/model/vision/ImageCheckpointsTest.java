package dev.graft.model.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.model.bert.WeightLoadException;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.pickle.TorchFiles;
import dev.graft.tensor.safetensors.SafeTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Published checkpoints in both file formats (safetensors, a torch zip pickle) load into Graft's ResNet and compute
 * what the plain-Java reference computes from the same tensors; architectures are recognised from published names
 * and from state dicts; a missing tensor is refused by name.
 */
class ImageCheckpointsTest {

    @TempDir
    Path tmp;

    @Test
    void torchZipAndSafetensorsOfOneStateDictMatchThePlainJavaReference() throws Exception {
        ResNetSpec spec = ResNetSpec.resnet34().withWidth(2);
        Map<String, TensorData> ckpt = ResNetTest.randomCheckpoint(spec, 5);
        Path st = tmp.resolve("r34.safetensors");
        SafeTensors.write(st, ckpt.values(), Map.of("format", "pt"));
        Path bin = TorchFiles.writeFloat32(tmp.resolve("resnet34.pth"), ckpt);
        assertEquals("resnet34", ImageCheckpoints.inferArchitecture(ImageCheckpoints.read(bin)));
        int n = 2;
        int hw = 32;
        float[] x = EfficientNetTest.randomImages(n, hw, 3);
        float[] expected = ResNetTest.Reference.resnet(ckpt, spec, x, n, hw);
        try (NDManager m = NDManager.newBaseManager()) {
            for (Path file : new Path[] {st, bin}) {
                VisionBackbone net = VisionBackbones.fromCheckpoint("resnet34", file, m);
                assertEquals(2, ((ResNetSpec) net.spec()).width(), "the width is read from the stem");
                float[] got = EfficientNetTest.features(net, x, n, hw, m);
                assertClose(expected, got, file.getFileName().toString());
            }
        }
    }

    /** Equal to float rounding: within 1e-5 of the largest magnitude (a deep random ResNet reaches thousands). */
    static void assertClose(float[] expected, float[] got, String what) {
        assertEquals(expected.length, got.length, what);
        double scale = 1;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1e-5 * scale, what + " at " + i);
        }
    }

    @Test
    void architecturesAreRecognisedByPublishedNameAndByTheirTensors() {
        assertEquals(Optional.of("resnet50"), ImageCheckpoints.architectureOf("resnet50.a1_in1k"));
        assertEquals(Optional.of("efficientnet-b0"), ImageCheckpoints.architectureOf("efficientnet_b0.ra_in1k"));
        assertEquals(Optional.empty(), ImageCheckpoints.architectureOf("tf_efficientnet_b0"));
        assertEquals("resnet18", ImageCheckpoints.inferArchitecture(ResNetTest.randomCheckpoint(ResNetSpec.resnet18().withWidth(1), 1)));
        assertEquals("resnet50", ImageCheckpoints.inferArchitecture(ResNetTest.randomCheckpoint(ResNetSpec.resnet50().withWidth(1), 1)));
        Map<String, TensorData> odd = new LinkedHashMap<>(ResNetTest.randomCheckpoint(ResNetSpec.resnet18().withWidth(1), 1));
        odd.keySet().removeIf(k -> k.startsWith("layer4.1."));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageCheckpoints.inferArchitecture(odd));
        assertTrue(e.getMessage().contains("[2, 2, 2, 1] blocks"), e.getMessage());
    }

    @Test
    void aMissingTensorIsRefusedByName() throws Exception {
        Map<String, TensorData> ckpt = new LinkedHashMap<>(ResNetTest.randomCheckpoint(ResNetSpec.resnet18().withWidth(2), 2));
        ckpt.remove("layer3.0.downsample.1.running_mean");
        Path bin = TorchFiles.writeFloat32(tmp.resolve("pytorch_model.bin"), ckpt);
        try (NDManager m = NDManager.newBaseManager()) {
            WeightLoadException e = assertThrows(WeightLoadException.class, () -> VisionBackbones.fromCheckpoint("resnet18", bin, m));
            assertTrue(e.getMessage().contains("missing 1 [layer3.0.downsample.1.running_mean]"), e.getMessage());
        }
    }
}
