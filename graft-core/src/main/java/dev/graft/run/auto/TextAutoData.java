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
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
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

/** Text classification data for an auto run: the request's splits, token counts per backbone for the estimates. */
final class TextAutoData implements AutoData {

    private final DatasetSplits splits;
    private final FeatureExtractionConfig config;
    private final Map<String, TextModelSpec> specs = new HashMap<>();
    private final Map<String, long[]> tokens = new HashMap<>();

    private TextAutoData(DatasetSplits splits, FeatureExtractionConfig config) {
        this.splits = splits;
        this.config = config;
    }

    /** Reads the splits {@code request} names; refuses tasks other than single-label classification. */
    static TextAutoData read(TrainingRequest request, RunListener listener) {
        TrainingRun.checkSplitSettings(request, true);
        if (request.data().targets().task() != TaskKind.CLASSIFICATION) {
            throw AutoRun.refuseTask(request.data().targets().task());
        }
        DatasetSplits splits = TrainingRun.readSplits(request, listener);
        TrainingRun.describe(splits, listener);
        return new TextAutoData(splits, request.featureExtractionConfig());
    }

    @Override
    public String modality() {
        return "text";
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
        Optional<DownloadableTextModel> downloadable = DownloadableTextModels.named(backbone);
        TextModelSpec spec = downloadable.isPresent() && !specs.containsKey(backbone) ? spec(TrainingRequest.DEFAULT_TEXT_MODEL) : spec(backbone);
        int maxLength = downloadable.map(DownloadableTextModel::maxLength).orElse(spec.maxLength());
        return tokens.computeIfAbsent(spec.tokenizerFile().toString() + "#" + maxLength, k -> {
            try (TextTokenizer t = TextTokenizer.open(spec.tokenizerFile(), maxLength)) {
                return new long[] {count(t, splits.train()), count(t, splits.val()),
                        splits.test().map(d -> count(t, d)).orElse(0L)};
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the tokenizer of " + backbone + ": " + e.getMessage(), e);
            }
        });
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
        return CostModel.FIXED_SECONDS + CostModel.textInference(t[0] * sample / Math.max(1, trainSize()), layers(backbone));
    }

    @Override
    public double featureExtractionSeconds(String backbone) {
        long[] t = tokens(backbone);
        return CostModel.FIXED_SECONDS + CostModel.textInference(t[0] + t[1] + t[2], layers(backbone));
    }

    @Override
    public double trialSeconds(String backbone, int epochs) {
        long[] t = tokens(backbone);
        return CostModel.FIXED_TRIAL_SECONDS + epochs * CostModel.textEpoch(t[0], t[1], layers(backbone))
                + CostModel.textInference(t[2], layers(backbone)) * 2;
    }

    @Override
    public double logMe(String backbone, int sample, long seed, Progress progress) {
        TextDataset part = sample >= trainSize() ? splits.train() : Splits.subsample(splits.train(), sample, seed);
        float[][] x = new FeatureExtraction(config).embeddings(spec(backbone), part, progress);
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
            double val = Evaluator.evaluate(c, splits.val(), progress).metrics().accuracy();
            Double t = test && splits.test().isPresent() ? Evaluator.evaluate(c, splits.test().get(), progress).metrics().accuracy() : null;
            return new Scores(val, t);
        }
    }
}
