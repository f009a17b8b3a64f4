package dev.graft.cli;

import picocli.CommandLine.Option;

/** {@code --precision} of the commands that run a saved model: predict, evaluate, serve (core's {@code GraftModel.predictIn}). */
final class InferencePrecisionMixin {

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16|auto",
            description = "Text classifiers: the encoder's products in fp32 (as the model was scored) or bf16 (bfloat16 on"
                    + " libtorch; faster where the CPU has AVX512_BF16 or AMX, outputs within bfloat16's precision); auto: bf16"
                    + " where the CPU has AVX512_BF16 or AMX for an encoder on libtorch (fine-tuned, LoRA), and only with AMX for"
                    + " a head on an ONNX encoder. Other models compute in fp32 (default: ${DEFAULT-VALUE}).")
    String precision;
}
