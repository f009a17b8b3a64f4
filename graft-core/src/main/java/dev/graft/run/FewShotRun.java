package dev.graft.run;

import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageExample;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FrozenFeatures;
import dev.graft.strategy.fewshot.EpisodeSpec;
import dev.graft.strategy.fewshot.EpisodicEvaluation;
import dev.graft.strategy.fewshot.EpisodicFineTuning;
import dev.graft.strategy.fewshot.EpisodicResult;
import dev.graft.strategy.fewshot.Prototypes;
import dev.graft.util.Arguments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Few-shot classification with class prototypes (the mean frozen embedding of each class; Snell et al. 2017), as
 * {@code graft fewshot} runs it and a Java caller gets it in one call ({@code Graft.fewShot}). Episodic mode reads and
 * embeds the pool (text, or images from folders of class folders; embeddings cached), evaluates N-way K-shot episodes
 * for every shot asked for ({@link EpisodicEvaluation}) and, with {@code metaTrain} files, fine-tunes the text encoder
 * as a prototypical network on other classes ({@link EpisodicFineTuning}) and evaluates it on the same episodes. Plain
 * mode classifies every query by the support set's prototypes.
 */
public final class FewShotRun {

    /** Embeddings with class indices, the names of the classes, and the inputs (texts or image files). */
    private record Pool(float[][] x, int[] y, List<String> classes, List<String> inputs) {
    }

    private FewShotRun() {
    }

    /** Runs what {@code request} describes, telling {@code listener} of progress, the pool read and notes. */
    public static FewShotResult run(FewShotRequest request, RunListener listener) {
        boolean plain = request.support() != null || request.query() != null;
        if (plain == !request.trainFiles().isEmpty()) {
            throw new IllegalArgumentException("Give either " + Arguments.name("trainFiles") + " (episodic evaluation) or "
                    + Arguments.name("support") + " and " + Arguments.name("query") + " (plain classification).");
        }
        if (plain && (request.support() == null || request.query() == null)) {
            throw new IllegalArgumentException("Plain mode needs both " + Arguments.name("support") + " and " + Arguments.name("query") + ".");
        }
        return plain ? plain(request, listener) : episodic(request, listener);
    }

    private static FewShotResult.Episodic episodic(FewShotRequest r, RunListener listener) {
        if (r.fileAsClass() && r.fileLabelAsClass()) {
            throw new IllegalArgumentException("Choose one of " + Arguments.name("fileAsClass") + " and " + Arguments.name("fileLabelAsClass") + ".");
        }
        List<EpisodeSpec> specs = r.evaluationEpisodes();
        boolean meta = !r.metaTrain().isEmpty();
        if (meta && (FrozenData.isImages(r.metaTrain().get(0)) || FrozenData.isImages(r.trainFiles().get(0)))) {
            throw new IllegalArgumentException(Arguments.name("metaTrain") + " fine-tunes text encoders; for images use "
                    + Arguments.name("Graft.train") + " with " + Arguments.name("strategy") + " fine-tune.");
        }
        EpisodicFineTuning.Config tuning = meta ? r.fineTuning() : null;
        Pool pool = read(r, r.trainFiles(), false, listener);
        Map<String, Integer> counts = counts(pool);
        listener.summary("pool: " + pool.x().length + " examples, " + pool.classes().size() + " classes " + counts);
        List<String> metaTexts = new ArrayList<>();
        List<String> metaClasses = List.of();
        int[] metaLabels = null;
        if (meta) { // read and checked before any evaluation, so a mistake costs no time
            List<String> names = new ArrayList<>();
            for (Path f : r.metaTrain()) {
                for (TextExample e : FrozenData.labelledText(f, r.data(), r.maxExamples(), r.seed(), listener::message).examples()) {
                    names.add(classOf(r, f, e.label()));
                    metaTexts.add(e.text());
                }
            }
            metaClasses = names.stream().distinct().sorted().toList();
            List<String> shared = metaClasses.stream().filter(pool.classes()::contains).toList();
            if (!shared.isEmpty()) {
                throw new IllegalArgumentException("Classes " + shared + " are in both " + Arguments.name("metaTrain") + " and "
                        + Arguments.name("trainFiles") + ": a few-shot evaluation must be on classes the encoder was not trained on."
                        + " Use other files, or " + Arguments.name("fileLabelAsClass") + " to name classes by folder and label.");
            }
            List<String> classes = metaClasses;
            metaLabels = names.stream().mapToInt(classes::indexOf).toArray();
        }
        List<EpisodicResult> frozen = evaluate(pool.x(), pool, specs, r, listener);
        if (!meta) {
            return new FewShotResult.Episodic(pool.x().length, counts, r.distance(), r.seed(), frozen, Optional.empty(), List.of());
        }
        TextModelSpec backbone = TextModels.resolve(r.model(), listener.progress());
        long t0 = System.nanoTime();
        try (EpisodicFineTuning.Result trained = EpisodicFineTuning.train(backbone, metaTexts, metaLabels, tuning, listener.progress())) {
            EpisodeSpec e = tuning.episode();
            int tail = Math.max(1, e.episodes() / 10);
            FewShotResult.EpisodicTraining training = new FewShotResult.EpisodicTraining(e.episodes(), e.way(), e.shot(), e.queries(),
                    metaClasses, metaTexts.size(), tail, trained.meanFirst(tail), trained.meanLast(tail), (System.nanoTime() - t0) / 1e9);
            float[][] tuned = trained.encoder().encode(pool.inputs(), listener.progress());
            return new FewShotResult.Episodic(pool.x().length, counts, r.distance(), r.seed(), frozen, Optional.of(training),
                    evaluate(tuned, pool, specs, r, listener));
        }
    }

    private static List<EpisodicResult> evaluate(float[][] x, Pool pool, List<EpisodeSpec> specs, FewShotRequest r, RunListener listener) {
        return specs.stream().map(s -> EpisodicEvaluation.run(x, pool.y(), pool.classes(), s, r.distance(), listener.progress())).toList();
    }

    private static FewShotResult.Plain plain(FewShotRequest r, RunListener listener) {
        Pool s = read(r, List.of(r.support()), false, listener);
        Pool q = read(r, List.of(r.query()), true, listener);
        Prototypes p = Prototypes.fit(s.x(), s.y(), s.classes().size(), r.distance());
        List<FewShotResult.QueryPrediction> predictions = new ArrayList<>();
        int correct = 0;
        int labelled = 0;
        for (int i = 0; i < q.x().length; i++) {
            float[] prob = p.probabilities(q.x()[i]);
            int c = p.classify(q.x()[i]);
            String gold = q.classes().get(q.y()[i]);
            if (s.classes().contains(gold)) {
                labelled++;
                correct += s.classes().get(c).equals(gold) ? 1 : 0;
            }
            predictions.add(new FewShotResult.QueryPrediction(q.inputs().get(i), s.classes().get(c), prob[c], gold));
        }
        return new FewShotResult.Plain(s.classes(), s.x().length, predictions, correct, labelled);
    }

    /** Reads and embeds {@code files}; {@code labelsOptional}: a text file without labels is read one text per line. */
    private static Pool read(FewShotRequest r, List<Path> files, boolean labelsOptional, RunListener listener) {
        boolean images = FrozenData.isImages(files.get(0));
        for (Path f : files) {
            if (FrozenData.isImages(f) != images) {
                throw new IllegalArgumentException(f + " is " + (images ? "not image data" : "image data")
                        + " but " + files.get(0) + " is " + (images ? "image data" : "not") + ": use one kind of data.");
            }
        }
        int threads = r.threads();
        FeatureExtractionConfig fx = FeatureExtractionConfig.defaults().withThreads(threads);
        List<String> names = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        float[][] x;
        if (images) {
            List<ImageDataset> sets = new ArrayList<>();
            for (Path f : files) {
                ImageDataset data = FrozenData.images(f, r.maxExamples(), r.seed(), Math.min(2, threads), listener::message);
                if (r.fileAsClass() || r.fileLabelAsClass()) {
                    data = data.withExamples(data.examples().stream().map(e -> new ImageExample(e.file(), classOf(r, f, e.label()))).toList());
                }
                sets.add(data);
                data.examples().forEach(e -> {
                    names.add(e.label());
                    inputs.add(e.file().toString());
                });
            }
            x = concat(FrozenFeatures.images(FrozenData.imageModel(r.model()), sets, fx, Math.max(1, Math.min(2, threads)),
                    listener.progress()));
        } else {
            dev.graft.util.Progress progress = listener.progress();
            TextModelSpec backbone = TextModels.resolve(r.model(), progress);
            List<List<String>> sets = new ArrayList<>();
            for (Path f : files) {
                TextDataset data = labelsOptional ? FrozenData.maybeLabelledText(f, r.data())
                        : FrozenData.labelledText(f, r.data(), r.maxExamples(), r.seed(), listener::message);
                for (TextExample e : data.examples()) {
                    names.add(labelsOptional ? e.label() : classOf(r, f, e.label()));
                    inputs.add(e.text());
                }
                sets.add(data.examples().stream().map(TextExample::text).toList());
            }
            x = concat(FrozenFeatures.texts(backbone, sets, fx, progress));
        }
        List<String> classes = names.stream().distinct().sorted().toList();
        Map<String, Integer> index = new HashMap<>();
        classes.forEach(c -> index.put(c, index.size()));
        int[] y = names.stream().mapToInt(index::get).toArray();
        return new Pool(x, y, classes, inputs);
    }

    /** The class of a row labelled {@code label} in {@code file}: its label, its file's folder, or both. */
    private static String classOf(FewShotRequest r, Path file, String label) {
        return r.fileAsClass() ? className(file) : r.fileLabelAsClass() ? className(file) + "/" + label : label;
    }

    private static String className(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        return parent != null && parent.getFileName() != null ? parent.getFileName().toString() : abs.getFileName().toString();
    }

    private static float[][] concat(List<float[][]> parts) {
        return parts.stream().flatMap(Arrays::stream).toArray(float[][]::new);
    }

    /** Examples of each class, in the classes' (sorted) order. */
    private static Map<String, Integer> counts(Pool p) {
        int[] n = new int[p.classes().size()];
        for (int c : p.y()) {
            n[c]++;
        }
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int c = 0; c < n.length; c++) {
            m.put(p.classes().get(c), n[c]);
        }
        return m;
    }
}
