package dev.graft.cli;

import dev.graft.artifact.GraftModel;
import dev.graft.artifact.TextClassifier;
import dev.graft.model.Precision;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/** {@code --precision} of the commands that run a saved model: predict, evaluate, serve (core's {@code GraftModel.predictIn}). */
final class InferencePrecisionMixin {

    @Option(names = "--precision", paramLabel = "fp32|bf16|auto",
            description = "Text classifiers: the encoder's products in fp32 or bf16 (bfloat16 on libtorch; faster where the CPU"
                    + " has AVX512_BF16 or AMX, outputs within bfloat16's precision); auto: bf16 where the CPU has AVX512_BF16 or"
                    + " AMX for an encoder on libtorch (fine-tuned, LoRA), and only with AMX for a head on an ONNX encoder."
                    + " Other models compute in fp32 (default: the precision the model was scored in: fp32, or bf16 for a head"
                    + " trained on bf16 features where the CPU has AMX, else fp32, with a note). serve, without it or with auto:"
                    + " fp32 on ONNX Runtime for a head on an ONNX encoder, which answers a request several times sooner.")
    String precision;

    /**
     * Tells {@code err} when a server predicts from fp32 features for a head trained on bf16 features (the serving
     * precision of a head on an ONNX encoder).
     */
    void noteServing(GraftModel model, Precision serving, PrintStream err) {
        if (precision == null && model instanceof TextClassifier c && c.scoredPrecision() == Precision.BF16
                && serving == Precision.FP32) {
            err.println("note: the model's head was trained on bf16 features; the server predicts from fp32 features on ONNX"
                    + " Runtime, which answers a request several times sooner than bf16 on libtorch (outputs within bfloat16's"
                    + " precision). --precision bf16 keeps bf16.");
        }
    }

    /**
     * Sets the precision of {@code model}'s predictions when {@code --precision} was given; else leaves the model's own,
     * telling {@code err} when a head trained on bf16 features predicts in fp32 because this CPU would emulate bf16.
     */
    void applyTo(GraftModel model, PrintStream err, boolean quiet) {
        if (precision != null) {
            model.predictIn(precision);
        } else if (!quiet && model instanceof TextClassifier c && c.scoredPrecision() == Precision.BF16
                && c.frozenPrecision() == Precision.FP32) {
            err.println("note: the model's head was trained on bf16 features; this CPU has no AMX, where bfloat16 products"
                    + " are emulated several times slower, so it predicts from fp32 features (outputs within bfloat16's"
                    + " precision). --precision bf16 keeps bf16.");
        }
    }
}
