package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.model.hub.HubClient;
import dev.graft.model.hub.HubException;
import dev.graft.model.hub.HubSettings;
import dev.graft.model.hub.HubTestServer;
import dev.graft.model.hub.PulledModel;
import dev.graft.model.hub.RepoRef;
import dev.graft.model.vision.ResNet;
import dev.graft.model.vision.ResNetSpec;
import dev.graft.model.vision.VisionBackbone;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.pickle.TorchFiles;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.util.Progress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image models pulled from a loopback Hub: a timm-layout ResNet-18 ({@code model.safetensors} + {@code config.json}
 * with {@code pretrained_cfg}) and a torchvision state dict ({@code pytorch_model.bin}, a torch zip pickle, with a
 * config naming no architecture) are registered as backbones whose forward pass equals the direct checkpoint loader's
 * on the same weights (which {@code ImageCheckpointsTest} ties to a plain-Java reference); preprocessing and licence
 * travel with them; a corrupted download and a missing tensor are refused before anything is registered.
 */
class HubImageBackbonesTest {

    private static final String COMMIT = "abcdefabcdefabcdefabcdefabcdefabcdef0001";
    private static final ResNetSpec SPEC = ResNetSpec.resnet18().withWidth(4);
    private static final String TIMM_CONFIG = """
            {"architecture": "resnet18.a1_in1k", "num_classes": 5, "num_features": 32,
             "pretrained_cfg": {"input_size": [3, 64, 64], "crop_pct": 0.95, "interpolation": "bicubic",
                                "mean": [0.5, 0.4, 0.3], "std": [0.25, 0.2, 0.15], "classifier": "fc"}}""";

    @TempDir
    Path tmp;
    HubTestServer hub;
    Map<String, TensorData> weights;

    @BeforeEach
    void start() throws Exception {
        hub = new HubTestServer();
        weights = checkpoint(SPEC, 3);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void timmAndTorchvisionLayoutsPullToTheSameNetwork() throws Exception {
        Path st = tmp.resolve("ref.safetensors");
        SafeTensors.write(st, weights.values(), Map.of("format", "pt"));
        hub.addRepo("timm/resnet18.a1_in1k", COMMIT, Map.of("config.json", bytes(TIMM_CONFIG),
                "model.safetensors", Files.readAllBytes(st), "README.md", bytes("---\nlicense: apache-2.0\n---\n")), null);
        Path bin = TorchFiles.writeFloat32(tmp.resolve("resnet18.pth"), weights);
        hub.addRepo("vision/resnet18-tv", COMMIT, Map.of("config.json", bytes("{}"), "pytorch_model.bin", Files.readAllBytes(bin)), null);
        Path models = tmp.resolve("models");

        ImageBackbone timm = HubImageBackbones.register(pull("timm/resnet18.a1_in1k"), models);
        ImageBackbone tv = HubImageBackbones.register(pull("vision/resnet18-tv"), models);

        assertEquals(models.resolve("timm--resnet18.a1_in1k").toAbsolutePath(), timm.directory());
        assertEquals("apache-2.0", timm.license());
        assertEquals("unknown", tv.license());
        assertEquals("resnet18", VisionBackbones.configField(tv.directory(), "architecture", ""), "inferred from the state dict");
        assertEquals("hf:timm/resnet18.a1_in1k@" + COMMIT, timm.source());
        assertEquals("bicubic", VisionBackbones.configField(timm.directory(), "interpolation", ""));
        assertEquals(64, timm.preprocessing().cropHeight());
        assertEquals(67, timm.preprocessing().shortestEdge(), "floor(64 / 0.95), as timm resizes");
        assertArrayEquals(new float[] {0.5f, 0.4f, 0.3f}, timm.preprocessing().mean());
        assertArrayEquals(new float[] {0.25f, 0.2f, 0.15f}, timm.preprocessing().std());
        assertEquals(224, tv.preprocessing().cropHeight(), "a config without pretrained_cfg takes ImageNet's");
        // registered: resolvable by name, listed, and not imported again for the same commit
        assertEquals(timm.directory(), ImageBackbone.open(models.resolve("timm--resnet18.a1_in1k")).directory());
        long before = Files.getLastModifiedTime(timm.directory().resolve(VisionBackbones.CONFIG)).toMillis();
        Thread.sleep(20);
        HubImageBackbones.register(pull("timm/resnet18.a1_in1k"), models);
        assertEquals(before, Files.getLastModifiedTime(timm.directory().resolve(VisionBackbones.CONFIG)).toMillis());

        int n = 2;
        int hw = 40;
        float[] x = new float[n * 3 * hw * hw];
        Random r = new Random(9);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] reference = features(VisionBackbones.fromCheckpoint("resnet18", st, m), x, n, hw, m);
            float[] fromTimm = features(timm.load(m), x, n, hw, m);
            float[] fromTorchvision = features(tv.load(m), x, n, hw, m);
            assertArrayEquals(reference, fromTimm, 1e-5f);
            assertArrayEquals(reference, fromTorchvision, 1e-5f);
            ResNet fresh = new ResNet(SPEC);
            fresh.initialize(m);
            float[] other = features(fresh, x, n, hw, m);
            double diff = 0;
            for (int i = 0; i < other.length; i++) {
                diff += Math.abs(other[i] - reference[i]);
            }
            assertTrue(diff > 1e-2, "the pulled weights were loaded (features differ from a fresh network's)");
        }
    }

    @Test
    void aCorruptedDownloadIsRefusedAndNothingIsRegistered() throws Exception {
        Path st = tmp.resolve("w.safetensors");
        SafeTensors.write(st, weights.values(), Map.of());
        byte[] w = Files.readAllBytes(st);
        hub.addRepo("acme/resnet", COMMIT, Map.of("config.json", bytes(TIMM_CONFIG), "model.safetensors", w), null);
        hub.corruptBlob = HubTestServer.sha256(w);
        HubException e = assertThrows(HubException.class, () -> pull("acme/resnet"));
        assertEquals(HubException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("models")));
    }

    @Test
    void aMissingTensorOrAnUnknownArchitectureIsRefusedByName() throws Exception {
        Map<String, TensorData> lacking = new LinkedHashMap<>(weights);
        lacking.remove("layer2.0.downsample.0.weight");
        Path bin = TorchFiles.writeFloat32(tmp.resolve("lacking.bin"), lacking);
        hub.addRepo("acme/lacking", COMMIT, Map.of("config.json", bytes(TIMM_CONFIG), "pytorch_model.bin", Files.readAllBytes(bin)), null);
        Path models = tmp.resolve("models");
        PulledModel pulled = pull("acme/lacking");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HubImageBackbones.register(pulled, models));
        assertTrue(e.getMessage().contains("missing 1 [layer2.0.downsample.0.weight]"), e.getMessage());
        assertTrue(e.getMessage().contains("acme/lacking"), e.getMessage());
        assertFalse(Files.exists(models.resolve("acme--lacking")));

        Path st = tmp.resolve("w.safetensors");
        SafeTensors.write(st, weights.values(), Map.of());
        hub.addRepo("acme/vit", COMMIT, Map.of("config.json", bytes("{\"architecture\": \"vit_base_patch16_224\"}"),
                "model.safetensors", Files.readAllBytes(st)), null);
        PulledModel vit = pull("acme/vit");
        e = assertThrows(IllegalArgumentException.class, () -> HubImageBackbones.register(vit, models));
        assertTrue(e.getMessage().contains("'vit_base_patch16_224'") && e.getMessage().contains("config.json"), e.getMessage());
    }

    private PulledModel pull(String repo) throws Exception {
        return new HubClient(HubSettings.of(hub.endpoint(), tmp.resolve("hf-cache"))).pull(RepoRef.parse(repo), Progress.NONE);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static float[] features(VisionBackbone net, float[] x, int n, int hw, NDManager m) {
        try (NDManager step = m.newSubManager()) {
            return net.features(new ParameterStore(step, false), step.create(x, new Shape(n, 3, hw, hw)), false).toFloatArray();
        }
    }

    /** Random ResNet weights under torchvision's (= timm's) names, with an ImageNet-style fc of 5 classes. */
    static Map<String, TensorData> checkpoint(ResNetSpec spec, long seed) {
        Map<String, TensorData> m = new LinkedHashMap<>();
        Random r = new Random(seed);
        try (NDManager nd = NDManager.newBaseManager()) {
            ResNet shape = new ResNet(spec);
            shape.initialize(nd);
            Map<String, Parameter> all = new LinkedHashMap<>(shape.namedParameters());
            all.putAll(shape.namedBuffers());
            for (Map.Entry<String, Parameter> e : all.entrySet()) {
                long[] s = e.getValue().getArray().getShape().getShape();
                float[] v = new float[(int) TensorData.elementCount(s)];
                boolean positive = e.getKey().endsWith("running_var") || e.getKey().contains("bn") && e.getKey().endsWith("weight");
                for (int i = 0; i < v.length; i++) {
                    v[i] = positive ? 0.5f + r.nextFloat() : (float) (r.nextGaussian() * 0.3);
                }
                m.put(e.getKey(), new TensorData(e.getKey(), s, v));
            }
        }
        m.put("fc.weight", new TensorData("fc.weight", new long[] {5, spec.featureDim()}, new float[5 * spec.featureDim()]));
        m.put("fc.bias", new TensorData("fc.bias", new long[] {5}, new float[5]));
        return m;
    }
}
