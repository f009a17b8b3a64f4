package dev.graft.run.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.artifact.GraftModel;
import dev.graft.data.DataOptions;
import dev.graft.data.QuoteMode;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.run.TrainingRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft auto} beyond single-label classification, on 160 rows of the shared STS-B (regression on sentence
 * pairs) and 400 of GoEmotions (multi-label), skipped when {@code ../shared} is absent: ranking by LogME on the
 * task's targets, feature extraction and fine-tuning scored on the task's figure (RMSE, lower is better; macro-F1) and
 * the winner by compare's rule in that direction. Tasks auto does not search are refused, naming the task argument.
 */
class AutoTasksTest {

    @TempDir
    Path dir;

    private static Path shared(String relative) {
        Path root = Path.of(System.getProperty("graft.repo.root", "..")).toAbsolutePath().normalize();
        Path p = root.resolve("../shared/data/text").resolve(relative).normalize();
        assumeTrue(Files.exists(p), "shared data absent: " + p);
        return p;
    }

    @Test
    void regressionOnSentencePairsRanksTrainsAndPicksByRmseLowerIsBetter() throws Exception {
        Path train = shared("stsb/train.tsv");
        DataOptions stsb = DataOptions.defaults().withTextColumn("7").withTextPairColumn("8").withLabelColumn("9")
                .withQuote(QuoteMode.NONE).withTargets(TargetFormat.regression());
        // 160 pairs (96 to train, 32 to validate): pairs are the dearest texts to embed, and ranking, two feature
        // extractions and a 3-epoch trial all scale with them
        AutoRequest request = AutoRequest.of(() -> TrainingRequest.of(train).data(stsb).maxTrain(160).valFraction(0.2).testFraction(0.2)
                .seed(7), dir.resolve("stsb"),
                Duration.ofMinutes(15)).candidates(List.of("minilm", "minilm-random")).maxTrials(1);
        AutoResult r = AutoRun.run(request, AutoListener.SILENT);
        assertEquals("rmse", r.metric().name());
        assertFalse(r.metric().higherIsBetter());
        List<String> ids = r.candidates().stream().map(Candidate::id).toList();
        assertTrue(r.candidates().stream().allMatch(c -> c.status() == Candidate.Status.DONE), r.candidates()::toString);
        Candidate rank = r.candidates().get(0);
        Candidate rankRandom = r.candidates().get(1);
        assertEquals(List.of("rank:minilm", "rank:minilm-random"), ids.subList(0, 2));
        assertTrue(Double.isFinite(rank.score()) && Double.isFinite(rankRandom.score()) && rank.score() != rankRandom.score(),
                "LogME of the similarity scores: " + r.candidates());
        // feature extraction in LogME's order (higher evidence first); on these pairs LogME need not prefer the pretrained
        // weights, which is why feature extraction, not LogME, decides what is fine-tuned
        String first = rank.score() > rankRandom.score() ? "minilm" : "minilm-random";
        String second = first.equals("minilm") ? "minilm-random" : "minilm";
        assertEquals(List.of("fe:" + first, "fe:" + second, "ft:minilm:0"), ids.subList(2, 5), r.candidates()::toString);
        Candidate fe = r.candidates().stream().filter(c -> c.id().equals("fe:minilm")).findFirst().orElseThrow();
        Candidate feRandom = r.candidates().stream().filter(c -> c.id().equals("fe:minilm-random")).findFirst().orElseThrow();
        Candidate ft = r.candidates().get(4);
        // scores are RMSEs on the 0-5 scale: positive, below the spread of the scores, pretrained below random
        assertTrue(fe.score() > 0 && fe.score() < 1.6 && fe.score() < feRandom.score(), r.candidates()::toString);
        // fine-tuning starts from the better (lower-RMSE) feature-extraction backbone
        assertEquals("minilm", ft.backbone());
        // the rule in RMSE's direction: fine-tuning wins only when its RMSE is lower by more than the (doubled) margin
        boolean pays = fe.score() - ft.score() > 2 * 0.02;
        assertEquals(pays ? ft.id() : fe.id(), r.winner().id(), r.reasons()::toString);
        assertTrue(r.reasons().get(1).contains("rmse"), r.reasons()::toString);
        try (GraftModel model = GraftModel.load(r.model())) {
            assertEquals(TaskKind.REGRESSION, model.taskKind());
        }
        assertTrue(Files.readString(r.report(), StandardCharsets.UTF_8).contains("test rmse"));
    }

    @Test
    void multiLabelIsScoredOnMacroF1() throws Exception {
        Path train = shared("goemotions_ekman/train.tsv");
        DataOptions go = DataOptions.defaults().withTextColumn("0").withLabelColumn("1")
                .withTargets(TargetFormat.multiLabel(",", TargetFormat.readLabelNames(shared("goemotions_ekman/labels.txt"))));
        AutoRequest request = AutoRequest.of(() -> TrainingRequest.of(train).data(go).maxTrain(400).seed(7), dir.resolve("go"),
                Duration.ofMinutes(10)).candidates(List.of("minilm", "minilm-random")).maxTrials(0);
        AutoResult r = AutoRun.run(request, AutoListener.SILENT);
        assertEquals("macro_f1", r.metric().name());
        assertEquals(List.of("rank:minilm", "rank:minilm-random", "fe:minilm", "fe:minilm-random", "ft:minilm"),
                r.candidates().stream().map(Candidate::id).toList(), r.candidates()::toString);
        Candidate fe = r.candidates().get(2);
        Candidate feRandom = r.candidates().get(3);
        assertTrue(fe.score() > 0 && fe.score() < 1 && fe.score() > feRandom.score(), r.candidates()::toString);
        assertEquals("fe:minilm", r.winner().id());
        try (GraftModel model = GraftModel.load(r.model())) {
            assertEquals(TaskKind.MULTI_LABEL, model.taskKind());
        }
    }

    @Test
    void tasksAutoDoesNotSearchAreRefusedNamingTheTaskArgument() throws Exception {
        Path train = Files.writeString(dir.resolve("train.txt"), "EU B-ORG\nrejects O\n\nPeter B-PER\nsaid O\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AutoRun.run(
                AutoRequest.of(() -> TrainingRequest.of(train).task(TaskKind.TOKEN_CLASSIFICATION), dir.resolve("ner"), Duration.ofMinutes(1)),
                AutoListener.SILENT));
        assertTrue(e.getMessage().contains("task token-classification is not one of them"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("ner")), "nothing written");
    }
}
