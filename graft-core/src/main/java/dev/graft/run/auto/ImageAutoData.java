package dev.graft.run.auto;

import dev.graft.artifact.ImageClassifier;
import dev.graft.data.LabelMap;
import dev.graft.data.TaskKind;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageExample;
import dev.graft.data.image.ImageSplits;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.metrics.LogMe;
import dev.graft.run.ImageInputs;
import dev.graft.run.RunListener;
import dev.graft.run.TrainingRequest;
import dev.graft.run.TrainingRun;
import dev.graft.selection.ComparedMetric;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTransfer;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.util.Progress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Image classification data for an auto run: the request's splits, pixels per image per backbone for the estimates. */
final class ImageAutoData implements AutoData {

    private final ImageSplits splits;
    private final Integer imageSize;
    private final FeatureExtractionConfig config;
    private final int workers;
    private final boolean valFromFile;
    private final boolean testFromFile;
    private final Map<String, ImageBackbone> backbones = new HashMap<>();
    private final Map<String, float[][]> probes = new HashMap<>();

    private ImageAutoData(ImageSplits splits, Integer imageSize, FeatureExtractionConfig config, int workers,
                          boolean valFromFile, boolean testFromFile) {
        this.splits = splits;
        this.imageSize = imageSize;
        this.config = config;
        this.workers = workers;
        this.valFromFile = valFromFile;
        this.testFromFile = testFromFile;
    }

    /** Reads the splits {@code request} names (class folders or a CSV of path,label: single-label classification). */
    static ImageAutoData read(TrainingRequest request, Integer imageSize, RunListener listener) {
        TrainingRun.checkSplitSettings(request, true);
        ImageSplits splits = ImageInputs.splits(request, listener::message);
        listener.summary(String.format("images: train %d, val %d%s; classes: %s", splits.train().size(), splits.val().size(),
                splits.test().map(t -> ", test " + t.size()).orElse(""), splits.train().targetCounts()));
        int threads = request.imageThreads();
        boolean valFromFile = request.valFile() == null;
        return new ImageAutoData(splits, imageSize, request.imageFeatureExtractionConfig().withThreads(threads), Math.max(1, threads),
                valFromFile, valFromFile && request.testFile() == null);
    }

    @Override
    public String modality() {
        return "images";
    }

    @Override
    public TaskKind task() {
        return TaskKind.CLASSIFICATION;
    }

    @Override
    public ComparedMetric metric() {
        return ComparedMetric.ACCURACY;
    }

    @Override
    public List<String> defaultCandidates() {
        return ImageBackbone.listImported().stream().map(b -> b.directory().getFileName().toString()).toList();
    }

    @Override
    public int trainSize() {
        return splits.train().size();
    }

    @Override
    public int valSize() {
        return splits.val().size();
    }

    private ImageBackbone backbone(String name) {
        return backbones.computeIfAbsent(name, n -> ImageInputs.backbone(n, imageSize));
    }

    private double perImage(String name) {
        ImageBackbone b = backbone(name);
        PreprocessorConfig p = b.preprocessing();
        return CostModel.imageInference(1, (long) p.outputHeight() * p.outputWidth(), CostModel.imageFactor(b.id()));
    }

    private int allImages() {
        return splits.train().size() + splits.val().size() + splits.test().map(ImageDataset::size).orElse(0);
    }

    @Override
    public double rankSeconds(String backbone, int sample) {
        // opening the backbone and the sample's features; LogME itself takes a fraction of a second
        return CostModel.PROBE_FIXED_SECONDS + Math.min(sample, trainSize()) * perImage(backbone);
    }

    @Override
    public int trainFileRows() {
        return trainSize() + (valFromFile ? valSize() : 0) + (testFromFile ? splits.test().map(ImageDataset::size).orElse(0) : 0);
    }

    @Override
    public double featureExtractionSeconds(String backbone, double keep) {
        int fromFile = trainFileRows();
        return CostModel.FIXED_SECONDS + (keep * fromFile + allImages() - fromFile) * perImage(backbone);
    }

    @Override
    public double testSeconds(String backbone) {
        return testFromFile ? 0 : splits.test().map(ImageDataset::size).orElse(0) * perImage(backbone);
    }

    /** The ranking's sample: {@code sample} training images drawn with {@code seed} (all when there are fewer). */
    private ImageDataset rankSample(int sample, long seed) {
        return sample >= trainSize() ? splits.train() : splits.train().subsample(sample, seed);
    }

    @Override
    public double probeSeconds(String backbone, int n, int sample, long seed) {
        return Math.min(n, rankSample(sample, seed).size()) * perImage(backbone);
    }

    @Override
    public void probe(String backbone, int n, int sample, long seed, Progress progress) {
        ImageDataset part = rankSample(sample, seed);
        ImageDataset head = part.withExamples(part.examples().subList(0, Math.min(n, part.size())));
        probes.put(backbone + "#" + sample + "#" + seed, Probes.uncached(
                dir -> ImageTransfer.cachedFeatures(backbone(backbone), head, config.withCacheDir(dir), workers, progress)));
    }

    @Override
    public double trialSeconds(String backbone, int epochs) {
        double step = perImage(backbone);
        int test = splits.test().map(ImageDataset::size).orElse(0);
        return CostModel.FIXED_TRIAL_SECONDS + epochs * (trainSize() * step * CostModel.IMAGE_TRAINING_FACTOR + valSize() * step)
                + test * step;
    }

    @Override
    public double logMe(String backbone, int sample, long seed, Progress progress) {
        ImageDataset part = rankSample(sample, seed);
        float[][] probed = probes.get(backbone + "#" + sample + "#" + seed);
        float[][] x = probed == null ? ImageTransfer.cachedFeatures(backbone(backbone), part, config, workers, progress)
                : probed.length >= part.size() ? probed
                : Probes.concat(probed, ImageTransfer.cachedFeatures(backbone(backbone),
                        part.withExamples(part.examples().subList(probed.length, part.size())), config, workers, progress));
        LabelMap labels = splits.labelMap();
        int[] y = part.examples().stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
        return LogMe.score(x, y, labels.size());
    }

    @Override
    public double scoreSeconds(String backbone, boolean test) {
        return CostModel.FIXED_SECONDS + (valSize() + (test ? splits.test().map(ImageDataset::size).orElse(0) : 0)) * perImage(backbone);
    }

    @Override
    public Scores score(Path modelDir, boolean test, Progress progress) {
        try (ImageClassifier c = ImageClassifier.load(modelDir)) {
            double val = accuracy(c, splits.val());
            Double t = test && splits.test().isPresent() ? accuracy(c, splits.test().get()) : null;
            return new Scores(val, t);
        }
    }

    private static double accuracy(ImageClassifier c, ImageDataset d) {
        Task task = c.task();
        float[][] outputs = c.probabilities(d.examples().stream().map(ImageExample::file).toList());
        return ((dev.graft.metrics.ClassificationMetrics) task.score(outputs, Tasks.targets(task, d.targetColumn()))).accuracy();
    }
}
