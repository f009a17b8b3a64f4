package dev.graft.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.artifact.GraftModel;
import dev.graft.metrics.RegressionMetrics;
import dev.graft.tuning.Trial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search on STS-B regression (feature extraction, three tiny trials): the objective is the validation loss the
 * regression monitors, minimised; the best trial is the one with the lowest loss and its model is saved; a second call
 * resumes the study.
 */
class TuningRunTest {

    @TempDir
    Path dir;

    @Test
    void regressionSearchMinimisesTheValidationLossAndResumes() throws Exception {
        Path study = dir.resolve("study");
        TrainingRequest training = TrainingRequest.of(SharedTextData.stsbTrain()).data(SharedTextData.stsb()).maxTrain(300)
                .epochs(3).seed(11).tracking(RunTracking.off());
        List<Double> scores = new ArrayList<>();
        AtomicInteger finishedBefore = new AtomicInteger(-1);
        TuningListener listener = new TuningListener() {
            @Override
            public void studyOpened(Path file, int finished, int wanted, String sampler, String pruner, String metric) {
                finishedBefore.set(finished);
            }

            @Override
            public void trialFinished(Trial trial, double score, String note) {
                scores.add(score);
            }
        };
        TuningRequest request = TuningRequest.of(training, study).trials(3).sampler("random").pruner("none")
                .space("lr=log:1e-3:1e-1,dropout=uniform:0:0.3");
        TuningResult r = TuningRun.run(request, listener);
        assertEquals(0, finishedBefore.get());
        assertEquals("loss", r.metric());
        assertFalse(r.higherIsBetter());
        assertEquals(3, r.count(Trial.State.COMPLETE));
        assertEquals(3, scores.size());
        double lowest = scores.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertEquals(lowest, r.bestScore(), 0.0, "the best trial has the lowest validation loss: " + scores);
        assertTrue(scores.stream().distinct().count() > 1, "trials with different settings score differently: " + scores);
        assertInstanceOf(RegressionMetrics.class, r.bestValidation());
        assertInstanceOf(RegressionMetrics.class, r.defaultValidation());
        assertTrue(r.bestTest().isPresent() && r.bestTest().get().values().containsKey("spearman"));

        // the saved model is the best trial's: its best epoch's validation loss is the trial's score
        JsonNode metrics = new ObjectMapper().readTree(r.bestModel().resolve("metrics.json").toFile());
        JsonNode bestEpoch = metrics.get("history").get(metrics.get("best_epoch").asInt() - 1);
        assertEquals(r.bestScore(), bestEpoch.get("val_loss").asDouble(), 1e-9, bestEpoch::toString);
        assertEquals("loss", metrics.get("monitor").asText());
        try (GraftModel model = GraftModel.load(r.bestModel())) {
            assertEquals(dev.graft.data.TaskKind.REGRESSION, model.taskKind());
        }
        assertTrue(r.table().headers().contains("validation loss"), r.table().headers()::toString);

        // the same request with one trial more resumes: three finished trials are kept, one is added
        TuningResult more = TuningRun.run(TuningRequest.of(training, study).trials(4).sampler("random").pruner("none")
                .space("lr=log:1e-3:1e-1,dropout=uniform:0:0.3"), listener);
        assertEquals(3, finishedBefore.get());
        assertEquals(4, more.trials().size());
        assertEquals(r.trials().get(0).params(), more.trials().get(0).params());
        assertTrue(more.bestScore() <= r.bestScore());
    }

    /**
     * A search on named-entity recognition (60 CoNLL-2003 sentences, feature extraction, two trials): the objective is the
     * validation entity micro-F1, maximised, each trial's score is its best epoch's, and the saved model is a NER model.
     */
    @Test
    void nerSearchMaximisesValidationEntityF1() throws Exception {
        TrainingRequest training = TrainingRequest.of(SharedTextData.conll("train.txt", 60, dir.resolve("train.txt")))
                .valFile(SharedTextData.conll("dev.txt", 25, dir.resolve("dev.txt"))).task(dev.graft.data.TaskKind.TOKEN_CLASSIFICATION)
                .epochs(1).seed(5).tracking(RunTracking.off());
        List<Double> scores = new ArrayList<>();
        TuningListener listener = new TuningListener() {
            @Override
            public void trialFinished(Trial trial, double score, String note) {
                scores.add(score);
            }
        };
        TuningResult r = TuningRun.run(TuningRequest.of(training, dir.resolve("study")).trials(2).sampler("random").pruner("none")
                .space("lr=log:1e-3:1e-1"), listener);
        assertEquals("micro_f1", r.metric());
        assertTrue(r.higherIsBetter());
        assertEquals(2, r.count(Trial.State.COMPLETE));
        assertEquals(2, scores.size());
        assertEquals(scores.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), r.bestScore(), 0.0, scores::toString);
        assertInstanceOf(dev.graft.metrics.EntityMetrics.Scores.class, r.bestValidation());
        assertEquals(r.bestScore(), r.bestValidation().value("micro_f1"), 1e-9, "the kept model is the best trial's");
        JsonNode metrics = new ObjectMapper().readTree(r.bestModel().resolve("metrics.json").toFile());
        assertEquals("token-classification", metrics.get("task").asText());
        try (GraftModel model = GraftModel.load(r.bestModel())) {
            assertEquals(dev.graft.data.TaskKind.TOKEN_CLASSIFICATION, model.taskKind());
        }
    }
}
