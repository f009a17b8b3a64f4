package dev.graft.model.text;

import dev.graft.model.bert.BertBackbone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the right frozen encoder for a model and copies its files into a model directory. */
public final class SentenceEncoders {

    private SentenceEncoders() {
    }

    /** ONNX Runtime when the model has an ONNX export (fastest on CPU), else the DJL/libtorch module. */
    public static SentenceEncoder open(TextModelSpec spec, int threads, int batchSize) {
        return spec.hasOnnx() ? OnnxTextEncoder.open(spec, threads, batchSize) : DjlTextEncoder.open(spec, batchSize);
    }

    /** {@link #open(TextModelSpec, int, int)} with all cores and the default batch size. */
    public static SentenceEncoder open(TextModelSpec spec) {
        return open(spec, Runtime.getRuntime().availableProcessors(), OnnxTextEncoder.DEFAULT_BATCH_SIZE);
    }

    /**
     * Puts an unchanged pretrained model's files into {@code target} (hard links where possible)
     * with its {@code backbone.json}.
     */
    public static void copyFiles(TextModelSpec spec, Path target) throws IOException {
        link(spec.tokenizerFile(), target.resolve(TextModelSpec.TOKENIZER_FILE));
        if (spec.hasOnnx()) {
            link(spec.onnxFile(), target.resolve(TextModelSpec.ONNX_FILE));
        } else {
            Path weights = BertBackbone.weightsFile(spec.directory());
            link(weights, target.resolve(weights.getFileName().toString()));
            link(spec.directory().resolve(BertBackbone.CONFIG_FILE), target.resolve(BertBackbone.CONFIG_FILE));
        }
        TextModels.writeMetadata(spec, target);
    }

    /**
     * Hard-links {@code source} (symbolic links resolved, as in a Hugging Face cache snapshot) to
     * {@code target}, copying when links are not possible (another file system).
     */
    public static void link(Path source, Path target) throws IOException {
        Path real = source.toRealPath();
        try {
            Files.createLink(target, real);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(real, target);
        }
    }
}
