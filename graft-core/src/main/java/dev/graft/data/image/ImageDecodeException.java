package dev.graft.data.image;

import dev.graft.data.DataException;
import java.nio.file.Path;

/** An image file that cannot be decoded (corrupt, truncated, unsupported, too large); the message names the file. */
public class ImageDecodeException extends DataException {

    private final transient Path path;
    private final String reason;

    /** A failure to decode {@code path}. */
    public ImageDecodeException(Path path, String reason, Throwable cause) {
        super("Cannot decode image " + path + ": " + reason, cause);
        this.path = path;
        this.reason = reason;
    }

    /** The file that failed. */
    public Path path() {
        return path;
    }

    /** Why, without the file name (e.g. {@code corrupt or truncated (...)}). */
    public String reason() {
        return reason;
    }
}
