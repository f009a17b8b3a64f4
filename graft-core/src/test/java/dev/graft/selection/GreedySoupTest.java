package dev.graft.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.artifact.Prediction;
import dev.graft.artifact.SoupFixtures;
import dev.graft.artifact.TextClassifier;
import dev.graft.artifact.WeightAveraging;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The greedy soup's rule with a scorer that knows each mixture's score (written into real model directories, which the
 * soup averages), and a real case: two MiniLM fine-tunes scored by their accuracy on a validation set.
 */
class GreedySoupTest {

    @TempDir
    static Path dir;
    static Path train;
    static Path val;
    static Path frozen;

    @BeforeAll
    static void data() throws IOException {
        train = SoupFixtures.csv(dir, "train.csv", 48, 0.1, 1);
        val = SoupFixtures.csv(dir, "val.csv", 40, 0.1, 2);
        frozen = SoupFixtures.train(train, val, "feature-extraction", 3, 0, dir.resolve("fe"));
    }

    /** Three copies of a model named a, b, c (their averages are real model directories), in the order b, a, c. */
    private static List<GreedySoup.Ingredient> ingredients(Path where) throws IOException {
        List<GreedySoup.Ingredient> out = new ArrayList<>();
        for (String n : List.of("b", "a", "c")) {
            out.add(new GreedySoup.Ingredient(n, SoupFixtures.copy(frozen, where.resolve(n))));
        }
        return out;
    }

    /** Scores a model by the set of ingredients it averages (read from its provenance), from {@code table}. */
    private static GreedySoup.Scorer table(Path where, Map<String, Double> table, List<String> asked) {
        return model -> {
            TreeSet<String> names = new TreeSet<>();
            JsonNode settings = new ObjectMapper().readTree(model.resolve(TextClassifier.PROVENANCE_FILE).toFile()).path("settings");
            if (settings.has(WeightAveraging.AVERAGED_FROM)) {
                settings.get(WeightAveraging.AVERAGED_FROM).forEach(p -> names.add(Path.of(p.asText()).getFileName().toString()));
            } else {
                names.add(where.relativize(model).toString());
            }
            String key = String.join("", names);
            asked.add(key);
            return table.get(key);
        };
    }

    @Test
    void addsWhatDoesNotHurtAndKeepsTheSoupOnlyWhenItBeatsTheBestModel() throws IOException {
        Path where = dir.resolve("kept");
        List<String> asked = new ArrayList<>();
        Map<String, Double> scores = Map.of("a", 0.80, "b", 0.78, "c", 0.79, "ac", 0.81, "abc", 0.805);
        Path out = where.resolve("soup");
        GreedySoup.Result r = GreedySoup.brew(ingredients(where), ComparedMetric.ACCURACY, table(where, scores, asked), out);
        assertEquals(List.of("a", "c", "b"), r.ranked().stream().map(GreedySoup.Ingredient::name).toList(), "best first");
        assertEquals(List.of("b", "a", "c", "ac", "abc"), asked, "each model once, then each mixture");
        assertEquals(List.of(new GreedySoup.Step("c", 0.81, true), new GreedySoup.Step("b", 0.805, false)), r.steps());
        assertEquals(List.of("a", "c"), r.members());
        assertEquals(0.81, r.soupScore());
        assertTrue(r.kept() && r.reason().startsWith("kept"), r.reason());
        assertEquals(out, r.directory());
        assertEquals(List.of("a", "c"), members(out), "the soup written is the average of its members");
        try (TextClassifier soup = TextClassifier.load(out)) {
            assertEquals(SoupFixtures.PROBES.size(), soup.predict(SoupFixtures.PROBES).size());
        }

        // a tie joins the soup, but a soup no better than the best model alone is not kept
        Path where2 = dir.resolve("rejected");
        Path out2 = where2.resolve("soup");
        GreedySoup.Result rejected = GreedySoup.brew(ingredients(where2), ComparedMetric.ACCURACY,
                table(where2, Map.of("a", 0.80, "b", 0.78, "c", 0.79, "ac", 0.79, "ab", 0.80), new ArrayList<>()), out2);
        assertEquals(List.of(new GreedySoup.Step("c", 0.79, false), new GreedySoup.Step("b", 0.80, true)), rejected.steps());
        assertEquals(List.of("a", "b"), rejected.members());
        assertFalse(rejected.kept());
        assertTrue(rejected.reason().contains("no better than a alone"), rejected.reason());
        assertFalse(Files.exists(out2), "a rejected soup is not written");

        // lower is better (RMSE): the lowest model leads, and a lower mixture joins
        Path where3 = dir.resolve("rmse");
        GreedySoup.Result rmse = GreedySoup.brew(ingredients(where3), new ComparedMetric("rmse", false, List.of("rmse")),
                table(where3, Map.of("a", 0.5, "b", 0.4, "c", 0.6, "ab", 0.3, "abc", 0.35), new ArrayList<>()), where3.resolve("soup"));
        assertEquals("b", rmse.best().name());
        assertEquals(List.of("b", "a"), rmse.members());
        assertTrue(rmse.kept());

        assertThrows(IllegalArgumentException.class, () -> GreedySoup.brew(ingredients(dir.resolve("one")).subList(0, 1),
                ComparedMetric.ACCURACY, m -> 1, dir.resolve("one-soup")));
    }

    private static List<String> members(Path soup) throws IOException {
        List<String> names = new ArrayList<>();
        new ObjectMapper().readTree(soup.resolve(TextClassifier.PROVENANCE_FILE).toFile()).path("settings")
                .path(WeightAveraging.AVERAGED_FROM).forEach(p -> names.add(Path.of(p.asText()).getFileName().toString()));
        return names;
    }

    /** Accuracy on the validation file, by the model's predictions. */
    private static double accuracy(Path model) throws IOException {
        List<String> texts = new ArrayList<>();
        List<String> gold = new ArrayList<>();
        for (String line : Files.readAllLines(val, StandardCharsets.UTF_8).subList(1, 41)) {
            int comma = line.lastIndexOf(',');
            texts.add(line.substring(0, comma));
            gold.add(line.substring(comma + 1));
        }
        try (TextClassifier c = TextClassifier.load(model)) {
            List<Prediction> p = c.predict(texts);
            int right = 0;
            for (int i = 0; i < p.size(); i++) {
                right += p.get(i).label().equals(gold.get(i)) ? 1 : 0;
            }
            return right / (double) p.size();
        }
    }

    @Test
    void aRealSoupOfTwoFineTunesIsScoredLikeItsIngredients() throws IOException {
        Path a = SoupFixtures.train(train, val, "fine-tune", 3, 1e-4, dir.resolve("ft-a"));
        Path b = SoupFixtures.train(train, val, "fine-tune", 4, 3e-4, dir.resolve("ft-b"));
        Path out = dir.resolve("ft-soup");
        GreedySoup.Result r = GreedySoup.brew(List.of(new GreedySoup.Ingredient("a", a), new GreedySoup.Ingredient("b", b)),
                ComparedMetric.ACCURACY, GreedySoupTest::accuracy, out);
        assertEquals(accuracy(r.best().directory()), r.bestScore(), 0.0);
        assertEquals(accuracy(r.ranked().get(1).directory()), r.scores().get(1), 0.0);
        assertTrue(r.bestScore() >= r.scores().get(1));
        // the mixture tried is the plain average of the two, scored alike
        Path again = dir.resolve("ft-average");
        WeightAveraging.average(List.of(r.ranked().get(0).directory(), r.ranked().get(1).directory()), again);
        assertEquals(1, r.steps().size());
        assertEquals(accuracy(again), r.steps().get(0).score(), 0.0);
        if (r.kept()) {
            assertTrue(r.soupScore() > r.bestScore());
            assertEquals(r.soupScore(), accuracy(out), 0.0);
        } else {
            assertTrue(r.soupScore() <= r.bestScore() || r.members().size() < 2, r.reason());
            assertFalse(Files.exists(out));
        }
    }
}
