package dev.graft.artifact;

/**
 * The field names that hold a model's inputs in a generic row (a column of a data file, a key of a JSON request).
 *
 * @param text        the text, or the first text of a pair
 * @param textPair    the second text of a pair
 * @param image       an image file's path
 * @param imageBase64 an image's bytes, base64-encoded; {@code null} where images come only as paths (data files)
 * @param question    the question of a question-answering input
 * @param context     the context that a question is asked about
 */
public record InputFields(String text, String textPair, String image, String imageBase64, String question, String context) {

    /**
     * The names of JSON requests: {@code text}, {@code text_pair}, {@code image}, {@code image_base64}, {@code question},
     * {@code context}.
     */
    public static final InputFields DEFAULT = new InputFields("text", "text_pair", "image", "image_base64", "question", "context");

    /** Requires the names of texts, image paths, questions and contexts. */
    public InputFields {
        if (text == null || textPair == null || image == null || question == null || context == null) {
            throw new IllegalArgumentException("every input field needs a name");
        }
    }
}
