package dev.graft.artifact.export;

import dev.graft.artifact.TextClassifier;
import java.util.List;
import java.util.Locale;

/** The {@code README.md} of a Hugging Face export: what it is, how Transformers loads it, and what does not match Graft. */
final class HfModelCard {

    private HfModelCard() {
    }

    static String text(TextClassifier model, List<String> notes) {
        String pooling = model.backbone().pooling().name().toLowerCase(Locale.ROOT);
        String pool = pooling.equals("mean")
                ? "m = enc[\"attention_mask\"].unsqueeze(-1).float()\n"
                        + "    pooled = (out.last_hidden_state * m).sum(1) / m.sum(1).clamp(min=1e-9)\n"
                : "pooled = out.last_hidden_state[:, 0]\n";
        String activation = switch (model.task().kind()) {
            case MULTI_LABEL -> "probs = torch.sigmoid(logits)  # thresholds: config.json graft_export.task_settings";
            case REGRESSION -> "values = logits[:, 0]  # already in the data's units";
            default -> "probs = torch.softmax(logits, -1)";
        };
        StringBuilder b = new StringBuilder();
        b.append("---\nlibrary_name: transformers\npipeline_tag: text-classification\nbase_model: ").append(model.backbone().id())
                .append("\nlicense: ").append(model.backbone().license() == null ? "other" : model.backbone().license())
                .append("\ntags:\n- graft\n---\n\n");
        b.append("# Graft model exported for Hugging Face Transformers\n\n");
        b.append("Trained with Graft (strategy `").append(model.strategy()).append("`) on `").append(model.backbone().id())
                .append("`; task `").append(model.task().kind().key()).append("`, outputs ")
                .append(model.task().outputNames()).append(".\n\n");
        b.append("## What you get\n\n");
        for (String n : notes) {
            b.append("- ").append(n).append('\n');
        }
        b.append("\n`AutoModelForSequenceClassification.from_pretrained(\".\")` loads every tensor (nothing is newly"
                + " initialised), but its logits are those of the classifier on `tanh(h_CLS)`, not on Graft's ")
                .append(pooling).append("-pooled vector: they differ from Graft's predictions.\n\n");
        b.append("## Graft's exact outputs\n\n```python\nimport torch\nfrom safetensors.torch import load_file\n"
                + "from transformers import AutoModel, AutoTokenizer\n\n"
                + "tok = AutoTokenizer.from_pretrained(\".\")\nenc_model = AutoModel.from_pretrained(\".\")  # the encoder\n"
                + "w = load_file(\"model.safetensors\")\n"
                + "with torch.no_grad():\n    enc = tok(texts, padding=True, truncation=True, return_tensors=\"pt\")\n"
                + "    out = enc_model(**enc)\n    ").append(pool)
                .append("    logits = pooled @ w[\"classifier.weight\"].T + w[\"classifier.bias\"]\n    ").append(activation)
                .append("\n```\n");
        return b.toString();
    }
}
