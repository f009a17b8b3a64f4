package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.vision.OnnxFeatureExtractor;
import dev.graft.model.vision.OnnxGraphBackbone;
import dev.graft.model.vision.VisionBackbones;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ImageBackbone.importOnnx} with a features node, on the shared ImageNet MobileNetV2s: the fp32 graph addressed
 * by its pooled node gives exactly the MobileNetV2-specific path's features (and stays fine-tunable); the int8 graph
 * (QLinear ops, which Graft cannot rebuild) extracts 1280-d features at its quantised pooled node, dequantised, close to
 * the fp32 network's, and is refused for fine-tuning; a wrong node is refused by name before anything is written.
 */
class GenericOnnxImportTest {

    private static final Path MODELS = Path.of(System.getProperty("graft.repo.root", "..")).resolve("../shared/models");

    @TempDir
    Path tmp;

    private static float[] images(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 3 * 224 * 224];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 0.8);
        }
        return x;
    }

    /** Two 224² crops of the shared electron-microscopy images, grey in three channels, ImageNet-normalised. */
    private static float[] realImages() throws Exception {
        Path dir = MODELS.resolve("../data/images/em_membrane/images");
        assumeTrue(Files.isRegularFile(dir.resolve("0.png")), dir + " is absent");
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        float[] x = new float[2 * 3 * 224 * 224];
        for (int i = 0; i < 2; i++) {
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(dir.resolve(i + ".png").toFile());
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 224; y++) {
                    for (int xx = 0; xx < 224; xx++) {
                        float v = (img.getRaster().getSample(144 + xx, 144 + y, 0) & 0xFF) / 255f;
                        x[((i * 3 + c) * 224 + y) * 224 + xx] = (v - mean[c]) / std[c];
                    }
                }
            }
        }
        return x;
    }

    @Test
    void thePooledNodeOfMobileNetV2GivesTheSpecificPathsFeatures() throws Exception {
        Path onnx = MODELS.resolve("mobilenetv2-12-dequantized-fp32.onnx");
        assumeTrue(Files.isRegularFile(onnx), onnx + " is absent");
        Path specific = tmp.resolve("specific");
        ImageBackbone.importOnnx(onnx, specific, "mnv2", "apache-2.0", PreprocessorConfig.imagenet());
        ImageBackbone generic = ImageBackbone.importOnnx(onnx, "n64_clip", tmp.resolve("generic"), "mnv2-generic", "apache-2.0",
                PreprocessorConfig.imagenet());
        assertEquals("mobilenetv2", VisionBackbones.configField(generic.directory(), "architecture", ""),
                "a MobileNetV2 read at its own pooled value stays fine-tunable");
        assertEquals("464_f", VisionBackbones.configField(generic.directory(), VisionBackbones.FEATURES_NODE_FIELD, ""));
        float[] x = images(2, 1);
        try (OnnxFeatureExtractor a = OnnxFeatureExtractor.open(specific.resolve(VisionBackbones.ONNX), 1);
             OnnxFeatureExtractor b = OnnxFeatureExtractor.open(generic.directory().resolve(VisionBackbones.ONNX), 1)) {
            float[][] fa = a.features(x, 2, 224, 224);
            float[][] fb = b.features(x, 2, 224, 224);
            assertEquals(1280, fb[0].length);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(fa[i], fb[i], 0f);
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(1280, generic.loadTrainable(m).featureDim());
        }
    }

    /**
     * A small CNN classifier written as ONNX: Conv 3→4 (3×3, padding 1) → Relu → GlobalAveragePool → Flatten
     * ("pooled") → Gemm to 10 classes.
     */
    private static byte[] tinyClassifier(float[] w, float[] bias) {
        var b = new dev.graft.tensor.onnx.OnnxGraphBuilder("tiny-cnn", 13);
        String in = b.input("image", dev.graft.tensor.onnx.OnnxDataType.FLOAT, "batch", 3, 32, 32);
        String conv = b.node("Conv", java.util.List.of(in, b.initializer("conv.weight", new long[] {4, 3, 3, 3}, w),
                b.initializer("conv.bias", new long[] {4}, bias)), "conv", dev.graft.tensor.onnx.OnnxAttr.ints("pads", 1, 1, 1, 1),
                dev.graft.tensor.onnx.OnnxAttr.ints("kernel_shape", 3, 3));
        String relu = b.node("Relu", java.util.List.of(conv), "relu");
        String gap = b.node("GlobalAveragePool", java.util.List.of(relu), "gap");
        String flat = b.node("Flatten", java.util.List.of(gap), "pooled");
        float[] fc = new float[40];
        java.util.Arrays.fill(fc, 0.1f);
        String logits = b.node("Gemm", java.util.List.of(flat, b.initializer("fc.weight", new long[] {10, 4}, fc),
                b.initializer("fc.bias", new long[] {10}, new float[10])), "logits", dev.graft.tensor.onnx.OnnxAttr.of("transB", 1L));
        b.output(logits, dev.graft.tensor.onnx.OnnxDataType.FLOAT, "batch", 10);
        return b.toModel();
    }

    @Test
    void anyOnnxClassifierGivesItsPooledFeaturesAndIsNotFineTuned() throws Exception {
        Random r = new Random(5);
        float[] w = new float[4 * 3 * 3 * 3];
        float[] bias = new float[4];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < 4; i++) {
            bias[i] = (float) r.nextGaussian() * 0.1f;
        }
        Path onnx = Files.write(tmp.resolve("tiny.onnx"), tinyClassifier(w, bias));
        PreprocessorConfig pre = new PreprocessorConfig(36, 32, 32, 1 / 255.0, true, new float[] {0.5f, 0.5f, 0.5f},
                new float[] {0.5f, 0.5f, 0.5f});
        ImageBackbone b = ImageBackbone.importOnnx(onnx, "pooled", tmp.resolve("tiny"), "tiny-cnn", "mit", pre);
        assertEquals(OnnxGraphBackbone.ARCHITECTURE, VisionBackbones.configField(b.directory(), "architecture", ""));
        assertEquals("4", VisionBackbones.configField(b.directory(), "feature_dim", ""));
        int n = 2;
        float[] x = new float[n * 3 * 32 * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[][] got;
        try (OnnxFeatureExtractor fx = OnnxFeatureExtractor.open(b.onnxFeatures().orElseThrow(), 1)) {
            got = fx.features(x, n, 32, 32);
        }
        for (int img = 0; img < n; img++) { // conv (padding 1) + relu + mean, by hand
            for (int o = 0; o < 4; o++) {
                double sum = 0;
                for (int yy = 0; yy < 32; yy++) {
                    for (int xx = 0; xx < 32; xx++) {
                        double v = bias[o];
                        for (int c = 0; c < 3; c++) {
                            for (int ky = 0; ky < 3; ky++) {
                                for (int kx = 0; kx < 3; kx++) {
                                    int iy = yy + ky - 1;
                                    int ix = xx + kx - 1;
                                    if (iy >= 0 && iy < 32 && ix >= 0 && ix < 32) {
                                        v += w[((o * 3 + c) * 3 + ky) * 3 + kx] * x[((img * 3 + c) * 32 + iy) * 32 + ix];
                                    }
                                }
                            }
                        }
                        sum += Math.max(0, v);
                    }
                }
                assertEquals(sum / (32 * 32), got[img][o], 1e-4, "image " + img + " channel " + o);
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(4, b.load(m).featureDim(), "the stand-in module carries the width for the head");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadTrainable(m));
            assertTrue(e.getMessage().contains("tiny-cnn") && e.getMessage().contains("feature-extraction"), e.getMessage());
        }
        IllegalArgumentException resized = assertThrows(IllegalArgumentException.class, () -> b.withImageSize(64).onnxFeatures());
        assertTrue(resized.getMessage().contains("32x32"), resized.getMessage());
    }

    @Test
    void anInt8ClassifierExtractsFeaturesButIsNotFineTuned() throws Exception {
        Path int8 = MODELS.resolve("mobilenetv2-12-int8.onnx");
        Path fp32 = MODELS.resolve("mobilenetv2-12-dequantized-fp32.onnx");
        assumeTrue(Files.isRegularFile(int8) && Files.isRegularFile(fp32), "the shared MobileNetV2s are absent");
        ImageBackbone b = ImageBackbone.importOnnx(int8, "464_quantized", tmp.resolve("int8"), "mnv2-int8", "apache-2.0",
                PreprocessorConfig.imagenet());
        assertEquals(OnnxGraphBackbone.ARCHITECTURE, VisionBackbones.configField(b.directory(), "architecture", ""));
        assertEquals("1280", VisionBackbones.configField(b.directory(), "feature_dim", ""));
        assertTrue(b.onnxFeatures().isPresent());
        float[] x = realImages();
        try (OnnxFeatureExtractor q = OnnxFeatureExtractor.open(b.onnxFeatures().get(), 1);
             OnnxFeatureExtractor f = OnnxFeatureExtractor.open(fp32, "n64_clip", 1)) {
            float[][] fq = q.features(x, 2, 224, 224);
            float[][] ff = f.features(x, 2, 224, 224);
            for (int i = 0; i < 2; i++) {
                double dot = 0;
                double nq = 0;
                double nf = 0;
                for (int j = 0; j < 1280; j++) {
                    dot += fq[i][j] * ff[i][j];
                    nq += fq[i][j] * fq[i][j];
                    nf += ff[i][j] * ff[i][j];
                }
                double cosine = dot / Math.sqrt(nq * nf);
                double normRatio = Math.sqrt(nq / nf);
                assertTrue(cosine > 0.95, "int8 and fp32 features of image " + i + " agree: cosine " + cosine);
                // the raw 8-bit codes would be ~50× larger; int8 activations drift (measured: cosine 0.97, norm ×1.25)
                assertTrue(Math.abs(normRatio - 1) < 0.4, "dequantised to the fp32 scale: norm ratio " + normRatio);
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadTrainable(m));
            assertTrue(e.getMessage().contains("mnv2-int8") && e.getMessage().contains("feature-extraction"), e.getMessage());
        }
        IllegalArgumentException resized = assertThrows(IllegalArgumentException.class, () -> b.withImageSize(96).onnxFeatures());
        assertTrue(resized.getMessage().contains("224x224"), resized.getMessage());
    }

    @Test
    void aWrongNodeIsRefusedByNameBeforeAnythingIsWritten() throws Exception {
        Path int8 = MODELS.resolve("mobilenetv2-12-int8.onnx");
        assumeTrue(Files.isRegularFile(int8), int8 + " is absent");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ImageBackbone.importOnnx(int8,
                "pool5", tmp.resolve("a"), "a", "unknown", PreprocessorConfig.imagenet()));
        assertTrue(missing.getMessage().contains("no node or value named 'pool5'")
                && missing.getMessage().contains("QLinearGlobalAveragePool"), missing.getMessage());
        IllegalArgumentException input = assertThrows(IllegalArgumentException.class, () -> ImageBackbone.importOnnx(int8,
                "input", tmp.resolve("b"), "b", "unknown", PreprocessorConfig.imagenet()));
        assertTrue(input.getMessage().contains("'input'"), input.getMessage());
        assertFalse(Files.exists(tmp.resolve("a")) || Files.exists(tmp.resolve("b")));
    }
}
