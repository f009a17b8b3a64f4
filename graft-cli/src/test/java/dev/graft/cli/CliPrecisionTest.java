package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft train --precision bf16}: fine-tuning and LoRA run, record their precision, and save models that predict. */
class CliPrecisionTest {

    @TempDir
    static Path tmp;
    private static Path model;
    private static Path train;
    private static Path input;

    @BeforeAll
    static void tinyModelAndData() throws IOException {
        model = Files.createDirectories(tmp.resolve("tiny-bert"));
        try (NDManager m = NDManager.newBaseManager()) {
            Learner.seed(3);
            BertModel bert = new BertModel(new BertConfig(30522, 16, 2, 2, 32, 512, 2, 1e-12), 0f);
            bert.initialize(m);
            BertBackbone.save(bert, model);
        }
        try (InputStream tok = CliPrecisionTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(tok, model.resolve("tokenizer.json"));
        }
        StringBuilder rows = new StringBuilder("text,label\n");
        for (int i = 0; i < 12; i++) {
            rows.append("refund my payment ").append(i).append(",billing\n");
            rows.append("the app crashes ").append(i).append(",bug\n");
        }
        train = tmp.resolve("train.csv");
        Files.writeString(train, rows.toString());
        input = tmp.resolve("in.txt");
        Files.writeString(input, "refund please\napp crashes\n");
    }

    private static void trainsAndPredicts(String strategy) throws IOException {
        Path out = tmp.resolve(strategy);
        CliHarness.Result r = CliHarness.run("train", "--train", train.toString(), "--model", model.toString(), "--strategy", strategy,
                "--epochs", "1", "--precision", "bf16", "--out", out.toString(), "--no-track", "--no-baseline", "-q");
        assertEquals(0, r.code(), r.toString());
        String provenance = Files.readString(out.resolve("provenance.json"));
        assertTrue(provenance.contains("\"precision\" : \"bf16\""), provenance);
        CliHarness.Result p = CliHarness.run("predict", "--model", out.toString(), "--input", input.toString());
        assertEquals(0, p.code(), p.toString());
        assertEquals(2, p.out().lines().count(), p.toString());
    }

    @Test
    void bf16FineTuning() throws IOException {
        trainsAndPredicts("fine-tune");
    }

    @Test
    void bf16Lora() throws IOException {
        trainsAndPredicts("lora");
    }
}
