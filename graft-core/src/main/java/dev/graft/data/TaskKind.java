package dev.graft.data;

import java.util.Locale;

/**
 * What a data set's targets are, and so which task a model learns from it: one class per example, a set of labels
 * per example, or a number per example. The task layer ({@code dev.graft.task}) turns each kind into a head, a loss,
 * metrics and decoding; the data layer only reads and checks targets of the kind.
 */
public enum TaskKind {
    /** One class per example (softmax, cross-entropy). */
    CLASSIFICATION("classification"),
    /** Any number of labels per example, from a fixed list (sigmoid per label, binary cross-entropy). */
    MULTI_LABEL("multi-label"),
    /** A real number per example (a linear output, squared error on the standardised target). */
    REGRESSION("regression"),
    /**
     * One tag per word of a sentence (named-entity recognition): a softmax over the tags at every token, read back as
     * entities. Its data are tagged sentences ({@code data.tokens}), not rows with a label column.
     */
    TOKEN_CLASSIFICATION("token-classification"),
    /**
     * Extractive question answering: a start and an end score at every token of question-first windows, read back as
     * a span of the context (or no answer). Its data are questions with contexts ({@code data.qa}), not rows.
     */
    QUESTION_ANSWERING("question-answering"),

    /**

     * One class per pixel of an image (semantic segmentation): a softmax over the classes at every pixel. Its data are
     * image/mask pairs ({@code data.image.masks}), not rows with a label column.
     */
    SEGMENTATION("segmentation");

    private final String key;

    TaskKind(String key) {
        this.key = key;
    }

    /**
     * The name in manifests, provenance and arguments: {@code classification}, {@code multi-label}, {@code regression},
     * {@code token-classification}, {@code question-answering}, {@code segmentation}.
     */
    public String key() {
        return key;
    }

    /**
     * Parses a kind by {@link #key()} (case-insensitive; {@code multilabel}, {@code multi_label} and
     * {@code single-label} are accepted too, {@code ner} for token classification and {@code qa} for question answering).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static TaskKind parse(String s) {
        String k = s.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (k) {
            case "classification", "single-label", "classify" -> CLASSIFICATION;
            case "multi-label", "multilabel" -> MULTI_LABEL;
            case "regression", "regress" -> REGRESSION;
            case "token-classification", "ner" -> TOKEN_CLASSIFICATION;
            case "question-answering", "qa" -> QUESTION_ANSWERING;
            case "segmentation", "semantic-segmentation" -> SEGMENTATION;
            default -> throw new IllegalArgumentException("Unknown task '" + s
                    + "'; use classification, multi-label, regression, token-classification (ner), question-answering (qa)"
                    + " or segmentation.");
        };
    }
}
