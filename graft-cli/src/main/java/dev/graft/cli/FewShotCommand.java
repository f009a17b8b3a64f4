package dev.graft.cli;

import dev.graft.run.FewShotRequest;
import dev.graft.run.FewShotResult;
import dev.graft.run.FewShotRun;
import dev.graft.strategy.fewshot.Distance;
import dev.graft.strategy.fewshot.EpisodicResult;
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

    @Override
    public Integer call() {
        UnusedOptions.refuse(spec, "few-shot prototypes are built from single texts; text pairs are classified by graft train.",
                UnusedOptions.TEXT_PAIRS);
        FewShotRequest request = FewShotRequest.create().trainFiles(train).support(support).query(query).fileAsClass(fileAsClass)
                .fileLabelAsClass(fileLabelAsClass).metaTrain(metaTrain).metaEpisodes(metaEpisodes).metaShot(metaShot)
                .metaQueries(metaQueries).metaLearningRate(metaLr).metaMaxLength(metaMaxLength).model(model).way(way)
                .shot(shots.stream().mapToInt(Integer::intValue).toArray()).queries(queries).episodes(episodes)
                .distance(Distance.parse(distance)).seed(seed).maxExamples(maxExamples).threads(threads).data(dataOptions.toOptions());
        FewShotResult result = FewShotRun.run(request, TrainingOptions.listener(System.err, quiet));
        PrintWriter out = spec.commandLine().getOut();
        if (result instanceof FewShotResult.Episodic e) {
            print(out, e);
        } else {
            print(out, (FewShotResult.Plain) result);
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, FewShotResult.Episodic r) {
        String suffix = ", " + r.distance().name().toLowerCase(Locale.ROOT) + ", seed " + r.seed();
        for (EpisodicResult e : r.frozen()) {
            out.println((r.training().isEmpty() ? "" : "frozen encoder: ") + e.summary() + suffix);
        }
        r.training().ifPresent(t -> out.println("episodic fine-tuning: " + t.summary()));
        for (EpisodicResult e : r.fineTuned()) {
            out.println("episodic fine-tuning: " + e.summary() + suffix);
        }
    }

    private static void print(PrintWriter out, FewShotResult.Plain r) {
        for (FewShotResult.QueryPrediction p : r.predictions()) {
            out.printf(Locale.ROOT, "%s\t%.4f\t%s%n", p.label(), p.probability(), p.input().replace('\n', ' ').replace('\t', ' '));
        }
        r.accuracy().ifPresent(a -> out.printf(Locale.ROOT, "accuracy: %.4f (%d of %d labelled queries; %d-class prototypes from %d"
                + " support examples)%n", a, r.correct(), r.labelled(), r.classes().size(), r.supportExamples()));
    }
}
