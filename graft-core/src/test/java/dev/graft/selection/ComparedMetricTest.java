package dev.graft.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.TaskKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compared figures of the sequence tasks: NER entity micro-F1 (a fraction), QA SQuAD F1 (a percentage). */
class ComparedMetricTest {

    @Test
    void nerComparesOnEntityMicroF1AndQaOnSquadF1InPercent() {
        ComparedMetric ner = ComparedMetric.forKind(TaskKind.TOKEN_CLASSIFICATION);
        assertEquals("micro_f1", ner.name());
        assertTrue(ner.higherIsBetter() && ner.bootstrapped());
        assertEquals("+3.0 points", ner.format(0.03, true));
        ComparedMetric qa = ComparedMetric.forKind(TaskKind.QUESTION_ANSWERING);
        assertEquals(List.of("squad_f1", "squad_exact"), qa.columns());
        assertEquals(100, qa.unit());
        assertEquals("+3.0 points", qa.format(3.0, true), "a SQuAD gap of 3 is 3 points, not 300");
        assertEquals(List.of("squad_exact", "squad_f1"), ComparedMetric.named("squad_exact", TaskKind.QUESTION_ANSWERING, false).columns());
    }

    @Test
    void aFigureTheSequenceTaskDoesNotMeasureIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ComparedMetric.named("accuracy", TaskKind.TOKEN_CLASSIFICATION, false));
        assertTrue(e.getMessage().contains("not a figure of this token-classification task")
                && e.getMessage().contains("micro_f1"), e.getMessage());
    }

    @Test
    void aMarginOfTwoPercentIsTwoSquadPoints() {
        ComparedMetric qa = ComparedMetric.forKind(TaskKind.QUESTION_ANSWERING);
        RunResult fe = run("feature-extraction", 40.0);
        RunResult ft = run("fine-tune", 41.5);
        Recommendation r = Recommendation.of(List.of(fe, ft), 5000, 0.02, qa);
        assertEquals(2.0, r.threshold(), 1e-12, r.reasons()::toString);
        assertEquals("feature-extraction", r.recommended(), "a 1.5-point gain is below the 2-point margin");
        assertEquals("fine-tune", Recommendation.of(List.of(fe, run("fine-tune", 42.5)), 5000, 0.02, qa).recommended());
    }

    private static RunResult run(String name, double f1) {
        return new RunResult(name, false, new dev.graft.metrics.TaskMetrics() {
            @Override
            public java.util.Map<String, Double> values() {
                return java.util.Map.of("squad_f1", f1, "squad_exact", f1 - 10);
            }

            @Override
            public java.util.Map<String, Object> toMap() {
                return java.util.Map.copyOf(values());
            }

            @Override
            public long n() {
                return 500;
            }
        }, java.util.Optional.empty(), 1, 10, 1, true, 1, 1, 0.1);
    }
}
