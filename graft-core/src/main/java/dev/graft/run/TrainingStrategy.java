package dev.graft.run;

import dev.graft.data.DatasetSplits;
import dev.graft.data.TaskKind;
import dev.graft.data.image.ImageSplits;
import dev.graft.model.text.TextModelSpec;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.QuestionAnswering;
import dev.graft.strategy.TokenClassification;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.task.Task;
import dev.graft.util.Arguments;
import java.util.Map;

/**
 * One way of transferring a pretrained model (feature extraction, fine-tuning, LoRA, adapters, ...), for every task
 * of a modality: {@link TrainingRun} reads the data, builds the {@link Task}, records, saves and reports; the
 * strategy trains. Registered by name in {@link Strategies}; a Java caller overrides a step by passing its own
 * implementation ({@link TrainingRequest#strategy(TrainingStrategy)}) or registering one under a built-in name — e.g.
 * a subclass of {@link FineTuneStrategy} that builds its settings differently.
 *
 * <p>A new modality adds a pair of methods here (settings, train) with a default that refuses; a new task needs
 * nothing here (the {@link Task} carries head, loss and metrics).
 */
public interface TrainingStrategy {

    /** The name a request selects it by (e.g. {@code fine-tune}). */
    String name();

    /** Whether the backbone's weights (or modules added to it) train: checkpoints and resume apply. */
    boolean trainsBackbone();

    /** Whether it trains image models. */
    default boolean supportsImages() {
        return false;
    }

    /** Refuses settings that do not apply to this strategy, before any data or model is read (text). */
    default void checkText(TrainingRequest request) {
    }

    /** The settings of a text run, as recorded by tracking; throws on a bad setting. */
    Map<String, Object> textSettings(TrainingRequest request);

    /** Trains a text model. */
    TrainingOutcome trainText(TextModelSpec backbone, DatasetSplits splits, Task task, TrainingRequest request,
                              TrainingContext context);

    /** The settings of an image run, as recorded by tracking. */
    default Map<String, Object> imageSettings(TrainingRequest request) {
        throw refuseImages();
    }

    /** Trains an image model. */
    default ImageTrainingOutcome trainImages(ImageBackbone backbone, ImageSplits splits, Task task, TrainingRequest request,
                                             TrainingContext context) {
        throw refuseImages();
    }

    /**
     * Trains a token-classification (named-entity) model on tagged sentences, decoding word tags as {@code crf} says.
     */
    default TokenClassification.Outcome trainTokens(TextModelSpec backbone, TokenClassification.Corpora data,
                                                    TokenClassification.Crf crf, TrainingRequest request,
                                                    TrainingContext context) {
        throw refuseTask(TaskKind.TOKEN_CLASSIFICATION);
    }

    /** Trains an extractive question-answering model on questions with contexts, cut into {@code windows}. */
    default QuestionAnswering.Outcome trainQuestions(TextModelSpec backbone, QuestionAnswering.Data data,
                                                     QuestionAnswering.Windows windows, TrainingRequest request,
                                                     TrainingContext context) {
        throw refuseTask(TaskKind.QUESTION_ANSWERING);
    }

    /** The message of a strategy that does not train {@code task}. */
    default IllegalArgumentException refuseTask(TaskKind task) {
        return new IllegalArgumentException(Arguments.name("strategy") + " " + name() + " does not train " + task.key()
                + " models; use " + Arguments.name("strategy") + " " + FineTuning.NAME + " or " + FeatureExtraction.NAME + ".");
    }

    /** The message of a strategy that has no image path. */
    default IllegalArgumentException refuseImages() {
        return new IllegalArgumentException("Unknown " + Arguments.name("strategy") + " '" + name() + "' for images. Available: "
                + String.join(", ", Strategies.imageNames()) + ".");
    }
}
