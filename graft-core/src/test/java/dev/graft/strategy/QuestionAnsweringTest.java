package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.artifact.QuestionAnswerer;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.qa.SquadAnswer;
import dev.graft.data.qa.SquadDataset;
import dev.graft.data.qa.SquadQuestion;
import dev.graft.metrics.SquadMetrics;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.task.SpanTask;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Question answering end to end on a few generated questions: fine-tuning the bundled encoder with the start/end head
 * answers its own training questions almost perfectly (the head, the answer positions and the decoding line up), and
 * the saved model gives the same answers after loading.
 */
class QuestionAnsweringTest {

    private static final String[][] PEOPLE = {
            {"Anna Keller", "Vienna", "1961", "pilot", "Bruno"},
            {"Marco Rossi", "Naples", "1975", "baker", "Luna"},
            {"Sophie Martin", "Lyon", "1983", "nurse", "Felix"},
            {"Jonas Berg", "Bergen", "1958", "teacher", "Max"},
            {"Clara Weiss", "Zurich", "1990", "lawyer", "Rocky"},
            {"Pedro Alves", "Porto", "1969", "farmer", "Toby"},
    };

    @TempDir
    Path dir;

    /** Four questions about each person's short biography. */
    private static List<SquadQuestion> questions() {
        List<SquadQuestion> out = new ArrayList<>();
        for (String[] p : PEOPLE) {
            String context = p[0] + " was born in " + p[1] + " in " + p[2] + ". Today " + p[0] + " works as a " + p[3]
                    + " and lives with a dog called " + p[4] + ".";
            String[][] qa = {
                    {"Where was " + p[0] + " born?", p[1]},
                    {"In which year was " + p[0] + " born?", p[2]},
                    {"What is the job of " + p[0] + "?", p[3]},
                    {"What is the name of the dog of " + p[0] + "?", p[4]},
            };
            for (String[] q : qa) {
                out.add(new SquadQuestion(p[0] + "/" + q[0], "", context, q[0],
                        List.of(new SquadAnswer(q[1], context.indexOf(q[1]))), false));
            }
        }
        return out;
    }

    @Test
    void fineTuningAnswersItsTrainingQuestionsAndTheSavedModelAnswersAlike() throws IOException {
        TextModelSpec minilm = TextModels.resolve("minilm");
        List<SquadQuestion> qs = questions();
        SquadDataset data = new SquadDataset(null, "0".repeat(64), SquadDataset.Format.JSONL, qs, List.of());
        QuestionAnswering.Data splits = new QuestionAnswering.Data(data, data, Optional.empty());
        FineTuneConfig config = FineTuneConfig.defaults().withTraining(FineTuneConfig.defaults().training().withEpochs(12)
                .withBatchSize(8).withLearningRate(3e-3).withSeed(5)).withBackboneLr(2e-4, 0.9);
        QuestionAnswering.Windows windows = new QuestionAnswering.Windows(64, 16, 10, 20);
        try (QuestionAnswering.Outcome out = QuestionAnswering.fineTune(minilm, splits, windows, config, Progress.NONE,
                List.of())) {
            SquadMetrics.Scores s = out.validation();
            assertTrue(s.exact() >= 85, "train exact match after fine-tuning: " + s.values());
            assertEquals(qs.size(), s.total());
            QuestionAnswerer model = out.answerer();
            assertTrue(model.fineTuned());
            assertFalse(model.task().noAnswer(), "every question has an answer: a v1.1 model");
            List<SpanTask.Answer> before = model.answers(qs, Progress.NONE);
            int exact = 0;
            for (int i = 0; i < qs.size(); i++) {
                SpanTask.Answer a = before.get(i);
                assertEquals(a.text(), qs.get(i).context().substring(a.start(), a.end()), "offsets slice the context");
                exact += a.text().equals(qs.get(i).answers().get(0).text()) ? 1 : 0;
            }
            assertEquals(s.exact(), 100.0 * exact / qs.size(), 1e-9, "the model's own answers give the reported score");

            Path saved = dir.resolve("qa-model");
            model.save(saved, out.provenance(), out.metricsDocument(), staging -> { });
            assertTrue(QuestionAnswerer.isQaModel(saved));
            try (QuestionAnswerer loaded = QuestionAnswerer.load(saved)) {
                assertTrue(loaded.fineTuned());
                assertEquals(model.task().settings(), loaded.task().settings());
                List<SpanTask.Answer> after = loaded.answers(qs, Progress.NONE);
                for (int i = 0; i < qs.size(); i++) {
                    assertEquals(before.get(i).text(), after.get(i).text());
                    assertEquals(before.get(i).start(), after.get(i).start());
                    assertEquals(before.get(i).score(), after.get(i).score(), 1e-4);
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(saved));
            assertTrue(e.getMessage().contains("QuestionAnswerer"), e.getMessage());
        }
    }
}
