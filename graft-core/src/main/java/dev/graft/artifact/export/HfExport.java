package dev.graft.artifact.export;

import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.TaskKind;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertModel;
import dev.graft.model.head.HeadArrays;
import dev.graft.model.text.DjlTextEncoder;
import dev.graft.model.text.PairEncoding;
import dev.graft.model.text.SentenceEncoder;
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
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a trained text model in the layout Hugging Face Transformers loads as {@code BertForSequenceClassification}:
 * {@code config.json} (architectures, sizes, {@code id2label}/{@code label2id}, {@code problem_type}),
 * {@code model.safetensors} ({@code bert.embeddings.*}, {@code bert.encoder.layer.N.*}, {@code bert.pooler.dense.*},
 * {@code classifier.*}), the tokenizer files and a model card ({@code README.md}). Feature-extraction, fine-tuned and
 * LoRA models (LoRA merged into the weights first) of BERT-family encoders with a linear head are exported.
 *
 * <p>The encoder weights are Graft's, bit for bit. The classifier is not applied to the same vector, though: Graft
 * pools the last hidden states (by mean, or the first token for a CLS-pooling backbone) and applies its head to that,
 * while {@code BertForSequenceClassification} applies {@code classifier} to {@code tanh(pooler.dense(h_CLS))}. No
 * pooler weights can turn the first token into the mean, so the export writes an identity {@code pooler.dense} (the
 * class then reads {@code tanh(h_CLS)}, deterministically, instead of a randomly initialised pooler) and says plainly,
 * in the model card and in {@link Result#notes()}, that its logits differ from Graft's, and how to get Graft's exact
 * outputs from the same files ({@code AutoModel}, the pooling Graft used, then {@code classifier}). A regression head's
 * target scale is folded into {@code classifier} so its output is in the data's units.
 */
public final class HfExport {

    /** The kind of directory this export writes (an {@link OwnedDirectory}: replaced only when Graft wrote it). */
    public static final DirectoryKind KIND = new DirectoryKind("hf-export", "Graft export in Hugging Face layout", "config.json",
            Set.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                    "README.md"), "\"graft_export\"");
    /** The weights file. */
    public static final String WEIGHTS_FILE = "model.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfExport() {
    }

    /**
     * What an export wrote.
     *
     * @param replaced whether an earlier export at the target was replaced
     * @param tensors  number of tensors in {@code model.safetensors}
     * @param notes    what a Transformers user gets, for the caller to print (also in the model card)
     */
    public record Result(boolean replaced, int tensors, List<String> notes) {
    }

    /**
     * Exports the model directory {@code modelDir} to {@code out}.
     *
     * @throws IllegalArgumentException when the model cannot be expressed as {@code BertForSequenceClassification} (an
     *                                  adapter model, a hidden-layer head, text pairs read separately, a non-BERT
     *                                  encoder), or {@code out} is not writable; the message says why and what to do
     */
    public static Result write(Path modelDir, Path out) {
        OwnedDirectory.checkWritable(out, KIND);
        try (TextClassifier model = TextClassifier.load(modelDir)) {
            check(model, modelDir);
            HeadOnnxGraph.checkPooling(model.backbone().pooling(), modelDir);
            boolean lora = model.peft() != null;
            if (lora) {
                model.mergeLora(); // into the weights of the encoder the model runs, which is then exported
            }
            HeadArrays head = HeadArrays.of(model.head());
            // a frozen ONNX backbone runs on ONNX Runtime: its weights are read into a DJL module to be written
            SentenceEncoder running = model.backbone().hasOnnx() && !lora ? null : model.encoder();
            DjlTextEncoder opened = running instanceof DjlTextEncoder ? null : DjlTextEncoder.open(model.backbone(), 32);
            try {
                BertModel bert = (opened != null ? opened : (DjlTextEncoder) running).model();
                if (bert.config().positionOffset() > 0) {
                    throw new IllegalArgumentException(modelDir + " has a RoBERTa-family encoder; the Hugging Face export writes"
                            + " BertForSequenceClassification and supports BERT-family encoders (MiniLM, bge, e5, BERT) only.");
                }
                List<String> notes = notes(model);
                List<TensorData> tensors = tensors(bert, head, model);
                boolean replaced = OwnedDirectory.write(out, KIND, staging -> {
                    SafeTensors.write(staging.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt"));
                    Map<String, Object> special = HfTokenizerFiles.write(model.backbone().tokenizerFile(),
                            model.backbone().maxLength(), staging);
                    AtomicFiles.writeString(staging.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter()
                            .writeValueAsString(config(bert, model, special)));
                    AtomicFiles.writeString(staging.resolve("README.md"), HfModelCard.text(model, notes));
                });
                return new Result(replaced, tensors.size(), notes);
            } finally {
                if (opened != null) {
                    opened.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot export " + modelDir + " to " + out + ": " + e.getMessage(), e);
        }
    }

    /** Refuses what a BERT sequence classifier with a linear classifier cannot express (shared with {@link PeftExport}). */
    static void check(TextClassifier model, Path dir) {
        if (model.peft() != null && !model.peft().mergeable()) {
            throw new IllegalArgumentException(dir + " was trained with " + Arguments.name("strategy") + " " + model.strategy()
                    + ": bottleneck adapters add layers BertForSequenceClassification does not have, so it cannot be exported"
                    + " in Hugging Face layout. Train with lora (exported merged) or fine-tune.");
        }
        if (model.head().config().hiddenUnits() > 0) {
            throw new IllegalArgumentException(dir + " has a head with a hidden layer (" + model.head().config().hiddenUnits()
                    + " units); BertForSequenceClassification's classifier is one linear layer. Retrain with "
                    + Arguments.name("hidden") + " 0 to export it.");
        }
        if (model.pairEncoding() == PairEncoding.SEPARATE) {
            throw new IllegalArgumentException(dir + " encodes the two texts of a pair separately and combines their vectors;"
                    + " BertForSequenceClassification reads a pair jointly. Only joint text-pair models can be exported.");
        }
        if (model.task().kind() == TaskKind.TOKEN_CLASSIFICATION) {
            throw new IllegalArgumentException(dir + " is a token-classification model; this export writes sequence classifiers.");
        }
    }

    /** Encoder tensors under {@code bert.}, an identity pooler, and the head as {@code classifier} (regression: in data units). */
    private static List<TensorData> tensors(BertModel bert, HeadArrays head, TextClassifier model) {
        List<TensorData> out = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : bert.namedParameters().entrySet()) {
            out.add(new TensorData("bert." + e.getKey(), e.getValue().getArray().getShape().getShape(),
                    e.getValue().getArray().toFloatArray()));
        }
        int hidden = bert.config().hiddenSize();
        float[] identity = new float[hidden * hidden];
        for (int i = 0; i < hidden; i++) {
            identity[i * hidden + i] = 1f;
        }
        out.add(new TensorData("bert.pooler.dense.weight", new long[] {hidden, hidden}, identity));
        out.add(new TensorData("bert.pooler.dense.bias", new long[] {hidden}, new float[hidden]));
        List<TensorData> classifier = classifier(head, model);
        TensorData w = classifier.get(0);
        TensorData b = classifier.get(1);
        out.add(w.renamed("classifier.weight"));
        out.add(b.renamed("classifier.bias"));
        return out;
    }

    /**
     * A linear head's weight and bias as a Hugging Face {@code classifier} computes with them: unchanged, or for
     * regression with the target scale folded in ({@code value = std·raw + mean}), so the output is in the data's units.
     */
    static List<TensorData> classifier(HeadArrays head, TextClassifier model) {
        TensorData w = head.tensors().get(0);
        TensorData b = head.tensors().get(1);
        if (model.task().kind() == TaskKind.REGRESSION) {
            Map<String, Object> s = model.task().settings();
            double std = ((Number) s.get("std")).doubleValue();
            double mean = ((Number) s.get("mean")).doubleValue();
            float[] wv = w.data().clone();
            for (int i = 0; i < wv.length; i++) {
                wv[i] = (float) (wv[i] * std);
            }
            float[] bv = b.data().clone();
            for (int i = 0; i < bv.length; i++) {
                bv[i] = (float) (bv[i] * std + mean);
            }
            w = new TensorData(w.name(), w.shape(), wv);
            b = new TensorData(b.name(), b.shape(), bv);
        }
        return List.of(w, b);
    }

    private static ObjectNode config(BertModel bert, TextClassifier model, Map<String, Object> special) {
        ObjectNode c = BertBackbone.toJson(bert.config());
        c.putArray("architectures").add("BertForSequenceClassification");
        c.put("model_type", "bert");
        if (special.containsKey("pad_token_id")) {
            c.put("pad_token_id", ((Number) special.get("pad_token_id")).longValue());
        }
        List<String> names = model.task().outputNames();
        ObjectNode id2label = c.putObject("id2label");
        ObjectNode label2id = c.putObject("label2id");
        for (int i = 0; i < names.size(); i++) {
            id2label.put(Integer.toString(i), names.get(i));
            label2id.put(names.get(i), i);
        }
        c.put("problem_type", switch (model.task().kind()) {
            case MULTI_LABEL -> "multi_label_classification";
            case REGRESSION -> "regression";
            default -> "single_label_classification";
        });
        ObjectNode graft = c.putObject("graft_export");
        graft.put("strategy", model.strategy());
        graft.put("backbone", model.backbone().id());
        graft.put("pooling", model.backbone().pooling().name().toLowerCase(Locale.ROOT));
        graft.set("task_settings", JSON.valueToTree(model.task().settings()));
        graft.put("logits_match_graft", false);
        return c;
    }

    private static List<String> notes(TextClassifier model) {
        String pooling = model.backbone().pooling().name().toLowerCase(Locale.ROOT);
        return List.of(
                "The encoder weights are Graft's exactly; AutoModel.from_pretrained gives the same hidden states.",
                "Graft applies the head to the " + (pooling.equals("mean") ? "attention-masked mean of the last hidden states"
                        : "first token's last hidden state") + "; BertForSequenceClassification applies it to tanh(pooler(h_CLS))"
                        + " (the pooler is written as the identity), so its logits DO NOT match Graft's.",
                "For Graft's exact outputs: AutoModel + " + pooling + " pooling + classifier (see README.md in the export).");
    }
}
