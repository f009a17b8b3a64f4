package dev.graft.artifact;

/** What one input of a model is: a text, a pair of texts, an image, or a question about a context. */
public enum InputKind {
    /** One text. */
    TEXT,
    /** Two texts read together (paraphrase, entailment, similarity). */
    TEXT_PAIR,
    /** One image (a file, or its bytes). */
    IMAGE,
    /** A question with the context that may hold its answer (extractive question answering). */
    QUESTION
}
