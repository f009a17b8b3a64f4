package dev.graft.artifact;

/** What one input of a model is: a text, a pair of texts, or an image. */
public enum InputKind {
    /** One text. */
    TEXT,
    /** Two texts read together (paraphrase, entailment, similarity). */
    TEXT_PAIR,
    /** One image (a file, or its bytes). */
    IMAGE
}
