package dev.graft.training.optim;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which optimiser to build, and gradient clipping.
 *
 * @param kind        {@code ADAMW} (default for transformers) or {@code SGD} (momentum; default for CNNs)
 * @param momentum    SGD momentum (ignored by AdamW)
 * @param maxGradNorm clip gradients to this global L2 norm; 0 disables clipping
 */
public record OptimizerSpec(Kind kind, double momentum, double maxGradNorm) {

    /** Optimiser families. */
    public enum Kind {
        /** AdamW with decoupled weight decay. */
        ADAMW,
        /** SGD with momentum. */
        SGD
    }

    /** Validates the fields. */
    public OptimizerSpec {
        java.util.Objects.requireNonNull(kind, "kind");
        if (!(maxGradNorm >= 0)) {
            throw new IllegalArgumentException("max gradient norm must be ≥ 0 (0 = off), got " + maxGradNorm);
        }
    }

    /** AdamW without clipping. */
    public static OptimizerSpec adamW() {
        return new OptimizerSpec(Kind.ADAMW, 0, 0);
    }

    /** AdamW with clipping at global norm 1.0 (the Hugging Face Trainer default). */
    public static OptimizerSpec adamWClipped() {
        return new OptimizerSpec(Kind.ADAMW, 0, 1.0);
    }

    /** SGD with momentum 0.9. */
    public static OptimizerSpec sgd() {
        return new OptimizerSpec(Kind.SGD, 0.9, 0);
    }

    /** Parses {@code adamw} or {@code sgd}, keeping the clipping setting. */
    public OptimizerSpec withKind(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "adamw", "adam" -> new OptimizerSpec(Kind.ADAMW, momentum, maxGradNorm);
            case "sgd" -> new OptimizerSpec(Kind.SGD, momentum == 0 ? 0.9 : momentum, maxGradNorm);
            default -> throw new IllegalArgumentException("Unknown optimizer '" + name + "'; use adamw or sgd.");
        };
    }

    /**
     * Copy with another SGD momentum, in [0, 1).
     *
     * @throws IllegalArgumentException for AdamW, which has no momentum setting, or a value outside [0, 1)
     */
    public OptimizerSpec withMomentum(double v) {
        if (kind != Kind.SGD) {
            throw new IllegalArgumentException("momentum applies to the sgd optimizer; AdamW has none.");
        }
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + v);
        }
        return new OptimizerSpec(kind, v, maxGradNorm);
    }

    /** Copy with another clipping norm. */
    public OptimizerSpec withMaxGradNorm(double v) {
        return new OptimizerSpec(kind, momentum, v);
    }

    /** Builds the optimiser over these parameters and groups. */
    public GroupedOptimizer build(Map<String, Parameter> parameters, List<ParamGroup> groups, NDManager stateManager) {
        return switch (kind) {
            case ADAMW -> AdamW.of(parameters, groups, stateManager);
            case SGD -> new Sgd(parameters, groups, stateManager, momentum, false);
        };
    }

    /** Lower-case name for files. */
    public String key() {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
