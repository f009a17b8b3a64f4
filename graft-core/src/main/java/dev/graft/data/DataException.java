package dev.graft.data;

/**
 * The single exception type of the data layer: a problem with the user's data files or with how
 * they are to be read.
 *
 * <p>It is unchecked because almost every such problem can only be fixed by the user, not handled
 * by the caller; the message is written for a person: it names the file, the line and/or the
 * column involved and says what to do about it.
 */
public class DataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with a user-facing message. */
    public DataException(String message) {
        super(message);
    }

    /** Creates an exception with a user-facing message and the low-level cause. */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
