package dev.graft.cli;

import dev.graft.run.FrozenData;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageExample;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FrozenFeatures;
import dev.graft.strategy.fewshot.Distance;
import dev.graft.strategy.fewshot.EpisodeSpec;
import dev.graft.strategy.fewshot.EpisodicEvaluation;
import dev.graft.strategy.fewshot.EpisodicFineTuning;
import dev.graft.strategy.fewshot.EpisodicResult;
import dev.graft.strategy.fewshot.Prototypes;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft fewshot}: prototypical classification on frozen embeddings, episodic evaluation or support/query. */
@Command(name = "fewshot", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = {"graft fewshot --train=PATH [--train=PATH...] [--file-as-class] [--way=N] [--shot=K[,K...]] [--episodes=N]",
                "               [--distance=cosine|euclidean] [--seed=S] [--model=NAME|PATH] [OPTIONS]",
                "graft fewshot --support=PATH --query=PATH [--distance=cosine|euclidean] [--model=NAME|PATH]"},
        description = {"Few-shot classification with class prototypes (the mean frozen embedding of each class; Snell et al. 2017).",
                "",
                "Episodic mode (--train): draws --episodes N-way K-shot episodes (plus --queries query examples per class)"
                        + " from the pool with --seed, classifies each query by its nearest prototype and prints the mean accuracy"
                        + " with its 95%% confidence interval (1.96·sd/√episodes). Text uses MiniLM (or --model), images (a folder"
                        + " of class folders) an imported CNN (default mobilenetv2); embeddings are cached.",
                "Plain mode (--support, --query): prototypes from the support file classify every query; prints"
                        + " label<TAB>probability<TAB>input, and the accuracy when the queries have labels.",
                "Episodic fine-tuning (--meta-train, texts): before the evaluation, the encoder is trained as a prototypical"
                        + " network on --meta-episodes episodes drawn from other classes (none may also be a --train class); the"
                        + " evaluation is printed for the frozen and for the fine-tuned encoder, on the same episodes.",
                ""})
final class FewShotCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--train", paramLabel = "PATH", description = "Episodic mode: the labelled pool (repeatable; text file or image folder).")
    List<Path> train = new ArrayList<>();

    @Option(names = "--file-as-class", description = "Each --train file is one class, named by its parent folder"
            + " (e.g. amazon_multidomain/books/train.tsv → books); the files' own labels are ignored.")
    boolean fileAsClass;

    @Option(names = "--file-label-as-class", description = "Each class is a file's parent folder plus the row's label"
            + " (e.g. books/positive): four review domains with two sentiments give eight classes.")
    boolean fileLabelAsClass;

    @Option(names = "--meta-train", paramLabel = "PATH", description = "Episodic fine-tuning: labelled texts whose classes are not"
            + " --train's (repeatable; class naming as for --train).")
    List<Path> metaTrain = new ArrayList<>();

    @Option(names = "--meta-episodes", defaultValue = "300", paramLabel = "N", description = "Training episodes (default: ${DEFAULT-VALUE}).")
    int metaEpisodes;

    @Option(names = "--meta-shot", defaultValue = "5", paramLabel = "K", description = "Support examples per class in training episodes"
            + " (default: ${DEFAULT-VALUE}); the way is --way.")
    int metaShot;

    @Option(names = "--meta-queries", defaultValue = "5", paramLabel = "Q", description = "Query examples per class in training episodes"
            + " (default: ${DEFAULT-VALUE}).")
    int metaQueries;

    @Option(names = "--meta-lr", defaultValue = "2e-5", paramLabel = "RATE", description = "Peak AdamW learning rate of the encoder"
            + " (default: ${DEFAULT-VALUE}).")
    double metaLr;

    @Option(names = "--meta-max-length", defaultValue = "128", paramLabel = "TOKENS", description = "Tokens per text while training"
            + " (default: ${DEFAULT-VALUE}).")
    int metaMaxLength;

    @Option(names = "--support", paramLabel = "PATH", description = "Plain mode: labelled support examples (the prototypes).")
    Path support;

    @Option(names = "--query", paramLabel = "PATH", description = "Plain mode: examples to classify (labelled: accuracy is printed too).")
    Path query;

    @Option(names = "--model", defaultValue = "minilm", paramLabel = "NAME|PATH",
            description = "Frozen encoder: minilm (default), a model directory or hf:org/name for text; an imported image model for images (default mobilenetv2).")
    String model;

    @Option(names = "--way", defaultValue = "5", paramLabel = "N", description = "Classes per episode (default: ${DEFAULT-VALUE}).")
    int way;

    @Option(names = "--shot", defaultValue = "1", split = ",", paramLabel = "K", description = "Support examples per class; a list (1,5) evaluates each (default: ${DEFAULT-VALUE}).")
    List<Integer> shots;

    @Option(names = "--queries", defaultValue = "15", paramLabel = "Q", description = "Query examples per class and episode (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--episodes", defaultValue = "600", paramLabel = "N", description = "Episodes (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--distance", defaultValue = "cosine", paramLabel = "cosine|euclidean", description = "Query-prototype comparison (default: ${DEFAULT-VALUE}).")
    String distance;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the episodes and of --max-examples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-examples", paramLabel = "N", description = "Use at most N examples of each --train file (seeded, stratified sample).")
    Integer maxExamples;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for the encoder (default: all cores).")
    Integer threads;

    @Mixin
    DataOptionsMixin dataOptions;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    /** Embeddings with class indices and the names of the classes. */
    private record Pool(float[][] x, int[] y, List<String> classes, List<String> inputs) {
    }

    @Override
    public Integer call() {
        UnusedOptions.refuse(spec, "few-shot prototypes are built from single texts; text pairs are classified by graft train.",
                UnusedOptions.TEXT_PAIRS);
        boolean plain = support != null || query != null;
        if (plain == !train.isEmpty()) {
            throw new IllegalArgumentException("Give either --train (episodic evaluation) or --support and --query (plain classification).");
        }
        if (plain && (support == null || query == null)) {
            throw new IllegalArgumentException("Plain mode needs both --support and --query.");
        }
        Distance d = Distance.parse(distance);
        return plain ? plain(d) : episodic(d);
    }

    private int episodic(Distance d) {
        if (fileAsClass && fileLabelAsClass) {
            throw new IllegalArgumentException("Choose one of --file-as-class and --file-label-as-class.");
        }
        List<EpisodeSpec> specs = shots.stream().map(k -> new EpisodeSpec(way, k, queries, episodes, seed)).toList();
        Pool pool = read(train, false);
        PrintStream err = System.err;
        if (!quiet) {
            err.printf(Locale.ROOT, "pool: %d examples, %d classes %s%n", pool.x().length, pool.classes().size(), counts(pool));
        }
        PrintWriter out = spec.commandLine().getOut();
        String suffix = ", " + d.name().toLowerCase(Locale.ROOT) + ", seed " + seed;
        for (EpisodeSpec s : specs) {
            EpisodicResult r = EpisodicEvaluation.run(pool.x(), pool.y(), pool.classes(), s, d, new BarProgress(err, quiet));
            out.println((metaTrain.isEmpty() ? "" : "frozen encoder: ") + r.summary() + suffix);
        }
        out.flush();
        if (!metaTrain.isEmpty()) {
            float[][] tuned = metaTrained(pool, err, out);
            for (EpisodeSpec s : specs) {
                EpisodicResult r = EpisodicEvaluation.run(tuned, pool.y(), pool.classes(), s, d, new BarProgress(err, quiet));
                out.println("episodic fine-tuning: " + r.summary() + suffix);
            }
            out.flush();
        }
        return 0;
    }

    /** Trains the encoder on the --meta-train episodes and returns its embeddings of the evaluation pool. */
    private float[][] metaTrained(Pool pool, PrintStream err, PrintWriter out) {
        if (FrozenData.isImages(metaTrain.get(0)) || FrozenData.isImages(train.get(0))) {
            throw new IllegalArgumentException("--meta-train fine-tunes text encoders; for images use graft train --strategy fine-tune.");
        }
        List<String> names = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (Path f : metaTrain) {
            for (TextExample e : FrozenData.labelledText(f, dataOptions.toOptions(), maxExamples, seed, System.err::println).examples()) {
                names.add(classOf(f, e.label()));
                texts.add(e.text());
            }
        }
        List<String> metaClasses = names.stream().distinct().sorted().toList();
        List<String> shared = metaClasses.stream().filter(pool.classes()::contains).toList();
        if (!shared.isEmpty()) {
            throw new IllegalArgumentException("Classes " + shared + " are in both --meta-train and --train: a few-shot evaluation must"
                    + " be on classes the encoder was not trained on. Use other files, or --file-label-as-class to name classes by"
                    + " folder and label.");
        }
        int[] y = names.stream().mapToInt(metaClasses::indexOf).toArray();
        TextModelSpec backbone = TextModels.resolve(model, new BarProgress(err, quiet));
        EpisodicFineTuning.Config config = new EpisodicFineTuning.Config(new EpisodeSpec(way, metaShot, metaQueries, metaEpisodes, seed),
                metaLr, metaMaxLength);
        long t0 = System.nanoTime();
        try (EpisodicFineTuning.Result r = EpisodicFineTuning.train(backbone, texts, y, config, new BarProgress(err, quiet))) {
            int tail = Math.max(1, metaEpisodes / 10);
            out.printf(Locale.ROOT, "episodic fine-tuning: %d episodes (%d-way %d-shot, %d queries) on %d classes %s, %d texts; query loss"
                            + " %.4f (first %d) → %.4f (last %d); %.0f s%n", metaEpisodes, way, metaShot, metaQueries, metaClasses.size(),
                    metaClasses, texts.size(), r.meanFirst(tail), tail, r.meanLast(tail), tail, (System.nanoTime() - t0) / 1e9);
            out.flush();
            return r.encoder().encode(pool.inputs(), new BarProgress(err, quiet));
        }
    }

    private int plain(Distance d) {
        Pool s = read(List.of(support), false);
        Pool q = read(List.of(query), true);
        Prototypes p = Prototypes.fit(s.x(), s.y(), s.classes().size(), d);
        PrintWriter out = spec.commandLine().getOut();
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
            out.printf(Locale.ROOT, "%s\t%.4f\t%s%n", s.classes().get(c), prob[c], q.inputs().get(i).replace('\n', ' ').replace('\t', ' '));
        }
        if (labelled > 0) {
            out.printf(Locale.ROOT, "accuracy: %.4f (%d of %d labelled queries; %d-class prototypes from %d support examples)%n",
                    correct / (double) labelled, correct, labelled, s.classes().size(), s.x().length);
        }
        out.flush();
        return 0;
    }

    /** Reads and embeds {@code files}; {@code labelsOptional}: a text file without labels is read one text per line. */
    private Pool read(List<Path> files, boolean labelsOptional) {
        boolean images = FrozenData.isImages(files.get(0));
        for (Path f : files) {
            if (FrozenData.isImages(f) != images) {
                throw new IllegalArgumentException(f + " is " + (images ? "not image data" : "image data")
                        + " but " + files.get(0) + " is " + (images ? "image data" : "not") + ": use one kind of data.");
            }
        }
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        FeatureExtractionConfig fx = FeatureExtractionConfig.defaults().withThreads(nThreads);
        BarProgress progress = new BarProgress(System.err, quiet);
        List<String> names = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        float[][] x;
        if (images) {
            List<ImageDataset> sets = new ArrayList<>();
            for (Path f : files) {
                ImageDataset data = FrozenData.images(f, maxExamples, seed, Math.min(2, nThreads), System.err::println);
                if (fileAsClass || fileLabelAsClass) {
                    data = data.withExamples(data.examples().stream().map(e -> new ImageExample(e.file(), classOf(f, e.label()))).toList());
                }
                sets.add(data);
                data.examples().forEach(e -> {
                    names.add(e.label());
                    inputs.add(e.file().toString());
                });
            }
            x = concat(FrozenFeatures.images(FrozenData.imageModel(model), sets, fx, Math.max(1, Math.min(2, nThreads)), progress));
        } else {
            TextModelSpec backbone = TextModels.resolve(model, progress);
            List<List<String>> sets = new ArrayList<>();
            for (Path f : files) {
                TextDataset data = labelsOptional ? FrozenData.maybeLabelledText(f, dataOptions.toOptions())
                        : FrozenData.labelledText(f, dataOptions.toOptions(), maxExamples, seed, System.err::println);
                for (TextExample e : data.examples()) {
                    names.add(labelsOptional ? e.label() : classOf(f, e.label()));
                    inputs.add(e.text());
                }
                sets.add(data.examples().stream().map(TextExample::text).toList());
            }
            x = concat(FrozenFeatures.texts(backbone, sets, fx, progress));
        }
        List<String> classes = names.stream().distinct().sorted().toList();
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        classes.forEach(c -> index.put(c, index.size()));
        int[] y = names.stream().mapToInt(index::get).toArray();
        return new Pool(x, y, classes, inputs);
    }

    /** The class of a row labelled {@code label} in {@code file}: its label, its file's folder, or both. */
    private String classOf(Path file, String label) {
        return fileAsClass ? className(file) : fileLabelAsClass ? className(file) + "/" + label : label;
    }

    private static String className(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        return parent != null && parent.getFileName() != null ? parent.getFileName().toString() : abs.getFileName().toString();
    }

    private static float[][] concat(List<float[][]> parts) {
        return parts.stream().flatMap(java.util.Arrays::stream).toArray(float[][]::new);
    }

    private static String counts(Pool p) {
        int[] n = new int[p.classes().size()];
        for (int c : p.y()) {
            n[c]++;
        }
        StringBuilder sb = new StringBuilder("{");
        for (int c = 0; c < n.length; c++) {
            sb.append(c == 0 ? "" : ", ").append(p.classes().get(c)).append('=').append(n[c]);
        }
        return sb.append('}').toString();
    }
}
