package dev.graft.artifact;

/**
 * The field names that hold a model's inputs in a generic row (a column of a data file, a key of a JSON request).
 *
 * @param text        the text, or the first text of a pair
 * @param textPair    the second text of a pair
 * @param image       an image file's path
 * @param imageBase64 an image's bytes, base64-encoded; {@code null} where images come only as paths (data files)
 */
public record InputFields(String text, String textPair, String image, String imageBase64) {

    /** The names of JSON requests: {@code text}, {@code text_pair}, {@code image}, {@code image_base64}. */
    public static final InputFields DEFAULT = new InputFields("text", "text_pair", "image", "image_base64");

    /** Requires the names of texts and image paths. */
    public InputFields {
        if (text == null || textPair == null || image == null) {
            throw new IllegalArgumentException("every input field needs a name");
        }
    }
}
