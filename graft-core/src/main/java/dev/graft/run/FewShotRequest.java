package dev.graft.run;

import dev.graft.data.DataOptions;
import dev.graft.strategy.fewshot.Distance;
import dev.graft.strategy.fewshot.EpisodeSpec;
import dev.graft.strategy.fewshot.EpisodicFineTuning;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything one few-shot run reads ({@code graft fewshot}): class prototypes on frozen embeddings, in one of two modes.
 * <b>Episodic</b> ({@link #trainFiles}): N-way K-shot episodes drawn from a labelled pool, optionally after episodic
 * fine-tuning of the text encoder on other classes ({@link #metaTrain}). <b>Plain</b> ({@link #support} and
 * {@link #query}): the support examples' prototypes classify every query. Every setting has {@code graft fewshot}'s
 * default and its Java name ({@code --meta-train} is {@link #metaTrain}; {@code --train} is {@link #trainFiles},
 * {@code --meta-lr} {@link #metaLearningRate}).
 *
 * <pre>{@code
 * FewShotResult r = Graft.fewShot(FewShotRequest.episodic(List.of(Path.of("train.tsv"))).way(2).shot(1, 5));
 * }</pre>
 */
public final class FewShotRequest {

    private List<Path> trainFiles = List.of();
    private boolean fileAsClass;
    private boolean fileLabelAsClass;
    private List<Path> metaTrain = List.of();
    private int metaEpisodes = 300;
    private int metaShot = 5;
    private int metaQueries = 5;
    private double metaLearningRate = 2e-5;
    private int metaMaxLength = 128;
    private Path support;
    private Path query;
    private String model = TrainingRequest.DEFAULT_TEXT_MODEL;
    private int way = 5;
    private int[] shot = {1};
    private int queries = 15;
    private int episodes = 600;
    private Distance distance = Distance.COSINE;
    private long seed = TrainingRequest.DEFAULT_SEED;
    private Integer maxExamples;
    private Integer threads;
    private DataOptions data = DataOptions.defaults();

    private FewShotRequest() {
    }

    /** A request with no data yet: give {@link #trainFiles} (episodic) or {@link #support} and {@link #query} (plain). */
    public static FewShotRequest create() {
        return new FewShotRequest();
    }

    /** Episodic evaluation on the labelled pool {@code trainFiles} (text files, or image folders of class folders). */
    public static FewShotRequest episodic(List<Path> trainFiles) {
        return create().trainFiles(trainFiles);
    }

    /** Plain classification: the prototypes of {@code support} (labelled) classify every example of {@code query}. */
    public static FewShotRequest plain(Path support, Path query) {
        return create().support(support).query(query);
    }

    /** Episodic mode: the labelled pool (text files, or image folders of class folders; one kind). */
    public FewShotRequest trainFiles(List<Path> value) {
        trainFiles = List.copyOf(value);
        return this;
    }

    /** Each pool file is one class, named by its parent folder; the files' own labels are ignored (default: no). */
    public FewShotRequest fileAsClass(boolean value) {
        fileAsClass = value;
        return this;
    }

    /** Each class is a file's parent folder plus the row's label, e.g. {@code books/positive} (default: no). */
    public FewShotRequest fileLabelAsClass(boolean value) {
        fileLabelAsClass = value;
        return this;
    }

    /** Episodic fine-tuning first: labelled texts of classes that are not the pool's (class naming as for the pool). */
    public FewShotRequest metaTrain(List<Path> value) {
        metaTrain = List.copyOf(value);
        return this;
    }

    /** Training episodes of episodic fine-tuning (default 300). */
    public FewShotRequest metaEpisodes(int value) {
        metaEpisodes = value;
        return this;
    }

    /** Support examples per class in training episodes (default 5; the way is {@link #way}). */
    public FewShotRequest metaShot(int value) {
        metaShot = value;
        return this;
    }

    /** Query examples per class in training episodes (default 5). */
    public FewShotRequest metaQueries(int value) {
        metaQueries = value;
        return this;
    }

    /** Peak AdamW learning rate of the encoder in episodic fine-tuning (default 2e-5). */
    public FewShotRequest metaLearningRate(double value) {
        metaLearningRate = value;
        return this;
    }

    /** Tokens per text in episodic fine-tuning (default 128). */
    public FewShotRequest metaMaxLength(int value) {
        metaMaxLength = value;
        return this;
    }

    /** Plain mode: labelled support examples (the prototypes). */
    public FewShotRequest support(Path value) {
        support = value;
        return this;
    }

    /** Plain mode: examples to classify (labelled or one text per line; with labels the accuracy is computed too). */
    public FewShotRequest query(Path value) {
        query = value;
        return this;
    }

    /** The frozen encoder: minilm (default), a model directory or {@code hf:org/name}; an imported image model for images. */
    public FewShotRequest model(String value) {
        model = Objects.requireNonNull(value, "model");
        return this;
    }

    /** Classes per episode (default 5). */
    public FewShotRequest way(int value) {
        way = value;
        return this;
    }

    /** Support examples per class; each value is evaluated (default 1). */
    public FewShotRequest shot(int... values) {
        shot = values.clone();
        return this;
    }

    /** Query examples per class and episode (default 15). */
    public FewShotRequest queries(int value) {
        queries = value;
        return this;
    }

    /** Episodes (default 600). */
    public FewShotRequest episodes(int value) {
        episodes = value;
        return this;
    }

    /** Query-prototype comparison (default cosine). */
    public FewShotRequest distance(Distance value) {
        distance = Objects.requireNonNull(value, "distance");
        return this;
    }

    /** Seed of the episodes and of {@link #maxExamples} (default 42). */
    public FewShotRequest seed(long value) {
        seed = value;
        return this;
    }

    /** Use at most this many examples of each pool file (seeded, stratified; default all). */
    public FewShotRequest maxExamples(Integer value) {
        maxExamples = value;
        return this;
    }

    /** CPU threads for the encoder ({@code null}, the default: all cores). */
    public FewShotRequest threads(Integer value) {
        threads = value;
        return this;
    }

    /** How text files are read: columns, format ({@link DataOptions#defaults()}). */
    public FewShotRequest data(DataOptions value) {
        data = Objects.requireNonNull(value, "data");
        return this;
    }

    /** The pool files (empty in plain mode). */
    public List<Path> trainFiles() {
        return trainFiles;
    }

    /** Whether each pool file is one class. */
    public boolean fileAsClass() {
        return fileAsClass;
    }

    /** Whether classes are folder plus label. */
    public boolean fileLabelAsClass() {
        return fileLabelAsClass;
    }

    /** The episodic fine-tuning files (empty: none). */
    public List<Path> metaTrain() {
        return metaTrain;
    }

    /** The support file, or {@code null}. */
    public Path support() {
        return support;
    }

    /** The query file, or {@code null}. */
    public Path query() {
        return query;
    }

    /** The encoder as named. */
    public String model() {
        return model;
    }

    /** The distance. */
    public Distance distance() {
        return distance;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The pool sample size per file, or {@code null} for all. */
    public Integer maxExamples() {
        return maxExamples;
    }

    /** The encoder's threads: as set, else every core. */
    public int threads() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** How text files are read. */
    public DataOptions data() {
        return data;
    }

    /** The evaluation episodes, one shape per {@link #shot} value (checked: a bad value names its argument). */
    public List<EpisodeSpec> evaluationEpisodes() {
        return Arrays.stream(shot).mapToObj(k -> new EpisodeSpec(way, k, queries, episodes, seed)).toList();
    }

    /** The episodic fine-tuning settings (checked). */
    public EpisodicFineTuning.Config fineTuning() {
        return new EpisodicFineTuning.Config(new EpisodeSpec(way, metaShot, metaQueries, metaEpisodes, seed), metaLearningRate,
                metaMaxLength);
    }
}
