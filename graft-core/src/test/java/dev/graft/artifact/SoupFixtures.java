package dev.graft.artifact;

import dev.graft.run.RunListener;
import dev.graft.run.RunTracking;
import dev.graft.run.TrainingRequest;
import dev.graft.run.TrainingResult;
import dev.graft.run.TrainingRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Small text sets and real MiniLM models trained on them, for the weight-averaging and soup tests. */
public final class SoupFixtures {

    private static final String[] SPORTS = {"team", "goal", "match", "runner", "referee", "striker", "keeper", "stadium"};
    private static final String[] FOOD = {"cake", "soup", "pizza", "bread", "sauce", "pasta", "salad", "oven"};
    private static final String[] FILLER = {"the", "a", "was", "is", "near", "with", "today", "again", "very", "then"};

    /** Texts to predict. */
    public static final List<String> PROBES = List.of("the striker was near the goal", "a pizza with sauce", "the oven again",
            "the referee and the team");

    private SoupFixtures() {
    }

    /** {@code n} short sentences, half about sports, half about food, a share {@code noise} of the labels flipped (seeded). */
    public static Path csv(Path dir, String name, int n, double noise, long seed) throws IOException {
        Random rng = new Random(seed);
        StringBuilder b = new StringBuilder("text,label\n");
        for (int i = 0; i < n; i++) {
            boolean sports = i % 2 == 0;
            String[] topic = sports ? SPORTS : FOOD;
            String text = FILLER[rng.nextInt(FILLER.length)] + " " + topic[rng.nextInt(topic.length)] + " "
                    + FILLER[rng.nextInt(FILLER.length)] + " " + (rng.nextDouble() < 0.5 ? topic[rng.nextInt(topic.length)]
                    : (sports ? FOOD : SPORTS)[rng.nextInt(8)]);
            boolean label = rng.nextDouble() < noise != sports;
            b.append(text).append(',').append(label ? "sports" : "food").append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, b.toString(), StandardCharsets.UTF_8);
        return p;
    }

    /** Trains MiniLM on {@code train} (validated on {@code val}) with {@code strategy} for one epoch, saved at {@code out}. */
    public static Path train(Path train, Path val, String strategy, long seed, double lrBackbone, Path out) throws IOException {
        TrainingRequest r = TrainingRequest.of(train, out).valFile(val).model("minilm").strategy(strategy).seed(seed)
                .baselines(false).tracking(RunTracking.off());
        if (strategy.equals("fine-tune")) {
            r = r.epochs(1).lrBackbone(lrBackbone);
        }
        try (TrainingResult result = TrainingRun.run(r, RunListener.SILENT)) {
            return result.modelDir();
        }
    }

    /** Copies a model directory (a test's own files) to {@code target}. */
    public static Path copy(Path source, Path target) throws IOException {
        try (var walk = Files.walk(source)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path t = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return target;
    }
}
