package dev.graft.run;

import dev.graft.data.DatasetSplits;
import dev.graft.data.TaskKind;
import dev.graft.data.image.Augmentation;
import dev.graft.data.image.ImageSplits;
import dev.graft.model.peft.PeftMethod;
import dev.graft.model.text.TextModelSpec;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.ImageTransfer;
import dev.graft.strategy.QuestionAnswering;
import dev.graft.strategy.TokenClassification;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.task.Task;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fine-tuning: the backbone trains with a new head (text and images), or, with a {@link PeftMethod}, only LoRA
 * updates or adapters added to a frozen text encoder do.
 */
public class FineTuneStrategy implements TrainingStrategy {

    private final PeftMethod peft;

    /** Full fine-tuning. */
    public FineTuneStrategy() {
        this(null);
    }

    /** Parameter-efficient fine-tuning with {@code peft} (null: full fine-tuning). */
    public FineTuneStrategy(PeftMethod peft) {
        this.peft = peft;
    }

    @Override
    public String name() {
        return peft == null ? FineTuning.NAME : peft.key();
    }

    @Override
    public boolean trainsBackbone() {
        return true;
    }

    @Override
    public boolean supportsImages() {
        return peft == null;
    }

    @Override
    public Map<String, Object> textSettings(TrainingRequest request) {
        return request.fineTuning().describe();
    }

    @Override
    public TrainingOutcome trainText(TextModelSpec backbone, DatasetSplits splits, Task task, TrainingRequest request,
                                     TrainingContext context) {
        return request.fineTuning().fit(backbone, splits, task, context.listener().progress(), context.epochs(),
                context.checkpointDir(), context.checkpointEvery(), context.resume());
    }

    @Override
    public TokenClassification.Outcome trainTokens(TextModelSpec backbone, TokenClassification.Corpora data,
                                                   TokenClassification.Crf crf, TrainingRequest request, TrainingContext context) {
        return TokenClassification.fineTune(backbone, data, request.fineTuning(), context.listener().progress(),
                context.epochs(), context.checkpointDir() == null ? null : new TokenClassification.Checkpoints(
                        context.checkpointDir(), context.checkpointEvery(), context.resume()), crf);
    }

    /** Full fine-tuning only: LoRA and adapters are not wired to the span head yet. */
    @Override
    public QuestionAnswering.Outcome trainQuestions(TextModelSpec backbone, QuestionAnswering.Data data,
                                                    QuestionAnswering.Windows windows, TrainingRequest request,
                                                    TrainingContext context) {
        if (peft != null) {
            throw refuseTask(TaskKind.QUESTION_ANSWERING);
        }
        return QuestionAnswering.fineTune(backbone, data, windows, request.fineTuneConfig(), context.listener().progress(),
                context.epochs());
    }

    @Override
    public Map<String, Object> imageSettings(TrainingRequest request) {
        if (!supportsImages()) {
            throw refuseImages();
        }
        Map<String, Object> settings = new LinkedHashMap<>(request.imageFineTuneConfig().describe());
        settings.put("augmentation", Augmentation.parse(request.augment).toString());
        settings.put("train_bn", request.trainBn);
        return settings;
    }

    @Override
    public ImageTrainingOutcome trainImages(ImageBackbone backbone, ImageSplits splits, Task task, TrainingRequest request,
                                            TrainingContext context) {
        if (!supportsImages()) {
            throw refuseImages();
        }
        FineTuneConfig config = request.imageFineTuneConfig();
        return ImageTransfer.fineTune(backbone, splits, task, config, Augmentation.parse(request.augment), request.trainBn,
                context.imageWorkers(request), context.epochs(), context.checkpointDir(), context.checkpointEvery(), context.resume());
    }
}
