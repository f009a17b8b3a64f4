package dev.graft.tensor.pickle;

import java.io.IOException;

/** A PyTorch checkpoint is malformed, uses a feature Graft does not read, or asks to run code Graft refuses. */
public class PickleException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, naming the file and, where known, the byte offset or tensor
     */
    public PickleException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause   the underlying failure
     */
    public PickleException(String message, Throwable cause) {
        super(message, cause);
    }
}
