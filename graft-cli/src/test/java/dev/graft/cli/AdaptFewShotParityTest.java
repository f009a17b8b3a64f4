package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.api.Graft;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextExample;
import dev.graft.run.AdaptationRequest;
import dev.graft.run.DomainAdaptationResult;
import dev.graft.run.FewShotRequest;
import dev.graft.run.FewShotResult;
import dev.graft.run.RunTracking;
import dev.graft.strategy.adapt.AdaptMethod;
import dev.graft.strategy.adapt.AdaptationResult;
import dev.graft.strategy.fewshot.EpisodicResult;
import dev.graft.util.Arguments;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Graft.adapt} and {@code Graft.fewShot} give a Java caller the run {@code graft adapt} and {@code graft fewshot}
 * give a CLI user: on the same Amazon reviews (books → kitchen) and seed, the same figures, bit for bit. Skipped
 * without {@code ../shared}.
 */
@ExtendWith(PrivateGraftHome.class)
class AdaptFewShotParityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path AMAZON = Path.of(System.getProperty("graft.repo.root", "..")).toAbsolutePath().normalize()
            .resolveSibling("shared").resolve("data/text/amazon_multidomain");

    @TempDir
    Path dir;

    private static Path amazon(String domain, String file) {
        Path p = AMAZON.resolve(domain).resolve(file);
        assumeTrue(Files.isRegularFile(p), "shared data absent: " + p);
        return p;
    }

    @Test
    void adaptFromJavaEqualsTheCli() throws Exception {
        Path books = amazon("books", "train.tsv");
        Path kitchen = amazon("kitchen", "train.tsv");
        Path kitchenDev = amazon("kitchen", "dev.tsv");
        Path cliModel = dir.resolve("cli-adapted");
        CliHarness.Result r = CliHarness.run("adapt", "--source", books.toString(), "--target-unlabeled", kitchen.toString(), "--eval",
                kitchenDev.toString(), "--method", "coral", "--max-source", "120", "--max-target", "80", "--max-eval", "60", "--epochs", "4",
                "--hidden", "32", "--pad-examples", "40", "--seed", "7", "--out", cliModel.toString(), "--no-track", "-q");
        assertEquals(0, r.code(), r::toString);

        Path javaModel = dir.resolve("java-adapted");
        try (DomainAdaptationResult j = Graft.adapt(AdaptationRequest.of(books, kitchen, AdaptMethod.CORAL, javaModel).eval(kitchenDev)
                .maxSource(120).maxTarget(80).maxEval(60).epochs(4).hiddenUnits(32).padMaxPerDomain(40).seed(7)
                .tracking(RunTracking.off()))) {
            AdaptationResult a = j.adaptation();
            assertEquals(120, a.sourceTrain() + a.sourceVal(), "120 source examples, some held out");
            assertEquals(80, a.target());
            JsonNode cli = JSON.readTree(cliModel.resolve("metrics.json").toFile());
            JsonNode java = JSON.readTree(j.metricsFile().toFile());
            for (String part : List.of("adaptation", "validation", "test", "best_epoch", "epochs_run")) {
                assertEquals(cli.get(part), java.get(part), part);
            }
            // what the CLI printed is the Java result's figures
            String adapted = a.adaptedEval().map(m -> String.format(Locale.ROOT, "%.2f%%  (macro-F1 %.4f)", 100 * m.accuracy(), m.macroF1()))
                    .orElseThrow();
            assertTrue(r.out().contains(String.format(Locale.ROOT, "target accuracy, %-20s%s", "coral:", adapted)), r::toString);
            assertTrue(r.out().contains(String.format(Locale.ROOT, "proxy A-distance: before %.3f (frozen features), after %.3f",
                    a.padBefore(), a.padAfter())), r::toString);
            assertTrue(j.report().isPresent() && j.trackingRunId().isEmpty() && !j.replaced());
        }

        // a bad setting is named as the Java caller wrote it (the CLI installed its flag names in this JVM: back to Java's)
        Arguments.setNaming(UnaryOperator.identity());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Graft.adapt(AdaptationRequest.of(books, kitchen,
                AdaptMethod.MMD, dir.resolve("bad")).padMaxPerDomain(5).tracking(RunTracking.off())));
        assertTrue(bad.getMessage().startsWith("padMaxPerDomain must be at least 10"), bad.getMessage());
    }

    @Test
    void episodicFewShotFromJavaEqualsTheCli() {
        Path kitchen = amazon("kitchen", "train.tsv");
        Path books = amazon("books", "train.tsv");
        String[] episodic = {"fewshot", "--train", kitchen.toString(), "--file-label-as-class", "--meta-train", books.toString(),
                "--max-examples", "20", "--way", "2", "--shot", "1,3", "--queries", "3", "--episodes", "40", "--meta-episodes", "3",
                "--meta-shot", "2", "--meta-queries", "2", "--meta-max-length", "64", "--seed", "3", "-q"};
        CliHarness.Result r = CliHarness.run(episodic);
        assertEquals(0, r.code(), r::toString);

        FewShotResult result = Graft.fewShot(FewShotRequest.episodic(List.of(kitchen)).fileLabelAsClass(true).metaTrain(List.of(books))
                .maxExamples(20).way(2).shot(1, 3).queries(3).episodes(40).metaEpisodes(3).metaShot(2).metaQueries(2).metaMaxLength(64).seed(3));
        FewShotResult.Episodic e = (FewShotResult.Episodic) result;
        assertEquals(List.of("kitchen/0", "kitchen/1"), List.copyOf(e.classCounts().keySet()));
        assertEquals(20, e.poolExamples());
        assertEquals(2, e.frozen().size());
        assertEquals(2, e.fineTuned().size());
        FewShotResult.EpisodicTraining t = e.training().orElseThrow();
        assertEquals(List.of("books/0", "books/1"), t.classes());
        for (EpisodicResult x : e.frozen()) {
            assertTrue(r.out().contains("frozen encoder: " + x.summary() + ", cosine, seed 3"), x.summary() + "\n" + r);
            assertEquals(40, x.accuracies().length);
        }
        for (EpisodicResult x : e.fineTuned()) {
            assertTrue(r.out().contains("episodic fine-tuning: " + x.summary() + ", cosine, seed 3"), x.summary() + "\n" + r);
        }
        String loss = String.format(Locale.ROOT, "query loss %.4f (first 1) → %.4f (last 1)", t.firstLoss(), t.lastLoss());
        assertTrue(r.out().contains(loss), loss + "\n" + r);
    }

    @Test
    void plainFewShotFromJavaEqualsTheCli() throws Exception {
        Path kitchen = amazon("kitchen", "train.tsv");
        // plain mode: the support set's prototypes classify each query, with the same classes and probabilities
        Path query = queries(amazon("kitchen", "dev.tsv"), 8);
        CliHarness.Result p = CliHarness.run("fewshot", "--support", kitchen.toString(), "--query", query.toString(), "--max-examples",
                "20", "--distance", "euclidean", "-q");
        assertEquals(0, p.code(), p::toString);
        FewShotResult.Plain plain = (FewShotResult.Plain) Graft.fewShot(FewShotRequest.plain(kitchen, query).maxExamples(20)
                .distance(dev.graft.strategy.fewshot.Distance.EUCLIDEAN));
        assertEquals(8, plain.predictions().size());
        assertEquals(8, plain.labelled());
        List<String> lines = p.out().lines().toList();
        for (int i = 0; i < 8; i++) {
            FewShotResult.QueryPrediction q = plain.predictions().get(i);
            assertTrue(lines.get(i).startsWith(String.format(Locale.ROOT, "%s\t%.4f\t", q.label(), q.probability())), lines.get(i));
        }
        assertEquals(String.format(Locale.ROOT, "accuracy: %.4f (%d of 8 labelled queries; 2-class prototypes from 20 support examples)",
                plain.accuracy().orElseThrow(), plain.correct()), lines.get(8));

        // the mode is checked in core and named as each caller names it
        CliHarness.Result none = CliHarness.run("fewshot", "-q");
        assertTrue(none.code() != 0 && none.err().contains("Give either --train (episodic evaluation) or --support and --query"),
                none::toString);
        Arguments.setNaming(UnaryOperator.identity());
        IllegalArgumentException neither = assertThrows(IllegalArgumentException.class, () -> Graft.fewShot(FewShotRequest.create()));
        assertTrue(neither.getMessage().startsWith("Give either trainFiles (episodic evaluation) or support and query"), neither.getMessage());
    }

    /** The first {@code n} labelled reviews of {@code file} as a TSV whose texts need no quoting. */
    private Path queries(Path file, int n) throws Exception {
        StringBuilder tsv = new StringBuilder("sentence\tlabel\n");
        for (TextExample e : TextDataReader.read(file).examples().subList(0, n)) {
            tsv.append(e.text().replaceAll("[\\t\\r\\n\"]+", " ").strip()).append('\t').append(e.label()).append('\n');
        }
        return Files.writeString(dir.resolve("queries.tsv"), tsv.toString(), StandardCharsets.UTF_8);
    }
}
