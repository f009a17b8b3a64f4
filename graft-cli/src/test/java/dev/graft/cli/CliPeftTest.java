package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * {@code graft train --strategy lora|adapter}, predict/evaluate on the saved model, {@code graft export --merge}; and
 * {@code --precision bf16} with fine-tuning and LoRA.
 */
class CliPeftTest {

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
            BertModel bert = new BertModel(new BertConfig(30522, 8, 1, 2, 16, 512, 2, 1e-12), 0f);
            bert.initialize(m);
            BertBackbone.save(bert, model);
        }
        try (InputStream tok = CliPeftTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
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
        Files.writeString(input, "refund please\napp crashes\nwhat is my invoice\n");
    }

    private static CliHarness.Result train(String strategy, Path out, String... extra) {
        String[] base = {"train", "--train", train.toString(), "--model", model.toString(), "--strategy", strategy, "--epochs", "1",
                "--lr-backbone", "1e-2", "--out", out.toString(), "--no-track", "-q"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliHarness.run(args);
    }

    @Test
    void loraTrainsPredictsEvaluatesAndMergesToTheSamePredictions() throws IOException {
        Path out = tmp.resolve("lora");
        CliHarness.Result r = train("lora", out, "--lora-rank", "4", "--lora-alpha", "8", "--lora-targets", "query,value,output");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("Trainable parameters: ") && r.out().contains("peak RSS"), r.out());
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertTrue(metrics.get("trainable_fraction").asDouble() > 0 && metrics.get("trainable_fraction").asDouble() < 0.01, metrics.toString());
        assertTrue(metrics.get("peak_rss_mb").asLong() > 0);
        String settings = Files.readString(out.resolve("provenance.json"));
        assertTrue(settings.contains("\"lora_rank\" : 4") && settings.contains("query,value,output"), settings);

        CliHarness.Result p = CliHarness.run("predict", "--model", out.toString(), "--input", input.toString());
        assertEquals(0, p.code(), p.toString());
        assertEquals(3, p.out().lines().count(), p.toString());
        CliHarness.Result e = CliHarness.run("evaluate", "--model", out.toString(), "--data", train.toString(), "--json");
        assertEquals(0, e.code(), e.toString());
        assertTrue(e.out().contains("\"n\":24"), e.out());

        Path merged = tmp.resolve("lora-merged");
        CliHarness.Result x = CliHarness.run("export", "--merge", "--model", out.toString(), "--out", merged.toString());
        assertEquals(0, x.code(), x.toString());
        assertTrue(x.out().contains("max |Δ probability|"), x.out());
        assertTrue(Files.isRegularFile(merged.resolve("backbone/model.safetensors")));
        CliHarness.Result pm = CliHarness.run("predict", "--model", merged.toString(), "--input", input.toString());
        assertEquals(p.out(), pm.out(), "the merged model predicts the same labels and probabilities (4 decimals)");
    }

    @Test
    void adapterTrainsAndReloadsButExportSaysItCannotBeMerged() {
        Path out = tmp.resolve("adapter");
        CliHarness.Result r = train("adapter", out, "--adapter-size", "4", "--train-layernorms");
        assertEquals(0, r.code(), r.toString());
        CliHarness.Result p = CliHarness.run("predict", "--model", out.toString(), "--input", input.toString());
        assertEquals(0, p.code(), p.toString());
        CliHarness.Result x = CliHarness.run("export", "--merge", "--model", out.toString(), "--out", tmp.resolve("adapter-merged").toString());
        assertEquals(1, x.code(), x.toString());
        assertTrue(x.err().contains("cannot be merged") && x.err().contains("--strategy adapter"), x.err());
        assertFalse(Files.exists(tmp.resolve("adapter-merged")));
    }

    @Test
    void misplacedOrBadOptionsAreRefusedBeforeTraining() {
        CliHarness.Result wrong = train("fine-tune", tmp.resolve("m1"), "--lora-rank", "4");
        assertEquals(1, wrong.code(), wrong.toString());
        assertTrue(wrong.err().contains("apply to --strategy lora"), wrong.err());
        CliHarness.Result target = train("lora", tmp.resolve("m2"), "--lora-targets", "query,ffn");
        assertEquals(1, target.code(), target.toString());
        assertTrue(target.err().contains("Unknown LoRA target 'ffn'") && target.err().contains("attention-output"), target.err());
        CliHarness.Result unfreeze = train("adapter", tmp.resolve("m3"), "--unfreeze", "2");
        assertEquals(1, unfreeze.code(), unfreeze.toString());
        assertTrue(unfreeze.err().contains("stay frozen"), unfreeze.err());
        CliHarness.Result noMerge = CliHarness.run("export", "--model", model.toString(), "--out", tmp.resolve("m4").toString());
        assertEquals(1, noMerge.code(), noMerge.toString());
        assertTrue(noMerge.err().contains("--merge"), noMerge.err());
    }

    @Test
    void bf16FineTuningAndLoraRecordTheirPrecisionAndSavedModelsPredict() throws IOException {
        for (String strategy : java.util.List.of("fine-tune", "lora")) {
            Path out = tmp.resolve(strategy + "-bf16");
            CliHarness.Result r = train(strategy, out, "--precision", "bf16", "--no-baseline");
            assertEquals(0, r.code(), r.toString());
            String provenance = Files.readString(out.resolve("provenance.json"));
            assertTrue(provenance.contains("\"precision\" : \"bf16\""), provenance);
            CliHarness.Result p = CliHarness.run("predict", "--model", out.toString(), "--input", input.toString());
            assertEquals(0, p.code(), p.toString());
            assertEquals(3, p.out().lines().count(), p.toString());
        }
    }
}
