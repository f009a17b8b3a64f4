package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text pairs on the command line: {@code --quote none} for files whose quotes are ordinary characters, and
 * {@code --text-pair-column} for data whose examples are two texts (the layout of GLUE's MRPC).
 */
class CliTextPairsTest {

    @TempDir
    Path dir;

    private static void assertContains(CliHarness.Result r, String... parts) {
        for (String p : parts) {
            assertTrue(r.err().contains(p) || r.out().contains(p), () -> "expected '" + p + "' in: " + r);
        }
    }

    /** Headerless {@code label<TAB>id<TAB>sentence1<TAB>sentence2}, a stray quote opening sentence 1 of line 2. */
    private Path mrpcLike() throws IOException {
        String rows = String.join("\n", List.of(
                "1\t1\tThe team won the match.\tThe match was won by the team.",
                "0\t2\t\"I baked a cake.\tThe server crashed.",
                "1\t3\tShe scored a goal.\tA goal was scored by her.",
                "0\t4\tThe soup is hot.\tMy laptop needs an update.")) + "\n";
        return Files.writeString(dir.resolve("pairs.txt"), rows, StandardCharsets.UTF_8);
    }

    @Test
    void anUnclosedQuoteNamesTheLineAndSuggestsQuoteNone() throws IOException {
        Path data = mrpcLike();
        CliHarness.Result r = CliHarness.run("train", "-q", "--train", data.toString(), "--text-column", "2",
                "--label-column", "0", "--out", dir.resolve("out").toString());
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertContains(r, "pairs.txt", "line 2", "--quote none");
    }

    @Test
    void commandsThatReadSingleTextsRefuseThePairColumn() throws IOException {
        Path data = mrpcLike();
        CliHarness.Result r = CliHarness.run("fewshot", "--train", data.toString(), "--quote", "none", "--text-column", "2",
                "--text-pair-column", "3", "--label-column", "0");
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertContains(r, "--text-pair-column is not used by graft fewshot");
        CliHarness.Result quote = CliHarness.run("train", "--train", data.toString(), "--quote", "single", "--out",
                dir.resolve("out").toString());
        assertEquals(GraftCli.FAILURE, quote.code(), quote::toString);
        assertContains(quote, "Unknown quote mode 'single'");
    }
}
