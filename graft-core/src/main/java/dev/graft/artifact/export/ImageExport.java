package dev.graft.artifact.export;

import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.Json;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageDecoder;
import dev.graft.data.image.ImageTta;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.vision.MobileNetV2;
import dev.graft.task.Targets;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.util.Arguments;
import dev.graft.tensor.onnx.OnnxDataType;
import dev.graft.tensor.onnx.OnnxGraphBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The graph of an image model (MobileNetV2 written from its module), checked on probe pixels. */
final class ImageExport {

    private ImageExport() {
    }

    static OnnxExport.Built build(Path modelDir, OnnxExport.Options options, int threads) throws IOException {
        try (ImageClassifier model = ImageClassifier.load(modelDir)) {
            Task task = model.task();
            if (model.tta() != ImageTta.NONE) {
                throw new IllegalArgumentException(modelDir + " averages the features of several views of each image (test-time"
                        + " augmentation " + model.tta().key() + "); ONNX export covers single-view image models so far. Serve it"
                        + " with Graft (predict, serve), or retrain with " + Arguments.name("tta") + " none to export it.");
            }
            if (!(model.backbone() instanceof MobileNetV2 net)) {
                throw new IllegalArgumentException(modelDir + " has a " + model.backbone().architecture() + " backbone; ONNX export"
                        + " covers MobileNetV2 among the image backbones so far.");
            }
            PreprocessorConfig pre = model.preprocessing();
            int h = pre.outputHeight();
            int w = pre.outputWidth();
            OnnxGraphBuilder g = new OnnxGraphBuilder("graft", BertOnnxGraph.OPSET);
            String input = g.input("input", OnnxDataType.FLOAT, "batch", 3L, (long) h, (long) w);
            HeadOnnxGraph.append(g, MobileNetV2OnnxGraph.append(g, net, input), model.head(), task);
            OnnxExport.commonMetadata(g, task, model.strategy(), "mobilenetv2", modelDir);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("input", "input: float32 [batch, 3, " + h + ", " + w + "], RGB, NCHW");
            p.put("resize_shortest_edge", pre.shortestEdge());
            p.put("center_crop", List.of(pre.cropHeight(), pre.cropWidth()));
            p.put("rescale_factor", pre.rescaleFactor());
            p.put("normalize", pre.doNormalize());
            p.put("mean", pre.mean());
            p.put("std", pre.std());
            p.put("grayscale", "replicated to 3 channels");
            g.metadata("graft.preprocessing", Json.MAPPER.writeValueAsString(p));
            byte[] graph = g.toModel();
            int n = 4;
            float[] probe = probePixels(n * 3 * h * w);
            double maxDiff;
            try (ExportedImageModel exported = ExportedImageModel.open(graph, threads)) {
                maxDiff = OnnxExport.maxDifference(model.probabilitiesOfFeatures(model.featuresOfPixels(probe, n)), exported.outputs(probe, n, h, w));
            }
            OnnxExport.Evaluator evaluator = null;
            ImageDataset data = options.imageEvaluation();
            if (options.int8() && data != null) {
                Targets gold = Tasks.targets(task, data.targetColumn());
                int size = 3 * h * w;
                float[] pixels = new float[data.size() * size];
                var pipeline = model.pipeline();
                for (int i = 0; i < data.size(); i++) {
                    System.arraycopy(pipeline.evaluate(ImageDecoder.decode(data.examples().get(i).file())), 0, pixels, i * size, size);
                }
                evaluator = new OnnxExport.Evaluator() {
                    @Override
                    public float[][] outputs(byte[] bytes) {
                        try (ExportedImageModel m = ExportedImageModel.open(bytes, threads)) {
                            return m.outputs(pixels, data.size(), h, w);
                        }
                    }

                    @Override
                    public Targets gold() {
                        return gold;
                    }

                    @Override
                    public String name() {
                        return data.source().toString();
                    }
                };
            }
            return new OnnxExport.Built(graph, "written from the MobileNetV2 module", maxDiff, n, evaluator, task, null);
        }
    }

    /** Deterministic pixels in the normalised range of ImageNet inputs (about [-2.2, 2.7]). */
    private static float[] probePixels(int n) {
        java.util.Random r = new java.util.Random(42);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 4.8 - 2.1);
        }
        return v;
    }
}
