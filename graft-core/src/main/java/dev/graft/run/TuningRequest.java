package dev.graft.run;

import dev.graft.tuning.Tunables;
import dev.graft.util.Arguments;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A hyper-parameter search ({@code graft tune}): the run to tune (data, model, strategy, fixed settings, seed, tracking:
 * a {@link TrainingRequest} without output), the study directory, and how the search proceeds. The best trial's model
 * is saved to {@code STUDY/}{@value #BEST_MODEL}; the study resumes when run again on the same directory.
 *
 * <pre>{@code
 * TuningResult r = Graft.tune(TuningRequest.of(TrainingRequest.of(Path.of("train.csv")), Path.of("study")).trials(10));
 * System.out.println(r.best().params() + " " + r.bestScore());
 * }</pre>
 */
public final class TuningRequest {

    /** The folder of the study directory holding the best trial's model. */
    public static final String BEST_MODEL = "best-model";
    /** Finished trials a study should have unless told otherwise. */
    public static final int DEFAULT_TRIALS = 20;
    /** Default search space of feature extraction. */
    public static final String FE_SPACE = "lr=log:1e-4:1e-1,weight_decay=log:1e-6:1e-1,dropout=uniform:0:0.5,hidden=choice:0|64|256";
    /** Default search space of fine-tuning. */
    public static final String FT_SPACE = "lr=log:1e-4:1e-2,lr_backbone=log:1e-5:3e-4,weight_decay=log:1e-6:1e-1,dropout=uniform:0:0.3,unfreeze=choice:1|2|4|all";
    /** Default search space of LoRA. */
    public static final String LORA_SPACE = "lr=log:1e-4:1e-2,lr_backbone=log:1e-4:1e-2,weight_decay=log:1e-6:1e-1,dropout=uniform:0:0.3,lora_rank=choice:4|8|16";
    /** Default search space of adapters. */
    public static final String ADAPTER_SPACE = "lr=log:1e-4:1e-2,lr_backbone=log:1e-4:1e-2,weight_decay=log:1e-6:1e-1,dropout=uniform:0:0.3,adapter_size=choice:16|64|128";

    private final TrainingRequest training;
    private final Path study;
    private int trials = DEFAULT_TRIALS;
    private String space;
    private String sampler = "tpe";
    private String pruner = "median";

    private TuningRequest(TrainingRequest training, Path study) {
        this.training = Objects.requireNonNull(training, "training");
        this.study = Objects.requireNonNull(study, "study");
    }

    /** A search over the runs {@code training} describes, kept in {@code study} (created; an existing study resumes). */
    public static TuningRequest of(TrainingRequest training, Path study) {
        return new TuningRequest(training, study);
    }

    /** Finished trials the study should have (default {@value #DEFAULT_TRIALS}; at least 1). */
    public TuningRequest trials(int value) {
        if (value < 1) {
            throw new IllegalArgumentException(Arguments.name("trials") + " must be at least 1, got " + value + ".");
        }
        trials = value;
        return this;
    }

    /**
     * The search space, {@code NAME=log:LO:HI | NAME=uniform:LO:HI | NAME=choice:A|B|C} comma-separated ({@code null}: the
     * strategy's default, {@link #defaultSpace}).
     */
    public TuningRequest space(String value) {
        space = value;
        return this;
    }

    /** How trials are proposed: tpe (default) or random. */
    public TuningRequest sampler(String value) {
        sampler = Objects.requireNonNull(value, "sampler");
        return this;
    }

    /** What stops unpromising trials: median (default), asha or none. */
    public TuningRequest pruner(String value) {
        pruner = Objects.requireNonNull(value, "pruner");
        return this;
    }

    /** The run being tuned. */
    public TrainingRequest training() {
        return training;
    }

    /** The study directory. */
    public Path study() {
        return study;
    }

    /** Where the best trial's model is saved. */
    public Path bestModel() {
        return study.resolve(BEST_MODEL);
    }

    /** Finished trials wanted. */
    public int trials() {
        return trials;
    }

    /** The search space given, or {@code null} for the strategy's default. */
    public String space() {
        return space;
    }

    /** The sampler's name. */
    public String sampler() {
        return sampler;
    }

    /** The pruner's name. */
    public String pruner() {
        return pruner;
    }

    /** The default search space of {@code strategy}. */
    public static String defaultSpace(Tunables.Strategy strategy) {
        return switch (strategy) {
            case FEATURE_EXTRACTION -> FE_SPACE;
            case FINE_TUNE -> FT_SPACE;
            case LORA -> LORA_SPACE;
            case ADAPTER -> ADAPTER_SPACE;
        };
    }
}
