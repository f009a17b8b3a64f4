package dev.graft.run.auto;

import dev.graft.artifact.TextClassifier;
import dev.graft.data.DatasetSplits;
import dev.graft.data.LabelMap;
import dev.graft.data.Splits;
import dev.graft.data.TaskKind;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.eval.Evaluator;
import dev.graft.metrics.LogMe;
import dev.graft.model.hub.MavenDownloads;
import dev.graft.model.hub.MavenSettings;
import dev.graft.model.text.DownloadableTextModel;
import dev.graft.model.text.DownloadableTextModels;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.model.text.TextTokenizer;
import dev.graft.model.text.TokenizedText;
import dev.graft.run.RunListener;
import dev.graft.run.TrainingRequest;
import dev.graft.run.TrainingRun;
import dev.graft.selection.BackboneRanking;
import dev.graft.selection.ComparedMetric;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.util.Arguments;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Text data for an auto run (single-label classification, multi-label or regression, single texts or pairs): the
 * request's splits, token counts per backbone for the estimates.
 */
final class TextAutoData implements AutoData {

    private final DatasetSplits splits;
    private final Task task;
    private final FeatureExtractionConfig config;
    private final boolean valFromFile;
    private final boolean testFromFile;
    private final Map<String, TextModelSpec> specs = new HashMap<>();
    private final Map<String, long[]> tokens = new HashMap<>();
    private final Map<String, float[][]> probes = new HashMap<>();

    private TextAutoData(DatasetSplits splits, Task task, FeatureExtractionConfig config, boolean valFromFile, boolean testFromFile) {
        this.splits = splits;
        this.task = task;
        this.config = config;
        this.valFromFile = valFromFile;
        this.testFromFile = testFromFile;
    }

    /** Reads the splits {@code request} names (classification, multi-label or regression targets). */
    static TextAutoData read(TrainingRequest request, RunListener listener) {
        TrainingRun.checkSplitSettings(request, true);
        DatasetSplits splits = TrainingRun.readSplits(request, listener);
        TrainingRun.describe(splits, listener);
        TrainingRun.noteAutoPrecision(request, listener);
        boolean valFromFile = request.valFile() == null;
        return new TextAutoData(splits, Tasks.forTraining(splits, request.taskOptions()), request.featureExtractionConfig(), valFromFile,
                valFromFile && request.testFile() == null);
    }

    @Override
    public String modality() {
        return "text";
    }

    @Override
    public TaskKind task() {
        return splits.task();
    }

    @Override
    public ComparedMetric metric() {
        return ComparedMetric.forKind(splits.task());
    }

    @Override
    public List<String> defaultCandidates() {
        List<String> names = new ArrayList<>(List.of(TrainingRequest.DEFAULT_TEXT_MODEL));
        MavenDownloads downloads = new MavenDownloads(MavenSettings.fromEnvironment());
        for (DownloadableTextModel m : DownloadableTextModels.all()) {
            // present, without reading (hashing) it: a damaged copy fails as a candidate, with its reason
            if (java.nio.file.Files.isDirectory(DownloadableTextModels.directory(m)) || java.nio.file.Files.isRegularFile(downloads.localPath(m.jar()))) {
                names.add(m.name());
            }
        }
        return names;
    }

    @Override
    public int trainSize() {
        return splits.train().size();
    }

    @Override
    public int valSize() {
        return splits.val().size();
    }

    /** The backbone, resolved once (a bundled, installed or local model; a Hub name may download). */
    TextModelSpec spec(String backbone) {
        return specs.computeIfAbsent(backbone, TextModels::resolve);
    }

    /**
     * Tokens (truncated to the backbone's length) of train, validation and test. A downloadable model not used yet is
     * counted with the bundled MiniLM tokenizer (bge-small and e5-small share BERT's uncased WordPiece vocabulary) at its
     * own length, so that estimating does not install it.
     */
    private long[] tokens(String backbone) {
        return tokens.computeIfAbsent(tokenizerKey(backbone), k -> count(backbone, splits.train(), splits.val(),
                splits.test().orElse(null)));
    }

    private String tokenizerKey(String backbone) {
        Optional<DownloadableTextModel> downloadable = DownloadableTextModels.named(backbone);
        TextModelSpec spec = downloadable.isPresent() && !specs.containsKey(backbone) ? spec(TrainingRequest.DEFAULT_TEXT_MODEL) : spec(backbone);
        return spec.tokenizerFile().toString() + "#" + downloadable.map(DownloadableTextModel::maxLength).orElse(spec.maxLength());
    }

    /** Tokens of each data set (0 for a null one) under {@code backbone}'s tokenizer, as {@link #tokens} counts them. */
    private long[] count(String backbone, TextDataset... sets) {
        Optional<DownloadableTextModel> downloadable = DownloadableTextModels.named(backbone);
        TextModelSpec spec = downloadable.isPresent() && !specs.containsKey(backbone) ? spec(TrainingRequest.DEFAULT_TEXT_MODEL) : spec(backbone);
        int maxLength = downloadable.map(DownloadableTextModel::maxLength).orElse(spec.maxLength());
        try (TextTokenizer t = TextTokenizer.open(spec.tokenizerFile(), maxLength)) {
            long[] n = new long[sets.length];
            for (int i = 0; i < sets.length; i++) {
                n[i] = sets[i] == null ? 0 : count(t, sets[i]);
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the tokenizer of " + backbone + ": " + e.getMessage(), e);
        }
    }

    private static long count(TextTokenizer t, TextDataset d) {
        List<String> first = d.examples().stream().map(TextExample::text).toList();
        long n = 0;
        for (TokenizedText x : t.tokenize(first)) {
            n += x.ids().length;
        }
        if (d.examples().stream().anyMatch(e -> e.textPair() != null)) {
            List<String> second = d.examples().stream().map(e -> e.textPair() == null ? "" : e.textPair()).toList();
            for (TokenizedText x : t.tokenize(second)) {
                n += x.ids().length;
            }
        }
        return n;
    }

    private int layers(String backbone) {
        Optional<DownloadableTextModel> downloadable = DownloadableTextModels.named(backbone);
        return CostModel.textLayers(downloadable.isPresent() ? downloadable.get().id() : spec(backbone).id());
    }

    @Override
    public double rankSeconds(String backbone, int sample) {
        long[] t = tokens(backbone);
        // opening the backbone and embedding the sample; LogME itself takes a fraction of a second
        return CostModel.PROBE_FIXED_SECONDS + CostModel.textInference(t[0] * sample / Math.max(1, trainSize()), layers(backbone));
    }

    @Override
    public int trainFileRows() {
        return trainSize() + (valFromFile ? valSize() : 0) + (testFromFile ? splits.test().map(TextDataset::size).orElse(0) : 0);
    }

    @Override
    public double featureExtractionSeconds(String backbone, double keep) {
        long[] t = tokens(backbone);
        long fromFile = t[0] + (valFromFile ? t[1] : 0) + (testFromFile ? t[2] : 0);
        long other = t[0] + t[1] + t[2] - fromFile;
        return CostModel.FIXED_SECONDS + CostModel.textInference(Math.round(keep * fromFile) + other, layers(backbone));
    }

    @Override
    public double testSeconds(String backbone) {
        return testFromFile ? 0 : CostModel.textInference(tokens(backbone)[2], layers(backbone));
    }

    /** The ranking's sample: {@code sample} training examples drawn with {@code seed} (all when there are fewer). */
    private TextDataset rankSample(int sample, long seed) {
        return sample >= trainSize() ? splits.train() : Splits.subsample(splits.train(), sample, seed);
    }

    private TextDataset probePart(int n, int sample, long seed) {
        TextDataset part = rankSample(sample, seed);
        return part.derive(part.name() + " (speed probe)", part.examples().subList(0, Math.min(n, part.size())));
    }

    @Override
    public double probeSeconds(String backbone, int n, int sample, long seed) {
        return CostModel.textInference(count(backbone, probePart(n, sample, seed))[0], layers(backbone));
    }

    @Override
    public void probe(String backbone, int n, int sample, long seed, Progress progress) {
        TextDataset part = probePart(n, sample, seed);
        probes.put(backbone + "#" + sample + "#" + seed, Probes.uncached(
                dir -> new FeatureExtraction(config.withCacheDir(dir)).embeddings(spec(backbone), part, progress)));
    }

    @Override
    public double trialSeconds(String backbone, int epochs) {
        long[] t = tokens(backbone);
        return CostModel.FIXED_TRIAL_SECONDS + epochs * CostModel.textEpoch(t[0], t[1], layers(backbone))
                + CostModel.textInference(t[2], layers(backbone)) * 2;
    }

    @Override
    public double logMe(String backbone, int sample, long seed, Progress progress) {
        TextDataset part = rankSample(sample, seed);
        float[][] probed = probes.get(backbone + "#" + sample + "#" + seed);
        FeatureExtraction fx = new FeatureExtraction(config);
        float[][] x;
        if (probed == null) {
            x = fx.embeddings(spec(backbone), part, progress);
        } else if (probed.length >= part.size()) {
            x = probed;
        } else {
            x = Probes.concat(probed, fx.embeddings(spec(backbone), part.derive(part.name(),
                    part.examples().subList(probed.length, part.size())), progress));
        }
        if (task() != TaskKind.CLASSIFICATION) {
            // one target per label (multi-label) or the value itself (regression), as graft rank scores them
            return LogMe.score(x, BackboneRanking.logMeTargets(Tasks.targets(task, part), task.outputWidth()));
        }
        LabelMap labels = splits.labelMap();
        int[] y = part.examples().stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
        if (labels.size() < 2) {
            throw new IllegalArgumentException("The training data has one class; " + Arguments.name("Graft.auto") + " needs two or more.");
        }
        return LogMe.score(x, y, labels.size());
    }

    @Override
    public double scoreSeconds(String backbone, boolean test) {
        long[] t = tokens(backbone);
        return CostModel.FIXED_SECONDS + layers(backbone) * (t[1] + (test ? t[2] : 0)) * CostModel.TEXT_TORCH_INFERENCE;
    }

    @Override
    public Scores score(Path modelDir, boolean test, Progress progress) {
        try (TextClassifier c = TextClassifier.load(modelDir)) {
            String figure = metric().name(); // the task's compared figure: accuracy, macro-F1 or RMSE
            double val = Evaluator.score(c, splits.val(), progress).value(figure);
            Double t = test && splits.test().isPresent() ? Evaluator.score(c, splits.test().get(), progress).value(figure) : null;
            return new Scores(val, t);
        }
    }
}
