package dev.graft.run.auto;

import java.util.Locale;

/**
 * Estimated seconds of each kind of candidate at the reference rates, from the size of the work (tokens × layers for
 * text, pixels × the network's cost for images) times fixed per-unit constants measured on the project's 2-core
 * reference machine under shared load. An auto run multiplies every estimate by the speed factor its probe measured on
 * the machine it runs on ({@link Calibration}, quantised and journaled); the plan decides on these scaled estimates only
 * — never on the measured time of a candidate — so that the same data, limit, seed and factor give the same candidates;
 * the measured speed of the candidates only guards the limit ({@link Deadline#refusal}).
 */
final class CostModel {

    /**
     * Seconds per token and layer of a frozen text encoder on ONNX Runtime: MiniLM embedded books reviews (~230 tokens)
     * at 7.6 per second with six engineers on the two cores, 9.5e-5.
     */
    static final double TEXT_INFERENCE = 1e-4;
    /**
     * Seconds per token and layer of a fine-tuning step in libtorch (forward, backward, AdamW): MiniLM fine-tuned books
     * (1,530 reviews) at ~110 s per epoch on a quiet machine, ~5e-5, and 3–7× slower under shared load, where the
     * inference probe's factor rises less; 2.5e-4 (it was 1e-3, which estimated a 3-epoch trial at 9× its quiet time).
     */
    static final double TEXT_TRAINING = 2.5e-4;
    /** Seconds per token and layer of scoring the validation split in libtorch during fine-tuning (~2× ONNX Runtime). */
    static final double TEXT_TORCH_INFERENCE = 2e-4;
    /**
     * Seconds per image of MobileNetV2 features at 224×224 (libtorch, 2 threads, decoding included, shared load): USPS at
     * 96×96 ran at ~11 images per second with six engineers on the two cores, ~0.09 s, i.e. ~0.5 s at 224×224 if it
     * scaled with pixels; small images carry more fixed cost per image, hence 0.3.
     */
    static final double IMAGE_INFERENCE = 0.3;
    /**
     * A training step costs this many inference passes per image at the probe's rate (forward, backward,
     * augmentation): MobileNetV2 at 64×64 fine-tuned 2,000 USPS digits per epoch in 16 s under shared load, ~0.008 s an
     * image, while the warmed probe of 32 images measured ~0.018 s an image (larger runs batch better), 0.45; 0.5 (it
     * was 3.5, which estimated a 3-epoch USPS trial at 7× its time).
     */
    static final double IMAGE_TRAINING_FACTOR = 0.5;
    /**
     * Fixed seconds of a candidate: loading the backbone (an ONNX Runtime session), solving, saving the model (the
     * backbone is copied into it) and its report; 20 s measured for MiniLM on a few dozen texts under shared load.
     */
    static final double FIXED_SECONDS = 20;
    /**
     * Fixed seconds of embedding without training (the speed probe, a LogME ranking) beyond its examples: opening the
     * backbone (an ONNX Runtime or libtorch session).
     */
    static final double PROBE_FIXED_SECONDS = 3;
    /** Fixed seconds of a fine-tuning trial beyond its steps: building the network, saving the model. */
    static final double FIXED_TRIAL_SECONDS = 20;

    private CostModel() {
    }

    /** Layers of a text backbone by its id (6 for MiniLM-L6, else 12: BERT-base-sized small models). */
    static int textLayers(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        return lower.contains("l6") || lower.contains("minilm") ? 6 : 12;
    }

    /** Cost of an image backbone relative to MobileNetV2 at the same size (by FLOPs). */
    static double imageFactor(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        if (lower.contains("resnet50")) {
            return 13;
        }
        if (lower.contains("resnet18")) {
            return 6;
        }
        if (lower.contains("efficientnet")) {
            return 1.3;
        }
        return 1;
    }

    /** Frozen text inference over {@code tokens} tokens. */
    static double textInference(long tokens, int layers) {
        return tokens * (double) layers * TEXT_INFERENCE;
    }

    /** One fine-tuning epoch over {@code trainTokens}, scoring {@code valTokens}. */
    static double textEpoch(long trainTokens, long valTokens, int layers) {
        return layers * (trainTokens * TEXT_TRAINING + valTokens * TEXT_TORCH_INFERENCE);
    }

    /** Frozen image features of {@code images} images of {@code pixels} pixels each. */
    static double imageInference(long images, long pixels, double factor) {
        return images * IMAGE_INFERENCE * factor * pixels / (224.0 * 224.0);
    }
}
