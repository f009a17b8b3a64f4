package dev.graft.artifact;

/** What one input of a model is: a text, a pair of texts, an image, or a question about a context. */
public enum InputKind {
    /** One text. */
    TEXT("text"),
    /** Two texts read together (paraphrase, entailment, similarity). */
    TEXT_PAIR("text"),
    /** One image (a file, or its bytes). */
    IMAGE("image"),
    /** A question with the context that may hold its answer (extractive question answering). */
    QUESTION("text");

    private final String modality;

    InputKind(String modality) {
        this.modality = modality;
    }

    /** The modality a model reading such inputs has: {@code text} or {@code image}. */
    public String modality() {
        return modality;
    }
}
