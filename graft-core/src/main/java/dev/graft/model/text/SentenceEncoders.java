package dev.graft.model.text;

import ai.djl.Device;
import dev.graft.model.Precision;
import dev.graft.model.bert.BertBackbone;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.nio.file.Path;

/** Opens the right frozen encoder for a model and copies its files into a model directory. */
public final class SentenceEncoders {

    private SentenceEncoders() {
    }

    /** ONNX Runtime when the model has an ONNX export (fastest on CPU), else the DJL/libtorch module. */
    public static SentenceEncoder open(TextModelSpec spec, int threads, int batchSize) {
        return spec.hasOnnx() ? OnnxTextEncoder.open(spec, threads, batchSize) : DjlTextEncoder.open(spec, batchSize);
    }

    /**
     * The frozen encoder that computes in {@code precision}: for fp32 {@link #open(TextModelSpec, int, int)}; for bf16
     * the DJL/libtorch module with bfloat16 products, float32 LayerNorm, softmax and pooling ({@link
     * dev.graft.model.bert.BertLinear}), since ONNX Runtime's x86 CPU kernels have no bfloat16 products.
     */
    public static SentenceEncoder open(TextModelSpec spec, int threads, int batchSize, Precision precision) {
        if (precision == Precision.FP32) {
            return open(spec, threads, batchSize);
        }
        DjlTextEncoder encoder = DjlTextEncoder.open(spec, batchSize);
        encoder.model().setPrecision(precision);
        return encoder;
    }

    /**
     * {@link #open(TextModelSpec, int, int, Precision)} on {@code device}: a GPU runs the fp32 pass of a model with an
     * ONNX export through ONNX Runtime's CUDA provider; everything else computes on the CPU.
     *
     * @throws IllegalArgumentException for a GPU with bf16, a model without an ONNX export, or no CUDA provider
     */
    public static SentenceEncoder open(TextModelSpec spec, int threads, int batchSize, Precision precision, Device device) {
        if (!device.isGpu()) {
            return open(spec, threads, batchSize, precision);
        }
        if (precision != Precision.FP32 || !spec.hasOnnx()) {
            throw new IllegalArgumentException("a frozen pass on " + device + " runs an ONNX export in fp32 on ONNX Runtime's"
                    + " CUDA provider; " + spec.id() + (spec.hasOnnx() ? " was asked for in " + precision.key() : " has no ONNX"
                    + " export") + ". Compute it on the cpu.");
        }
        return OnnxTextEncoder.open(spec, threads, batchSize, device);
    }

    /** {@link #open(TextModelSpec, int, int)} with all cores and the default batch size. */
    public static SentenceEncoder open(TextModelSpec spec) {
        return open(spec, Runtime.getRuntime().availableProcessors(), OnnxTextEncoder.DEFAULT_BATCH_SIZE);
    }

    /**
     * Copies an unchanged pretrained model's files into {@code target} with its {@code backbone.json}. They are
     * copies, never links into the cache, so editing a saved model cannot change the cached model; the weights are
     * hashed as they are copied and must match {@code spec.sha256()}, the checksum the caller records.
     *
     * @throws IOException if a file cannot be copied, or the weights no longer have the checksum of {@code spec}
     *                     (they changed after the model was resolved); nothing is recorded then
     */
    public static void copyFiles(TextModelSpec spec, Path target) throws IOException {
        copy(spec.tokenizerFile(), target.resolve(TextModelSpec.TOKENIZER_FILE));
        Path weights = spec.weightsFile();
        String sha = copy(weights, target.resolve(weights.getFileName().toString()));
        if (!sha.equals(spec.sha256())) {
            throw new IOException(weights + " has SHA-256 " + sha + " but " + spec.id() + " was resolved with " + spec.sha256()
                    + ": the file changed while this run used it, so the model is not saved with it. Run again.");
        }
        if (!spec.hasOnnx()) {
            copy(spec.directory().resolve(BertBackbone.CONFIG_FILE), target.resolve(BertBackbone.CONFIG_FILE));
        }
        TextModels.writeMetadata(spec, target);
    }

    /**
     * Copies {@code source} (symbolic links resolved, as in a Hugging Face cache snapshot) to the new file
     * {@code target}, which gets its own data: never a hard link, so changing either file leaves the other intact.
     *
     * @return the hex SHA-256 of the bytes copied
     */
    public static String copy(Path source, Path target) throws IOException {
        return Hashes.copy(source, target);
    }
}
