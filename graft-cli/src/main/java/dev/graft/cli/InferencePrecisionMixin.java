package dev.graft.cli;

import dev.graft.artifact.GraftModel;
import picocli.CommandLine.Option;

/** {@code --precision} of the commands that run a saved model: predict, evaluate, serve (core's {@code GraftModel.predictIn}). */
final class InferencePrecisionMixin {

    @Option(names = "--precision", paramLabel = "fp32|bf16|auto",
            description = "Text classifiers: the encoder's products in fp32 or bf16 (bfloat16 on libtorch; faster where the CPU"
                    + " has AVX512_BF16 or AMX, outputs within bfloat16's precision); auto: bf16 where the CPU has AVX512_BF16 or"
                    + " AMX for an encoder on libtorch (fine-tuned, LoRA), and only with AMX for a head on an ONNX encoder."
                    + " Other models compute in fp32 (default: the precision the model was scored in: fp32, or bf16 for a head"
                    + " trained on bf16 features).")
    String precision;

    /** Sets the precision of {@code model}'s predictions when {@code --precision} was given; else leaves the model's own. */
    void applyTo(GraftModel model) {
        if (precision != null) {
            model.predictIn(precision);
        }
    }
}
