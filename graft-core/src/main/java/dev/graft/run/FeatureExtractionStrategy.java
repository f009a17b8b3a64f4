package dev.graft.run;

import ai.djl.Device;
import dev.graft.data.DatasetSplits;
import dev.graft.data.image.ImageSplits;
import dev.graft.data.image.ImageTta;
import dev.graft.model.text.TextModelSpec;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.ImageTransfer;
import dev.graft.strategy.QuestionAnswering;
import dev.graft.strategy.TokenClassification;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.task.Task;
import java.util.LinkedHashMap;
import java.util.Map;

/** Feature extraction: the backbone stays frozen, its features are cached and a new head trains on them (text and images). */
public class FeatureExtractionStrategy implements TrainingStrategy {

    @Override
    public String name() {
        return FeatureExtraction.NAME;
    }

    @Override
    public boolean trainsBackbone() {
        return false;
    }

    @Override
    public boolean supportsImages() {
        return true;
    }

    @Override
    public Map<String, Object> textSettings(TrainingRequest request) {
        Map<String, Object> settings = request.featureExtractionConfig().describe();
        Device device = request.trainingDevice();
        if (device.isGpu()) {
            settings = new LinkedHashMap<>(settings);
            settings.put("device", device.toString()); // recorded off the CPU only, as fine-tuning does
        }
        return settings;
    }

    @Override
    public TrainingOutcome trainText(TextModelSpec backbone, DatasetSplits splits, Task task, TrainingRequest request,
                                     TrainingContext context) {
        return new FeatureExtraction(request.featureExtractionConfig()).on(request.trainingDevice()).fit(backbone, splits, task,
                context.listener().progress(),
                context.epochs());
    }

    @Override
    public TokenClassification.Outcome trainTokens(TextModelSpec backbone, TokenClassification.Corpora data,
                                                   TokenClassification.Crf crf, TrainingRequest request, TrainingContext context) {
        return TokenClassification.featureExtraction(backbone, data, request.featureExtractionConfig(),
                context.listener().progress(), context.epochs(), crf);
    }

    @Override
    public QuestionAnswering.Outcome trainQuestions(TextModelSpec backbone, QuestionAnswering.Data data,
                                                    QuestionAnswering.Windows windows, TrainingRequest request,
                                                    TrainingContext context) {
        return QuestionAnswering.featureExtraction(backbone, data, windows, request.featureExtractionConfig(),
                context.listener().progress(), context.epochs());
    }

    @Override
    public Map<String, Object> imageSettings(TrainingRequest request) {
        return ImageTransfer.featureExtractionSettings(request.imageFeatureExtractionConfig(), ImageTta.parse(request.tta));
    }

    @Override
    public ImageTrainingOutcome trainImages(ImageBackbone backbone, ImageSplits splits, Task task, TrainingRequest request,
                                            TrainingContext context) {
        return ImageTransfer.featureExtraction(backbone, splits, task, request.imageFeatureExtractionConfig(),
                ImageTta.parse(request.tta), context.imageWorkers(request), context.listener().progress(), context.epochs());
    }
}
