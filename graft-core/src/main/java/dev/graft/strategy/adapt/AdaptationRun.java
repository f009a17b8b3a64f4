package dev.graft.strategy.adapt;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.TextClassifier;
import dev.graft.artifact.Versions;
import dev.graft.data.LabelMap;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageExample;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FrozenFeatures;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImagePredictions;
import dev.graft.strategy.RunResult;
import dev.graft.strategy.SplitPredictions;
import dev.graft.training.FitResult;
import dev.graft.training.TrainingListener;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Domain adaptation of a frozen pretrained backbone, for text or images: frozen features of source,
 * target and evaluation data (cached), {@link DomainAdaptation}, and the adapted head wrapped as a
 * normal text or image classifier, so the saved directory works with {@code graft predict} and
 * {@code graft evaluate}. The manifest's strategy is {@code feature-extraction} (that is what the
 * saved model is: a frozen backbone and a head); the method is recorded in provenance and metrics.
 *
 * <p>The target data set's labels, if it has any, are never read: only its texts or image files are.
 *
 * <p>As a {@link RunResult} (what reports and run tracking read): the validation metrics are the adapted head's on
 * held-out source examples, the test metrics its scores on the labelled target evaluation set (when one was given).
 */
public final class AdaptationRun implements AutoCloseable, RunResult {

    /** Provenance strategy prefix, e.g. {@code adapt-dann}. */
    public static final String STRATEGY_PREFIX = "adapt-";

    private final AdaptationResult result;
    private final double embedSeconds;
    private final Provenance provenance;
    private final Saver saver;
    private final AutoCloseable owner;
    private final TextDataset textEval;
    private final ImageDataset imageEval;

    @FunctionalInterface
    private interface Saver {
        boolean save(Path dir, Provenance provenance, Map<String, Object> metrics, ModelDirectory.Writer extras) throws IOException;
    }

    private AdaptationRun(AdaptationResult result, double embedSeconds, Provenance provenance, Saver saver, AutoCloseable owner,
                          TextDataset textEval, ImageDataset imageEval) {
        this.result = result;
        this.embedSeconds = embedSeconds;
        this.provenance = provenance;
        this.saver = saver;
        this.owner = owner;
        this.textEval = textEval;
        this.imageEval = imageEval;
    }

    /**
     * Adapts a text classifier on a frozen encoder.
     *
     * @param source labelled source texts
     * @param target target texts (labels, if present, are ignored)
     * @param eval   labelled target texts for evaluation, or {@code null}
     */
    public static AdaptationRun text(TextModelSpec backbone, TextDataset source, TextDataset target, TextDataset eval, AdaptConfig config,
                                     FeatureExtractionConfig features, Progress progress, List<TrainingListener> listeners) {
        for (TextDataset d : new TextDataset[] {source, target, eval}) {
            if (d != null) {
                d.requireSingleTexts("domain adaptation");
            }
        }
        LabelMap labels = LabelMap.fromTraining(source);
        if (eval != null) {
            labels.requireKnownLabels(eval);
        }
        target = unlabelled(target);
        List<List<String>> sets = new java.util.ArrayList<>(List.of(texts(source), texts(target)));
        if (eval != null) {
            sets.add(texts(eval));
        }
        long t0 = System.nanoTime();
        List<float[][]> f = FrozenFeatures.texts(backbone, sets, features, progress);
        double embedSeconds = (System.nanoTime() - t0) / 1e9;
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        try {
            AdaptationResult r = DomainAdaptation.run(new DomainAdaptation.Labelled(f.get(0), textLabels(source, labels)), labels.labels(),
                    f.get(1), eval == null ? null : new DomainAdaptation.Labelled(f.get(2), textLabels(eval, labels)), config, manager,
                    listeners, progress);
            TextClassifier classifier = new TextClassifier(backbone, r.head(), labels, FeatureExtraction.NAME, manager);
            Map<String, Provenance.DataFingerprint> data = new LinkedHashMap<>();
            data.put("source", textFingerprint(source, true));
            data.put("target", textFingerprint(target, false));
            if (eval != null) {
                data.put("eval", textFingerprint(eval, true));
            }
            Map<String, String> bb = new LinkedHashMap<>();
            bb.put("id", backbone.id());
            bb.put("sha256", backbone.sha256());
            bb.put("license", backbone.license());
            bb.put("source", backbone.source());
            return new AdaptationRun(r, embedSeconds, provenance(config, data, bb, r), classifier::save, classifier, eval, null);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Adapts an image classifier on a frozen CNN.
     *
     * @param source labelled source images
     * @param target target images (their folder labels are ignored)
     * @param eval   labelled target images for evaluation, or {@code null}
     */
    public static AdaptationRun images(ImageBackbone backbone, ImageDataset source, ImageDataset target, ImageDataset eval,
                                       AdaptConfig config, FeatureExtractionConfig features, int workers, Progress progress,
                                       List<TrainingListener> listeners) {
        LabelMap labels = LabelMap.of(source.classes());
        if (eval != null) {
            for (ImageExample e : eval.examples()) {
                if (!labels.contains(e.label())) {
                    throw new IllegalArgumentException("evaluation image " + e.file() + " has class '" + e.label()
                            + "', which the source data does not have (source classes: " + labels.labels() + ").");
                }
            }
        }
        List<ImageDataset> sets = new java.util.ArrayList<>(List.of(source, unlabelled(target)));
        if (eval != null) {
            sets.add(eval);
        }
        long t0 = System.nanoTime();
        List<float[][]> f = FrozenFeatures.images(backbone, sets, features, workers, progress);
        double embedSeconds = (System.nanoTime() - t0) / 1e9;
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        try {
            AdaptationResult r = DomainAdaptation.run(new DomainAdaptation.Labelled(f.get(0), imageLabels(source, labels)),
                    labels.labels(), f.get(1), eval == null ? null : new DomainAdaptation.Labelled(f.get(2), imageLabels(eval, labels)),
                    config, manager, listeners, progress);
            Path onnx = backbone.directory().resolve(VisionBackbones.ONNX);
            ImageClassifier classifier = new ImageClassifier(backbone.load(manager), r.head(), labels, backbone.preprocessing(),
                    FeatureExtraction.NAME, Map.of("id", backbone.id(), "license", backbone.license(), "source", backbone.source()), manager)
                    .withOnnxFeatures(Files.isRegularFile(onnx) ? onnx : null);
            Map<String, Provenance.DataFingerprint> data = new LinkedHashMap<>();
            data.put("source", imageFingerprint(source, true));
            data.put("target", imageFingerprint(target, false));
            if (eval != null) {
                data.put("eval", imageFingerprint(eval, true));
            }
            Map<String, String> bb = new LinkedHashMap<>();
            bb.put("id", backbone.id());
            bb.put("sha256", backbone.sha256());
            bb.put("license", backbone.license());
            bb.put("source", backbone.source());
            bb.put("preprocessing", backbone.preprocessing().toString());
            return new AdaptationRun(r, embedSeconds, provenance(config, data, bb, r), classifier::save, classifier, null, eval);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Scores, distances and the adapted head. */
    public AdaptationResult result() {
        return result;
    }

    /** The provenance that {@link #save} writes (without the command line). */
    @Override
    public Provenance provenance() {
        return provenance;
    }

    /** The adapted head's training history (for source-only, the baseline's). */
    @Override
    public FitResult fit() {
        return result.fit();
    }

    /** The adapted head on held-out source examples. */
    @Override
    public ClassificationMetrics validation() {
        return result.sourceValidation();
    }

    /** The adapted head on the labelled target evaluation set, when one was given. */
    @Override
    public Optional<ClassificationMetrics> test() {
        return result.adaptedEval();
    }

    /** The adapted model's class probabilities on the labelled target texts (error analysis); empty for images or without one. */
    public Optional<SplitPredictions> textEvalPredictions() {
        return textEval == null ? Optional.empty() : result.adaptedEvalProbabilities().map(p -> new SplitPredictions(textEval, p));
    }

    /** The adapted model's class probabilities on the labelled target images (error analysis); empty for texts or without them. */
    public Optional<ImagePredictions> imageEvalPredictions() {
        return imageEval == null ? Optional.empty() : result.adaptedEvalProbabilities().map(p -> new ImagePredictions(imageEval, p));
    }

    /** Wall time spent computing (or reading cached) frozen features of every data set. */
    @Override
    public double embedSeconds() {
        return embedSeconds;
    }

    /**
     * Saves the adapted classifier as a model directory (atomically), with the adaptation's scores in
     * {@code metrics.json}.
     *
     * @return true when an existing model was replaced
     */
    public boolean save(Path dir, List<String> commandLine) throws IOException {
        return save(dir, commandLine, staging -> { });
    }

    /** As {@link #save(Path, List)}; {@code extras} writes further files (a report) into the staging directory first. */
    public boolean save(Path dir, List<String> commandLine, ModelDirectory.Writer extras) throws IOException {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("validation", result.sourceValidation().toMap());
        result.adaptedEval().ifPresent(e -> metrics.put("test", e.toMap()));
        metrics.put("adaptation", result.metrics());
        metrics.putAll(result.fit().summary());
        return saver.save(dir, provenance.withCommandLine(commandLine), metrics, extras);
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Provenance provenance(AdaptConfig config, Map<String, Provenance.DataFingerprint> data, Map<String, String> bb,
                                         AdaptationResult r) {
        return new Provenance(Instant.now().toString(), STRATEGY_PREFIX + config.method().key(), config.training().seed(),
                config.describe(), data, bb, Versions.all(), r.metrics(), List.of());
    }

    private static List<String> texts(TextDataset d) {
        return d.examples().stream().map(TextExample::text).toList();
    }

    private static int[] textLabels(TextDataset d, LabelMap labels) {
        return d.examples().stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
    }

    private static int[] imageLabels(ImageDataset d, LabelMap labels) {
        return d.examples().stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
    }

    /** The target texts with their labels blanked, so nothing downstream can read them. */
    static TextDataset unlabelled(TextDataset d) {
        return d.derive(d.name(), d.examples().stream().map(e -> new TextExample(e.text(), "?", e.line())).toList());
    }

    /** The target images with their labels blanked, so nothing downstream can read them. */
    static ImageDataset unlabelled(ImageDataset d) {
        return d.withExamples(d.examples().stream().map(e -> new ImageExample(e.file(), "?")).toList());
    }

    private static Provenance.DataFingerprint textFingerprint(TextDataset d, boolean labelled) {
        var src = d.source();
        return new Provenance.DataFingerprint(src.path() == null ? null : src.path().toAbsolutePath().toString(), src.fileSha256(),
                d.sha256(), d.size(), labelled ? LabelMap.classCounts(d) : Map.of());
    }

    private static Provenance.DataFingerprint imageFingerprint(ImageDataset d, boolean labelled) {
        return new Provenance.DataFingerprint(d.source().toAbsolutePath().toString(), d.sha256(), d.sha256(), d.size(),
                labelled ? d.classCounts() : Map.of());
    }
}
