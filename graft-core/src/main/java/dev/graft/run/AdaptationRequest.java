package dev.graft.run;

import dev.graft.data.DataOptions;
import dev.graft.strategy.adapt.AdaptConfig;
import dev.graft.strategy.adapt.AdaptMethod;
import dev.graft.strategy.adapt.Coral;
import dev.graft.training.TrainConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one domain-adaptation run reads ({@code graft adapt}): labelled source data, unlabelled target data,
 * optionally labelled target data to score on, the method, the frozen backbone, the settings, where the model goes and
 * how the run is recorded. Every setting has {@code graft adapt}'s default and its Java name ({@code --max-source} is
 * {@link #maxSource}, {@code --hidden} is {@link #hiddenUnits}, {@code --pad-examples} is {@link #padMaxPerDomain}).
 *
 * <pre>{@code
 * try (DomainAdaptationResult r = Graft.adapt(AdaptationRequest.of(Path.of("books.tsv"), Path.of("kitchen.txt"),
 *         AdaptMethod.CORAL, Path.of("adapted")).eval(Path.of("kitchen-labelled.tsv")))) {
 *     System.out.println(r.adaptation().adaptedEval());
 * }
 * }</pre>
 *
 * <p>Text or images is decided by the source data (a folder of class folders is images).
 */
public final class AdaptationRequest {

    /** Held-out share of the source data for validation and early stopping. */
    public static final double VAL_FRACTION = 0.1;

    private final Path source;
    private final Path targetUnlabeled;
    private final AdaptMethod method;
    private final Path output;
    private Path eval;
    private String model = TrainingRequest.DEFAULT_TEXT_MODEL;
    private int epochs = 30;
    private double learningRate = 1e-3;
    private int batchSize = 64;
    private int patience = 10;
    private int hiddenUnits = 256;
    private double dropout = 0.1;
    private double adaptWeight = 1.0;
    private double coralLambda = Coral.DEFAULT_LAMBDA;
    private long seed = TrainingRequest.DEFAULT_SEED;
    private Integer maxSource;
    private Integer maxTarget;
    private Integer maxEval;
    private int padMaxPerDomain = 1000;
    private Integer threads;
    private DataOptions data = DataOptions.defaults();
    private RunTracking tracking = RunTracking.defaults();
    private List<String> commandLine = List.of();

    private AdaptationRequest(Path source, Path targetUnlabeled, AdaptMethod method, Path output) {
        this.source = Objects.requireNonNull(source, "source");
        this.targetUnlabeled = Objects.requireNonNull(targetUnlabeled, "targetUnlabeled");
        this.method = Objects.requireNonNull(method, "method");
        this.output = Objects.requireNonNull(output, "output");
    }

    /**
     * Adapts a classifier trained on {@code source} (labelled) to the domain of {@code targetUnlabeled} (only its texts
     * or images are read) with {@code method}, saving it to {@code output} (an existing Graft model there is replaced).
     */
    public static AdaptationRequest of(Path source, Path targetUnlabeled, AdaptMethod method, Path output) {
        return new AdaptationRequest(source, targetUnlabeled, method, output);
    }

    /** Labelled target data to score the source-only baseline and the adapted model on (default: none). */
    public AdaptationRequest eval(Path value) {
        eval = value;
        return this;
    }

    /**
     * The frozen backbone: {@code minilm} (default), a text model directory or a model saved by {@code Graft.train}
     * (its possibly fine-tuned encoder), {@code hf:org/name}; an imported image model for images (default mobilenetv2).
     */
    public AdaptationRequest model(String value) {
        model = Objects.requireNonNull(value, "model");
        return this;
    }

    /** Maximum epochs (default 30). */
    public AdaptationRequest epochs(int value) {
        epochs = value;
        return this;
    }

    /** AdamW learning rate (default 1e-3). */
    public AdaptationRequest learningRate(double value) {
        learningRate = value;
        return this;
    }

    /** Source (and target) examples per step (default 64). */
    public AdaptationRequest batchSize(int value) {
        batchSize = value;
        return this;
    }

    /** Epochs without improvement on held-out source before stopping; 0 = never (default 10). */
    public AdaptationRequest patience(int value) {
        patience = value;
        return this;
    }

    /** Adapter width (the head's hidden layer), for every method (default 256). */
    public AdaptationRequest hiddenUnits(int value) {
        hiddenUnits = value;
        return this;
    }

    /** Head dropout (default 0.1). */
    public AdaptationRequest dropout(double value) {
        dropout = value;
        return this;
    }

    /** mmd/dann: weight of the domain loss (default 1). */
    public AdaptationRequest adaptWeight(double value) {
        adaptWeight = value;
        return this;
    }

    /** coral: covariance regularisation, times the mean feature variance (default {@link Coral#DEFAULT_LAMBDA}). */
    public AdaptationRequest coralLambda(double value) {
        coralLambda = value;
        return this;
    }

    /** Seed of splits, sampling, initialisation and dropout (default 42). */
    public AdaptationRequest seed(long value) {
        seed = value;
        return this;
    }

    /** Use at most this many source examples (seeded, stratified; default all). */
    public AdaptationRequest maxSource(Integer value) {
        maxSource = value;
        return this;
    }

    /** Use at most this many target examples (seeded, uniform: the labels are not read; default all). */
    public AdaptationRequest maxTarget(Integer value) {
        maxTarget = value;
        return this;
    }

    /** Score on at most this many evaluation examples (seeded, stratified; default all). */
    public AdaptationRequest maxEval(Integer value) {
        maxEval = value;
        return this;
    }

    /** Examples per domain for the proxy A-distance (default 1000). */
    public AdaptationRequest padMaxPerDomain(int value) {
        padMaxPerDomain = value;
        return this;
    }

    /** CPU threads for the backbone ({@code null}, the default: all cores). */
    public AdaptationRequest threads(Integer value) {
        threads = value;
        return this;
    }

    /** How text files are read: columns, format ({@link DataOptions#defaults()}). */
    public AdaptationRequest data(DataOptions value) {
        data = Objects.requireNonNull(value, "data");
        return this;
    }

    /** Where and how the run is recorded (default {@link RunTracking#defaults()}: {@code ./mlruns}). */
    public AdaptationRequest tracking(RunTracking value) {
        tracking = Objects.requireNonNull(value, "tracking");
        return this;
    }

    /** The arguments recorded in the model's provenance (the CLI's command line; default none). */
    public AdaptationRequest commandLine(List<String> value) {
        commandLine = List.copyOf(value);
        return this;
    }

    /** The labelled source data. */
    public Path source() {
        return source;
    }

    /** The target data whose labels are not read. */
    public Path targetUnlabeled() {
        return targetUnlabeled;
    }

    /** The labelled target evaluation data, or {@code null}. */
    public Path eval() {
        return eval;
    }

    /** The method. */
    public AdaptMethod method() {
        return method;
    }

    /** The model directory to write. */
    public Path output() {
        return output;
    }

    /** The backbone as named. */
    public String model() {
        return model;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The source sample size, or {@code null} for all. */
    public Integer maxSource() {
        return maxSource;
    }

    /** The target sample size, or {@code null} for all. */
    public Integer maxTarget() {
        return maxTarget;
    }

    /** The evaluation sample size, or {@code null} for all. */
    public Integer maxEval() {
        return maxEval;
    }

    /** The backbone's threads: as set, else every core. */
    public int threads() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** How text files are read. */
    public DataOptions data() {
        return data;
    }

    /** How the run is recorded. */
    public RunTracking tracking() {
        return tracking;
    }

    /** The recorded arguments. */
    public List<String> commandLine() {
        return commandLine;
    }

    /** The adaptation settings (checked: a bad value names its argument). */
    public AdaptConfig config() {
        TrainConfig training = TrainConfig.defaults().withSeed(seed).withEpochs(epochs).withLearningRate(learningRate)
                .withBatchSize(batchSize).withPatience(patience);
        return new AdaptConfig(method, hiddenUnits, dropout, training, adaptWeight, coralLambda, VAL_FRACTION, padMaxPerDomain);
    }

    /** The run's settings as recorded by tracking: the adaptation settings plus the data and model chosen. */
    Map<String, Object> runParams(AdaptConfig config) {
        Map<String, Object> p = new LinkedHashMap<>(config.describe());
        p.put("model", model);
        p.put("source", source.toString());
        p.put("target_unlabeled", targetUnlabeled.toString());
        p.put("eval", eval == null ? "none" : eval.toString());
        p.put("max_source", maxSource == null ? "all" : maxSource.toString());
        p.put("max_target", maxTarget == null ? "all" : maxTarget.toString());
        p.put("max_eval", maxEval == null ? "all" : maxEval.toString());
        return p;
    }
}
