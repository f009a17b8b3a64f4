package dev.graft.model.bert;

import java.util.Locale;
import java.util.Optional;

/** The Hugging Face encoder families whose checkpoints load into a {@link BertModel}. */
public enum HfArchitecture {
    /** BERT and MiniLM-style BERT ({@code model_type: bert}); parameters under {@code bert.} or unprefixed. */
    BERT("bert"),
    /** RoBERTa and XLM-RoBERTa: BERT layers, positions offset by {@code pad_token_id + 1}. */
    ROBERTA("roberta"),
    /** DistilBERT: BERT layers under other names, no token-type embeddings. */
    DISTILBERT("distilbert");

    private final String modelType;

    HfArchitecture(String modelType) {
        this.modelType = modelType;
    }

    /** The {@code model_type} of {@code config.json}. */
    public String modelType() {
        return modelType;
    }

    /**
     * The architecture for a {@code config.json} {@code model_type}, or for an {@code architectures} entry such as
     * {@code DistilBertForSequenceClassification} when the model type is absent.
     */
    public static Optional<HfArchitecture> of(String modelType, String architectureClass) {
        if (modelType != null) {
            switch (modelType.toLowerCase(Locale.ROOT)) {
                case "bert":
                    return Optional.of(BERT);
                case "roberta":
                case "xlm-roberta":
                    return Optional.of(ROBERTA);
                case "distilbert":
                    return Optional.of(DISTILBERT);
                default:
                    return Optional.empty();
            }
        }
        if (architectureClass != null) {
            if (architectureClass.startsWith("DistilBert")) {
                return Optional.of(DISTILBERT);
            }
            if (architectureClass.startsWith("Roberta") || architectureClass.startsWith("XLMRoberta")) {
                return Optional.of(ROBERTA);
            }
            if (architectureClass.startsWith("Bert")) {
                return Optional.of(BERT);
            }
        }
        return Optional.empty();
    }
}
