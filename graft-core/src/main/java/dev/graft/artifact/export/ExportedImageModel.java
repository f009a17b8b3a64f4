package dev.graft.artifact.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.model.OrtTempDirectory;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * An exported image model run by ONNX Runtime alone: input {@code input [batch, 3, H, W]} (the preprocessing in the
 * graph's metadata already applied), one output, the task's.
 */
public final class ExportedImageModel implements AutoCloseable {

    private static final int BATCH = 32;

    private final OrtSession session;
    private final OrtEnvironment env = OrtTempDirectory.environment();

    private ExportedImageModel(OrtSession session) {
        this.session = session;
    }

    /** Opens an exported graph held in memory with {@code threads} intra-op threads. */
    public static ExportedImageModel open(byte[] model, int threads) {
        try {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(Math.max(1, threads));
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return new ExportedImageModel(OrtTempDirectory.environment().createSession(model, options));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load the exported graph: " + e.getMessage(), e);
        }
    }

    /** The outputs of {@code n} preprocessed images given flat ({@code n·3·h·w} floats, NCHW), one row per image. */
    public float[][] outputs(float[] flat, int n, int h, int w) {
        int size = 3 * h * w;
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += BATCH) {
            int count = Math.min(BATCH, n - from);
            try (OnnxTensor in = OnnxTensor.createTensor(env,
                    FloatBuffer.wrap(java.util.Arrays.copyOfRange(flat, from * size, (from + count) * size)), new long[] {count, 3, h, w});
                 OrtSession.Result r = session.run(Map.of("input", in))) {
                OnnxTensor t = (OnnxTensor) r.get(0);
                long[] s = t.getInfo().getShape();
                FloatBuffer fb = t.getFloatBuffer();
                for (int i = 0; i < count; i++) {
                    out[from + i] = new float[(int) s[1]];
                    fb.get(out[from + i]);
                }
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed on the exported graph: " + e.getMessage(), e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing cannot lose data
        }
    }
}
