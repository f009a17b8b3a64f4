package dev.graft.strategy;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.Json;
import dev.graft.artifact.Versions;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertForMaskedLm;
import dev.graft.model.text.DjlTextEncoder;
import dev.graft.model.text.TextModelSpec;
import dev.graft.tensor.TensorData;
import dev.graft.model.BackboneDirectory;
import dev.graft.tensor.io.OwnedDirectory;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.training.EpochLog;
import dev.graft.training.FitResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The result of {@link MaskedLmPretraining}: the adapted encoder (with its MLM head) and how the
 * run went. {@link #save} writes a backbone directory that {@code graft train --model DIR} and
 * {@link dev.graft.model.text.TextModels#resolve} accept. Close it to free the weights.
 *
 * @param base        the model pre-training started from
 * @param model       the encoder with its MLM head, holding the best epoch's weights
 * @param config      the settings
 * @param fit         per-epoch history and the best epoch
 * @param trainTexts  texts trained on
 * @param valTexts    texts held out for the masked-token loss
 * @param trainTokens tokens in the training texts after truncation, special tokens included
 * @param textsSha256 SHA-256 over all texts given, in order
 * @param headReused  whether the MLM head came from an earlier pre-training output rather than a random start
 * @param manager     owns the weights
 */
public record PretrainingOutcome(TextModelSpec base, BertForMaskedLm model, PretrainConfig config, FitResult fit,
                                 int trainTexts, int valTexts, long trainTokens, String textsSha256, boolean headReused,
                                 NDManager manager)
        implements AutoCloseable {

    /** The MLM head's weights in a saved directory (the tied decoder weight is the encoder's and not repeated). */
    public static final String HEAD_FILE = "mlm_head.safetensors";
    /** How the run went, in a saved directory. */
    public static final String REPORT_FILE = "pretraining.json";
    /** What the saved directory says about the head's initialisation. */
    public static final String HEAD_INIT_NOTE = "random (dense N(0,0.02), LayerNorm 1/0, bias 0): the base model's export"
            + " carries no masked-language-model head weights; the decoder is tied to the word embeddings";

    /** The id the adapted model is saved under: the base id with {@code +mlm}. */
    public String adaptedId() {
        return base.id() + "+mlm";
    }

    /**
     * Writes the adapted encoder as a backbone directory, atomically: {@code config.json},
     * {@code model.safetensors}, {@code tokenizer.json}, {@code backbone.json} (the base's pooling,
     * length and licence), plus {@value #HEAD_FILE} and {@value #REPORT_FILE}. An existing backbone
     * directory at {@code dir} is replaced; any other non-empty directory is refused.
     *
     * @return the spec of the written directory
     */
    public TextModelSpec save(Path dir) throws IOException {
        checkTarget(dir);
        TextModelSpec named = new TextModelSpec(adaptedId(), base.directory(), base.sha256(), base.maxLength(), base.pooling(),
                base.license(), "continued masked-LM pre-training of " + base.id() + " (sha256 " + base.sha256() + ")");
        TextModelSpec[] saved = new TextModelSpec[1];
        OwnedDirectory.write(dir, BackboneDirectory.KIND, staging -> {
            try (DjlTextEncoder encoder = DjlTextEncoder.wrap(named, model.encoder(), 32)) {
                saved[0] = encoder.saveTo(staging);
            }
            List<TensorData> head = new ArrayList<>();
            for (Map.Entry<String, Parameter> e : model.head().namedParameters().entrySet()) {
                var a = e.getValue().getArray();
                head.add(new TensorData(BertForMaskedLm.HEAD + e.getKey(), a.getShape().getShape(), a.toFloatArray()));
            }
            SafeTensors.write(staging.resolve(HEAD_FILE), head, Map.of("format", "pt",
                    "cls.predictions.decoder.weight", "tied to embeddings.word_embeddings.weight"));
            AtomicFiles.writeString(staging.resolve(REPORT_FILE), Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(report(saved[0])));
        });
        return new TextModelSpec(saved[0].id(), dir, saved[0].sha256(), saved[0].maxLength(), saved[0].pooling(),
                saved[0].license(), saved[0].source());
    }

    private ObjectNode report(TextModelSpec saved) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("objective", MaskedLmPretraining.NAME);
        r.put("model_id", saved.id());
        r.put("weights_sha256", saved.sha256());
        r.put("base_model", base.id());
        r.put("base_sha256", base.sha256());
        r.put("mlm_head_init", headReused ? "continued from the base directory's " + HEAD_FILE : HEAD_INIT_NOTE);
        r.set("settings", Json.MAPPER.valueToTree(config.describe()));
        ObjectNode data = r.putObject("data");
        data.put("texts_sha256", textsSha256);
        data.put("train_texts", trainTexts);
        data.put("val_texts", valTexts);
        data.put("train_tokens", trainTokens);
        r.put("best_epoch", fit.bestEpoch());
        r.put("best_val_mlm_loss", fit.bestScore());
        r.put("train_seconds", fit.seconds());
        ArrayNode h = r.putArray("history");
        for (EpochLog e : fit.history()) {
            ObjectNode o = h.addObject();
            o.put("epoch", e.epoch());
            o.put("train_mlm_loss", e.trainLoss());
            o.put("val_mlm_loss", e.valLoss());
            o.put("val_masked_accuracy", e.valAccuracy());
            o.put("head_lr", e.learningRate());
            o.put("seconds", e.seconds());
        }
        r.put("graft_version", Versions.graft());
        return r;
    }

    /**
     * Refuses an output path that {@link #save} would not replace: a file, or a non-empty directory
     * that is not an earlier pre-training output. Call it before training to fail early.
     */
    public static void checkTarget(Path dir) {
        OwnedDirectory.checkWritable(dir, BackboneDirectory.KIND);
    }

    @Override
    public void close() {
        manager.close();
    }
}
