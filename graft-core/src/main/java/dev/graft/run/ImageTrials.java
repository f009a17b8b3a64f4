package dev.graft.run;

import dev.graft.data.image.ImageSplits;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.ImageTransfer;
import dev.graft.task.Task;
import dev.graft.training.TrainingListener;
import dev.graft.tuning.Tunables;
import dev.graft.util.Hashes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The trials of a hyper-parameter search on image data ({@code graft tune} on an image folder or CSV): the images,
 * backbone and task are read once; each trial is trained by the request's strategy from {@link Strategies}, whose image
 * settings are the request's with the trial's over them ({@link Tunables} names).
 */
public final class ImageTrials {

    private final TrainingRequest request;
    private final TrainingStrategy strategy;
    private final ImageBackbone backbone;
    private final ImageSplits splits;
    private final Task task;
    private final RunListener listener;

    private ImageTrials(TrainingRequest request, TrainingStrategy strategy, ImageBackbone backbone, ImageSplits splits, Task task,
                        RunListener listener) {
        this.request = request;
        this.strategy = strategy;
        this.backbone = backbone;
        this.splits = splits;
        this.task = task;
        this.listener = listener;
    }

    /**
     * Reads the request's images (verified, split as {@code graft train} splits them), resolves its backbone and builds
     * its task.
     *
     * @throws IllegalArgumentException naming the strategy when it does not train on images
     */
    public static ImageTrials prepare(TrainingRequest request, RunListener listener) {
        TrainingStrategy strategy = request.resolveStrategy();
        if (!strategy.supportsImages()) {
            throw strategy.refuseImages();
        }
        String model = request.model == null || TrainingRequest.DEFAULT_TEXT_MODEL.equals(request.model)
                ? TrainingRequest.DEFAULT_IMAGE_MODEL : request.model;
        ImageBackbone backbone = ImageInputs.backbone(model, request.imageSize);
        ImageSplits splits = ImageInputs.splits(request, listener::message);
        return new ImageTrials(request, strategy, backbone, splits, ImageTransfer.task(splits, request.taskOptions()), listener);
    }

    /** The kind of search space the strategy takes: feature extraction, or fine-tuning when it trains the backbone. */
    public Tunables.Strategy searchStrategy() {
        return strategy.trainsBackbone() ? Tunables.Strategy.FINE_TUNE : Tunables.Strategy.FEATURE_EXTRACTION;
    }

    /** The images and their splits. */
    public ImageSplits splits() {
        return splits;
    }

    /** The backbone. */
    public ImageBackbone backbone() {
        return backbone;
    }

    /** The task. */
    public Task task() {
        return task;
    }

    /** The strategy's settings before any trial's (its image settings with a gradient-trained head). */
    public Map<String, Object> settings() {
        try {
            return strategy.imageSettings(request.trial(Map.of()));
        } finally {
            request.trial(null);
        }
    }

    /** What a resumed study must match: backbone, every image of train and validation, strategy and settings. */
    public String fingerprint() {
        MessageDigest md = Hashes.sha256();
        Hashes.update(md, backbone.sha256());
        Hashes.update(md, backbone.preprocessing().toString());
        Hashes.update(md, splits.train().sha256());
        Hashes.update(md, splits.val().sha256());
        Hashes.update(md, strategy.name());
        Hashes.update(md, settings().toString());
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }

    /** Trains one trial with {@code params} over the request's settings, reporting every epoch to {@code epochs}. */
    public ImageTrainingOutcome train(Map<String, Object> params, List<TrainingListener> epochs) {
        try {
            return strategy.trainImages(backbone, splits, task, request.trial(params),
                    new TrainingContext(listener, epochs, null, 1, false));
        } finally {
            request.trial(null);
        }
    }
}
