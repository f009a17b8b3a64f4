package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft rank} and {@code graft lr-find} need one target per example: on tagged sentences ({@code --task ner}) or
 * questions ({@code --task qa}) they refuse with one message that names the task and the commands that take it,
 * instead of reading a label column that is not there.
 */
@ExtendWith(PrivateGraftHome.class)
class RankLrFindSequenceTaskTest {

    @TempDir
    Path dir;

    private void refuses(Path data, String task, String expectedKey, String... command) {
        String[] args = new String[command.length + 5];
        System.arraycopy(command, 0, args, 0, command.length);
        System.arraycopy(new String[] {"--train", data.toString(), "--task", task, "-q"}, 0, args, command.length, 5);
        CliHarness.Result r = CliHarness.run(args);
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        String err = r.err();
        assertTrue(err.contains("--task " + expectedKey + ":"), r::toString);
        assertTrue(err.contains("`graft compare`") && err.contains("`graft tune`") && err.contains("`graft train`"), r::toString);
        assertFalse(err.contains("header"), "no word of a label column: " + err);
        assertEquals(1, err.strip().lines().count(), "one message: " + err);
    }

    @Test
    void nerIsRefusedByTask() throws Exception {
        Path conll = Files.writeString(dir.resolve("train.conll"), "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n"
                + "call NN I-NP O\n\nPeter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n\n");
        refuses(conll, "ner", "token-classification", "rank");
        refuses(conll, "ner", "token-classification", "lr-find");
    }

    @Test
    void qaIsRefusedByTask() throws Exception {
        Path questions = Files.writeString(dir.resolve("train.jsonl"), "{\"id\": \"q1\", \"question\": \"Who wrote it?\", \"context\":"
                + " \"The book was written by Ada.\", \"answers\": {\"text\": [\"Ada\"], \"answer_start\": [24]}}\n");
        refuses(questions, "qa", "question-answering", "rank");
        refuses(questions, "qa", "question-answering", "lr-find");
    }
}
