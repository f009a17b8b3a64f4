package dev.graft.model.vision;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.tensor.onnx.OnnxGraph;
import dev.graft.tensor.onnx.OnnxModelFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Frozen MobileNetV2 features on ONNX Runtime (about 20× faster than libtorch for this network on
 * these CPUs). ONNX Runtime only returns graph outputs, so the pooled feature value is declared an
 * extra output: a {@code graph} field holding only that {@code output} entry is appended to the
 * model bytes, which protobuf merges into the existing graph.
 */
public final class OnnxFeatureExtractor implements AutoCloseable {

    private final OrtSession session;
    private final String inputName;
    private final String featureName;
    private final int dim;

    private OnnxFeatureExtractor(OrtSession session, String inputName, String featureName, int dim) {
        this.session = session;
        this.inputName = inputName;
        this.featureName = featureName;
        this.dim = dim;
    }

    /**
     * Opens {@code onnx} (a MobileNetV2 graph) with {@code threads} intra-op threads. ONNX Runtime gets the bytes that
     * were parsed, so a file keeping tensors in external files is refused before it runs (see {@link OnnxGraph}).
     */
    public static OnnxFeatureExtractor open(Path onnx, int threads) throws IOException {
        OnnxModelFile model = OnnxModelFile.read(onnx);
        byte[] bytes = model.bytes();
        OnnxGraph graph = model.graph();
        MobileNetV2Onnx.Imported imp = MobileNetV2Onnx.read(graph);
        String input = graph.inputs().stream().filter(i -> graph.rawInitializer(i).isEmpty()).findFirst().orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 64);
        out.write(bytes);
        byte[] valueInfo = field(1, imp.featureValue().getBytes(StandardCharsets.UTF_8));
        out.write(field(7, field(12, valueInfo)));
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(Math.max(1, threads));
            o.setInterOpNumThreads(1);
            return new OnnxFeatureExtractor(env.createSession(out.toByteArray(), o), input, imp.featureValue(), imp.spec().featureDim());
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime cannot open " + onnx + ": " + e.getMessage(), e);
        }
    }

    /** Feature width. */
    public int featureDim() {
        return dim;
    }

    /** Pooled features of {@code n} normalised images {@code [n, 3, h, w]} given flat. */
    public float[][] features(float[] images, int n, int h, int w) {
        try (OnnxTensor in = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(images), new long[] {n, 3, h, w});
             OrtSession.Result r = session.run(Map.of(inputName, in), java.util.Set.of(featureName))) {
            float[] flat = ((OnnxTensor) r.get(featureName).orElseThrow()).getFloatBuffer().array();
            float[][] outRows = new float[n][];
            for (int i = 0; i < n; i++) {
                outRows[i] = java.util.Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
            }
            return outRows;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + n + " images: " + e.getMessage(), e);
        }
    }

    private static byte[] field(int number, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 8);
        varint(b, (long) number << 3 | 2);
        varint(b, payload.length);
        b.writeBytes(payload);
        return b.toByteArray();
    }

    private static void varint(ByteArrayOutputStream b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.write((int) v);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing a session does not fail in practice
        }
    }
}
