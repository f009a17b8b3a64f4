package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.bert.BertModel;
import dev.graft.training.Learner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft average} over two models fine-tuned from a tiny BERT (different seeds and rates): the average loads,
 * predicts and evaluates; a single model, a LoRA model and a model of other labels are refused with the flag or file.
 */
class AverageCommandTest {

    @TempDir
    Path tmp;

    private Path backbone() throws IOException {
        Path model = Files.createDirectories(tmp.resolve("tiny-bert"));
        try (NDManager m = NDManager.newBaseManager()) {
            Learner.seed(3);
            BertModel bert = new BertModel(new BertConfig(30522, 8, 1, 2, 16, 512, 2, 1e-12), 0f);
            bert.initialize(m);
            BertBackbone.save(bert, model);
        }
        try (InputStream tok = AverageCommandTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(tok, model.resolve("tokenizer.json"));
        }
        return model;
    }

    private Path data(String name, String first, String second) throws IOException {
        StringBuilder rows = new StringBuilder("text,label\n");
        for (int i = 0; i < 12; i++) {
            rows.append("refund my payment ").append(i).append(',').append(first).append('\n');
            rows.append("the app crashes ").append(i).append(',').append(second).append('\n');
        }
        return Files.writeString(tmp.resolve(name), rows.toString());
    }

    private static CliHarness.Result train(Path backbone, Path data, String strategy, String seed, String lr, Path out) {
        return CliHarness.run("train", "--train", data.toString(), "--model", backbone.toString(), "--strategy", strategy,
                "--epochs", "1", "--seed", seed, "--lr-backbone", lr, "--out", out.toString(), "--no-track", "-q");
    }

    @Test
    void averagesTwoFineTunesAndRefusesWhatCannotBeAveraged() throws IOException {
        Path backbone = backbone();
        Path train = data("train.csv", "billing", "bug");
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        assertEquals(0, train(backbone, train, "fine-tune", "1", "1e-2", a).code());
        assertEquals(0, train(backbone, train, "fine-tune", "2", "3e-2", b).code());

        Path soup = tmp.resolve("soup");
        CliHarness.Result r = CliHarness.run("average", "--model", a.toString(), "--model", b.toString(), "--weight", "1,3",
                "--out", soup.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("0.2500  " + a) && r.out().contains("0.7500  " + b) && r.out().contains("Averaged "), r.out());
        Path input = Files.writeString(tmp.resolve("in.txt"), "refund please\napp crashes\n");
        CliHarness.Result p = CliHarness.run("predict", "--model", soup.toString(), "--input", input.toString());
        assertEquals(0, p.code(), p.toString());
        assertEquals(2, p.out().lines().count(), p.toString());
        CliHarness.Result e = CliHarness.run("evaluate", "--model", soup.toString(), "--data", train.toString(), "--json");
        assertEquals(0, e.code(), e.toString());
        assertTrue(e.out().contains("\"n\":24"), e.out());

        // the greedy soup, scored on a labelled file: written only when it beats the better model
        Path greedy = tmp.resolve("greedy");
        r = CliHarness.run("average", "--greedy", train.toString(), "--model", a.toString(), "--model", b.toString(),
                "--out", greedy.toString(), "-q");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("accuracy ") && r.out().contains("  + "), r.out());
        assertEquals(r.out().contains("Soup written to " + greedy), Files.isDirectory(greedy), r.out());
        assertTrue(r.out().contains("Soup written") || r.out().contains("No soup written: rejected"), r.out());

        r = CliHarness.run("average", "--model", a.toString(), "--out", tmp.resolve("one").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("two or more models (--model)"), r.toString());
        r = CliHarness.run("average", "--model", a.toString(), "--model", b.toString(), "--weight", "1", "--out", tmp.resolve("w").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--weight gives 1 weights for 2 models"), r.toString());

        Path lora = tmp.resolve("lora");
        assertEquals(0, train(backbone, train, "lora", "1", "1e-2", lora).code());
        r = CliHarness.run("average", "--model", a.toString(), "--model", lora.toString(), "--out", tmp.resolve("x").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains(lora.toString()) && r.err().contains("peft.json") && r.err().contains("graft export --merge"),
                r.toString());

        Path other = tmp.resolve("other");
        assertEquals(0, train(backbone, data("other.csv", "payments", "bug"), "fine-tune", "1", "1e-2", other).code());
        r = CliHarness.run("average", "--model", a.toString(), "--model", other.toString(), "--out", tmp.resolve("y").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains(other.toString()) && r.err().contains("head.safetensors") , r.toString());
        assertFalse(Files.exists(tmp.resolve("x")) || Files.exists(tmp.resolve("y")));
    }
}
