package dev.graft.artifact;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * One input of a {@link GraftModel}: a text, a text pair, an image file or an image's bytes, or a question with its
 * context. Data files and JSON
 * requests build them the same way, from a row of named fields ({@link #fromFields}).
 */
public sealed interface ModelInput permits ModelInput.Text, ModelInput.TextPair, ModelInput.ImageFile, ModelInput.ImageBytes,
        ModelInput.Question {

    /** The kind of model that reads this input. */
    InputKind kind();

    /**
     * One text.
     *
     * @param text the text, not blank
     */
    record Text(String text) implements ModelInput {
        /** Requires a text that is not blank. */
        public Text {
            require(text, "text");
        }

        @Override
        public InputKind kind() {
            return InputKind.TEXT;
        }
    }

    /**
     * Two texts read together.
     *
     * @param text     the first text, not blank
     * @param textPair the second text, not blank
     */
    record TextPair(String text, String textPair) implements ModelInput {
        /** Requires two texts that are not blank. */
        public TextPair {
            require(text, "text");
            require(textPair, "textPair");
        }

        @Override
        public InputKind kind() {
            return InputKind.TEXT_PAIR;
        }
    }

    /**
     * An image file.
     *
     * @param file the image's path
     */
    record ImageFile(Path file) implements ModelInput {
        /** Requires a path. */
        public ImageFile {
            if (file == null) {
                throw new IllegalArgumentException("an image input needs a file");
            }
        }

        @Override
        public InputKind kind() {
            return InputKind.IMAGE;
        }
    }

    /**
     * An image's encoded bytes (JPEG, PNG, GIF, BMP or WebP).
     *
     * @param bytes the file's bytes
     * @param name  what to call the image in messages
     */
    record ImageBytes(byte[] bytes, String name) implements ModelInput {
        /** Requires bytes and a name. */
        public ImageBytes {
            if (bytes == null || bytes.length == 0 || name == null) {
                throw new IllegalArgumentException("an image input needs its bytes and a name");
            }
        }

        @Override
        public InputKind kind() {
            return InputKind.IMAGE;
        }
    }

    /**
     * A question about a context, for an extractive question-answering model.
     *
     * @param question the question, not blank
     * @param context  the text that may hold the answer, not blank
     */
    record Question(String question, String context) implements ModelInput {
        /** Requires a question and a context that are not blank. */
        public Question {
            require(question, "question");
            require(context, "context");
        }

        @Override
        public InputKind kind() {
            return InputKind.QUESTION;
        }
    }

    /**
     * The input a model of {@code kind} reads from a row of named fields: the text (and its pair) from
     * {@code names.text()} (and {@code names.textPair()}); a question and its context from {@code names.question()} and
     * {@code names.context()}; an image from {@code names.imageBase64()} (base64 bytes) or,
     * when {@code allowFiles}, from the path in {@code names.image()}.
     *
     * @throws IllegalArgumentException naming the missing or unreadable field; the caller adds where the row is
     */
    static ModelInput fromFields(InputKind kind, Map<String, String> fields, InputFields names, boolean allowFiles) {
        switch (kind) {
            case TEXT:
                return new Text(field(fields, names.text(), "the text"));
            case TEXT_PAIR:
                return new TextPair(field(fields, names.text(), "the first text of the pair"),
                        field(fields, names.textPair(), "the second text of the pair"));
            case QUESTION:
                return new Question(field(fields, names.question(), "the question"),
                        field(fields, names.context(), "the context the question is about"));
            default:
                String encoded = names.imageBase64() == null ? null : fields.get(names.imageBase64());
                if (encoded != null && !encoded.isBlank()) {
                    try {
                        return new ImageBytes(Base64.getMimeDecoder().decode(encoded.strip()), names.imageBase64());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("field '" + names.imageBase64() + "' is not valid base64 ("
                                + e.getMessage() + ")");
                    }
                }
                String path = fields.get(names.image());
                if (path != null && !path.isBlank()) {
                    if (!allowFiles) {
                        throw new IllegalArgumentException("field '" + names.image() + "' names a file, but reading local"
                                + " files is not allowed here: send the image's bytes in '" + names.imageBase64() + "'");
                    }
                    return new ImageFile(Path.of(path.strip()));
                }
                throw new IllegalArgumentException(names.imageBase64() == null ? "field '" + names.image() + "' (the image's"
                        + " path) is " + (path == null ? "missing" : "empty") : "no image: give '" + names.imageBase64()
                        + "' (base64 bytes)" + (allowFiles ? " or '" + names.image() + "' (a file path)" : ""));
        }
    }

    /** The texts of single-text inputs; refuses any other kind, naming its index. */
    static List<String> texts(List<ModelInput> inputs) {
        return inputs.stream().map(i -> ((Text) expect(inputs, i, InputKind.TEXT)).text()).toList();
    }

    /**
     * Checks that {@code input} is of {@code kind}.
     *
     * @throws IllegalArgumentException naming the input's index and both kinds
     */
    static ModelInput expect(List<ModelInput> inputs, ModelInput input, InputKind kind) {
        if (input == null || input.kind() != kind) {
            throw new IllegalArgumentException("input " + inputs.indexOf(input) + " is "
                    + (input == null ? "missing" : "a " + input.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                    + ", but this model reads a " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        }
        return input;
    }

    private static String field(Map<String, String> fields, String name, String what) {
        String v = fields.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("field '" + name + "' (" + what + ") is " + (v == null ? "missing" : "empty"));
        }
        return v;
    }

    private static void require(String text, String name) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
