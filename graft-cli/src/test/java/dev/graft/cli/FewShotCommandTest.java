package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft fewshot}: episodic evaluation on frozen embeddings, and episodic fine-tuning on other classes first. */
@ExtendWith(PrivateGraftHome.class)
class FewShotCommandTest {

    @TempDir
    Path dir;

    /** The sample support tickets of {@code classes} as a CSV. */
    private Path tickets(String name, Set<String> classes) throws Exception {
        Path examples = Path.of(System.getProperty("graft.repo.root", "..")).resolve("examples/support-tickets/train.csv");
        TextDataset all = TextDataReader.read(examples);
        StringBuilder csv = new StringBuilder("text,label\n");
        for (TextExample e : all.examples()) {
            if (classes.contains(e.label())) {
                csv.append('"').append(e.text().replace("\"", "\"\"")).append("\",").append(e.label()).append('\n');
            }
        }
        return Files.writeString(dir.resolve(name + ".csv"), csv.toString(), StandardCharsets.UTF_8);
    }

    private static double accuracy(String out, String prefix, int shot) {
        Matcher m = Pattern.compile(Pattern.quote(prefix) + "2-way " + shot + "-shot: (\\d+\\.\\d\\d)% ± (\\d+\\.\\d\\d)%").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void evaluatesFrozenThenEpisodicallyFineTunedEncoderOnUnseenClasses() throws Exception {
        Path eval = tickets("eval", Set.of("bug", "feature_request"));
        Path meta = tickets("meta", Set.of("account", "billing"));
        CliHarness.Result r = CliHarness.run("fewshot", "--train", eval.toString(), "--meta-train", meta.toString(), "--way", "2",
                "--shot", "1,5", "--episodes", "100", "--meta-episodes", "6", "--meta-shot", "2", "--meta-queries", "2", "-q");
        assertEquals(0, r.code(), r::toString);
        double frozen1 = accuracy(r.out(), "frozen encoder: ", 1);
        double frozen5 = accuracy(r.out(), "frozen encoder: ", 5);
        double tuned5 = accuracy(r.out(), "episodic fine-tuning: ", 5);
        assertTrue(frozen5 > frozen1 && frozen5 > 80, r.out());
        assertTrue(tuned5 > 50 && tuned5 <= 100, r.out());
        assertTrue(r.out().contains("episodic fine-tuning: 6 episodes (2-way 2-shot, 2 queries) on 2 classes [account, billing]"), r.out());

        // the same classes on both sides would make the evaluation meaningless
        CliHarness.Result overlap = CliHarness.run("fewshot", "--train", eval.toString(), "--meta-train", eval.toString(), "--way", "2",
                "--episodes", "10", "--meta-episodes", "2", "-q");
        assertEquals(GraftCli.FAILURE, overlap.code(), overlap::toString);
        assertTrue(overlap.err().contains("[bug, feature_request] are in both --meta-train and --train"), overlap::toString);

        CliHarness.Result both = CliHarness.run("fewshot", "--train", eval.toString(), "--file-as-class", "--file-label-as-class", "-q");
        assertEquals(GraftCli.FAILURE, both.code(), both::toString);
        assertTrue(both.err().contains("Choose one of --file-as-class and --file-label-as-class"), both::toString);
        System.out.println(r.out());
    }

    @Test
    void fileLabelAsClassNamesClassesByFolderAndLabel() throws Exception {
        Path a = Files.createDirectories(dir.resolve("shop"));
        Path b = Files.createDirectories(dir.resolve("app"));
        Path shop = Files.copy(tickets("s", Set.of("billing", "account")), a.resolve("train.csv"));
        Path app = Files.copy(tickets("a", Set.of("billing", "account")), b.resolve("train.csv"));
        CliHarness.Result r = CliHarness.run("fewshot", "--train", shop.toString(), "--train", app.toString(), "--file-label-as-class",
                "--way", "4", "--shot", "1", "--episodes", "20", "--queries", "5");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("4 classes {app/account=") && r.err().contains("shop/billing="), r.err());
        assertTrue(r.out().contains("4-way 1-shot"), r.out());
    }
}
