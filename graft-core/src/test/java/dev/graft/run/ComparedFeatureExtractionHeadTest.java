package dev.graft.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.selection.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft compare --epochs N} sizes the gradient-trained runs: the feature-extraction candidate keeps its
 * closed-form cross-validated head (one solve, the same scores as without {@code epochs}) unless a gradient head is
 * asked for by {@code headSolver}.
 */
class ComparedFeatureExtractionHeadTest {

    private static final String[] SPORTS = {"The team won the match", "She scored a goal", "The runner finished the marathon",
            "The goalkeeper saved a penalty", "The cyclist won the stage", "The boxer won the fight", "He hit a home run",
            "The striker missed the penalty", "The fans cheered the goal", "The coach praised the team"};
    private static final String[] FOOD = {"I baked a chocolate cake", "The soup needs more salt", "We ordered pizza with cheese",
            "Fry the onions until golden", "The bread is warm from the oven", "She cooked rice and chicken",
            "Add garlic to the pasta sauce", "The salad has fresh tomatoes", "Slice the warm bread", "Bake the cake for an hour"};

    @TempDir
    Path dir;

    private RunResult featureExtraction(TrainingRequest training) throws Exception {
        ComparisonResult r = StrategyComparisonRun.run(ComparisonRequest.of(training).runs(List.of("feature-extraction")),
                RunListener.SILENT);
        assertEquals(1, r.runs().size());
        return r.runs().get(0);
    }

    private TrainingRequest request(Path train, Path val) {
        return TrainingRequest.of(train).valFile(val).seed(7).tracking(RunTracking.off());
    }

    @Test
    void epochsSizeTheGradientRunsNotTheClosedFormHead() throws Exception {
        StringBuilder train = new StringBuilder("text,label\n");
        StringBuilder val = new StringBuilder("text,label\n");
        for (int i = 0; i < SPORTS.length; i++) {
            (i < 7 ? train : val).append(SPORTS[i]).append(",sports\n").append(FOOD[i]).append(",food\n");
        }
        Path trainFile = Files.writeString(dir.resolve("train.csv"), train.toString());
        Path valFile = Files.writeString(dir.resolve("val.csv"), val.toString());

        RunResult closedForm = featureExtraction(request(trainFile, valFile));
        assertEquals(1, closedForm.epochsRun(), "the closed-form head is one solve");
        RunResult withEpochs = featureExtraction(request(trainFile, valFile).epochs(4).learningRate(0.01));
        assertEquals(1, withEpochs.epochsRun(), "epochs and learningRate are the gradient-trained runs' settings");
        assertEquals(closedForm.validation().values(), withEpochs.validation().values(), "the same closed-form head");

        RunResult gradient = featureExtraction(request(trainFile, valFile).headSolver("gradient").epochs(4).learningRate(0.01));
        assertTrue(gradient.epochsRun() > 1, "a gradient head asked for trains for the epochs given: " + gradient.epochsRun());
    }
}
