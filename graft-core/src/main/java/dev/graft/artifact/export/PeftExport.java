package dev.graft.artifact.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.TextClassifier;
import dev.graft.model.head.HeadArrays;
import dev.graft.model.peft.LoraTarget;
import dev.graft.model.peft.PeftMethod;
import dev.graft.model.peft.PeftModules;
import dev.graft.model.peft.PeftSpec;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.io.DirectoryKind;
import dev.graft.tensor.io.OwnedDirectory;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.util.Arguments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes a LoRA text model as a PEFT adapter for {@code BertForSequenceClassification} on the pretrained backbone:
 * {@code adapter_config.json} ({@code peft_type} LORA, {@code task_type} SEQ_CLS, {@code r}, {@code lora_alpha},
 * {@code lora_dropout}, {@code target_modules}, {@code base_model_name_or_path}, {@code modules_to_save}) and
 * {@code adapter_model.safetensors} under PEFT's saved names:
 * {@code base_model.model.bert.encoder.layer.N.attention.self.query.lora_A.weight} ({@code [r, in]}),
 * {@code ...lora_B.weight} ({@code [out, r]}), trained LayerNorms, and {@code base_model.model.classifier.weight/bias}
 * (the linear head, a module to save). PEFT scales the update by {@code lora_alpha / r}, as Graft does.
 *
 * <p>{@code target_modules} is written as a regular expression over module names (PEFT matches a string with
 * {@code re.fullmatch}): a list entry {@code output.dense} would also match {@code attention.output.dense}. The
 * classifier reads the base model's pooler output ({@code tanh(pooler(h_CLS))}) in Transformers, where Graft reads the
 * pooled last hidden states, so the logits differ from Graft's as for {@link HfExport} (the model card says so).
 */
public final class PeftExport {

    /** The kind of directory this export writes. */
    public static final DirectoryKind KIND = new DirectoryKind("peft-export", "Graft export in PEFT layout", "adapter_config.json",
            Set.of("adapter_config.json", "adapter_model.safetensors", "README.md", "tokenizer.json", "tokenizer_config.json",
                    "special_tokens_map.json"), "\"graft_export\"");
    /** PEFT's adapter weights file. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** PEFT's adapter configuration file. */
    public static final String CONFIG_FILE = "adapter_config.json";
    /** The prefix PEFT gives the wrapped model's tensors. */
    static final String PREFIX = "base_model.model.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeftExport() {
    }

    /**
     * Exports the LoRA model in {@code modelDir} to {@code out}.
     *
     * @return the number of tensors written
     * @throws IllegalArgumentException when the model has no LoRA updates, or cannot be expressed as a BERT sequence
     *                                  classifier (see {@link HfExport#write}), or {@code out} is not writable
     */
    public static int write(Path modelDir, Path out) {
        OwnedDirectory.checkWritable(out, KIND);
        try (TextClassifier model = TextClassifier.load(modelDir)) {
            PeftModules peft = model.peft();
            if (peft == null || peft.spec().method() != PeftMethod.LORA) {
                throw new IllegalArgumentException(modelDir + " (strategy " + model.strategy() + ") has no LoRA updates; the PEFT"
                        + " export writes models trained with " + Arguments.name("strategy") + " lora. Use the Hugging Face"
                        + " export (hf) for other models.");
            }
            HfExport.check(model, modelDir);
            PeftSpec spec = peft.spec();
            List<TensorData> tensors = new ArrayList<>();
            for (TensorData t : peft.tensors()) {
                tensors.add(t.renamed(PREFIX + "bert." + t.name()));
            }
            List<TensorData> classifier = HfExport.classifier(HeadArrays.of(model.head()), model);
            tensors.add(classifier.get(0).renamed(PREFIX + "classifier.weight"));
            tensors.add(classifier.get(1).renamed(PREFIX + "classifier.bias"));
            ObjectNode config = config(spec, model, tensors);
            List<String> notes = List.of("LoRA updates on " + model.backbone().id() + " (r " + spec.rank() + ", alpha "
                            + spec.alpha() + ") in PEFT's layout; load with PeftModel.from_pretrained on"
                            + " AutoModelForSequenceClassification of the base model.",
                    "PEFT's classifier reads tanh(pooler(h_CLS)) of the base model; Graft's head read the "
                            + model.backbone().pooling().name().toLowerCase(java.util.Locale.ROOT)
                            + "-pooled last hidden states, so the logits DO NOT match Graft's.",
                    "The base must be the weights Graft trained on (" + model.backbone().id() + "; Graft recorded SHA-256 "
                            + model.backbone().sha256() + " of its copy).");
            OwnedDirectory.write(out, KIND, staging -> {
                SafeTensors.write(staging.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt"));
                AtomicFiles.writeString(staging.resolve(CONFIG_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
                HfTokenizerFiles.write(model.backbone().tokenizerFile(), model.backbone().maxLength(), staging);
                AtomicFiles.writeString(staging.resolve("README.md"), HfModelCard.text(model, notes));
            });
            return tensors.size();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot export " + modelDir + " to " + out + ": " + e.getMessage(), e);
        }
    }

    /** The regular expression over module names that selects the LoRA targets in every encoder layer. */
    static String targetModules(List<LoraTarget> targets) {
        return "bert\\.encoder\\.layer\\.\\d+\\.(?:" + targets.stream().map(t -> t.layerName().replace(".", "\\."))
                .collect(Collectors.joining("|")) + ")";
    }

    private static ObjectNode config(PeftSpec spec, TextClassifier model, List<TensorData> tensors) {
        ObjectNode c = JSON.createObjectNode();
        c.put("peft_type", "LORA");
        c.put("task_type", "SEQ_CLS");
        c.put("base_model_name_or_path", model.backbone().id());
        c.putNull("revision");
        c.put("r", spec.rank());
        c.put("lora_alpha", spec.alpha());
        c.put("lora_dropout", spec.dropout());
        c.put("target_modules", targetModules(spec.targets()));
        c.put("bias", "none");
        c.put("fan_in_fan_out", false);
        c.put("inference_mode", true);
        c.put("init_lora_weights", true);
        c.put("use_rslora", false);
        c.put("use_dora", false);
        c.putNull("layers_to_transform");
        c.putNull("layers_pattern");
        c.putObject("rank_pattern");
        c.putObject("alpha_pattern");
        var save = c.putArray("modules_to_save");
        save.add("classifier");
        if (tensors.stream().anyMatch(t -> t.name().contains("LayerNorm"))) {
            save.add("LayerNorm"); // trained LayerNorms: PEFT saves such modules whole
        }
        ObjectNode graft = c.putObject("graft_export");
        graft.put("strategy", model.strategy());
        graft.put("backbone_sha256", model.backbone().sha256());
        graft.put("logits_match_graft", false);
        return c;
    }
}
