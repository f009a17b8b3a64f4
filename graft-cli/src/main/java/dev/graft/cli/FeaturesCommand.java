package dev.graft.cli;

import dev.graft.run.FeatureDump;
import dev.graft.run.TrainingRequest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft features}: the frozen features feature extraction trains on, with their labels, as a NumPy archive. */
@Command(name = "features", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the frozen features Graft's feature-extraction head sees (same splits as graft train with the same"
                + " data options and seed, same pooling, same embedding cache) to a NumPy .npz archive, to fit a model of your"
                + " own on exactly Graft's inputs.",
                "Arrays: train_x [n, d] float32, train_y [n] int32 class indices, val_x/val_y, test_x/test_y when there is a"
                        + " test split, labels (class names in index order), model and pooling. Read with numpy.load(FILE).",
                "Classification data, text or image folders. Options that only train (fine-tuning, head settings) are refused.",
                ""})
final class FeaturesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingOptions options;

    @Option(names = "--out", required = true, paramLabel = "FILE.npz", description = "The archive to write (a new file).")
    Path out;

    @Option(names = "--pooling", paramLabel = "P", description = "text: mean, cls, mean-last-K, mean-concat-last-K, cls+mean, ..."
            + " as for graft train (default: the model's own).")
    String pooling;

    @Option(names = "--image-size", paramLabel = "N", description = "images: crop size fed to the network instead of the model's.")
    Integer imageSize;

    @Option(names = "--tta", paramLabel = "none|flip", description = "images: test-time augmentation, each image's features"
            + " averaged with those of its horizontal mirror (default: none). Helps only mirror-symmetric classes.")
    String tta;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        UnusedOptions.refuse(spec, "graft features only computes frozen features; these options train a model.",
                UnusedOptions.concat(UnusedOptions.FINE_TUNING, "--strategy", "--device", "--epochs", "--hidden", "--dropout",
                        "--batch-size", "--optimizer", "--momentum", "--schedule", "--warmup", "--max-grad-norm", "--patience",
                        "--monitor", "--head-solver", "--class-weights", "--decision-threshold", "--weight-decay"));
        TrainingRequest request = options.request().pooling(pooling).tta(tta).imageSize(imageSize);
        FeatureDump.Result r = FeatureDump.write(request, out, TrainingOptions.listener(System.err, quiet));
        PrintWriter w = spec.commandLine().getOut();
        int total = r.rows().values().stream().mapToInt(Integer::intValue).sum();
        w.printf(Locale.ROOT, "wrote %s: %s, %d features each, %s %s%n", r.file(), rows(r.rows()), r.dimension(), r.backbone(),
                r.pooling().equals("none") ? "" : "(" + r.pooling() + ")");
        w.printf(Locale.ROOT, "features obtained in %.1f s (%.1f s per 1,000 inputs; cache reads included)%n", r.seconds(),
                total == 0 ? 0 : r.seconds() * 1000 / total);
        w.flush();
        return 0;
    }

    private static String rows(Map<String, Integer> rows) {
        StringBuilder b = new StringBuilder();
        rows.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return b.toString();
    }
}
