package dev.graft.tensor.safetensors;

import java.io.IOException;

/** A safetensors file is malformed, or holds a tensor that cannot be converted as asked. */
public class SafeTensorsException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, naming the file and tensor
     */
    public SafeTensorsException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the file and tensor
     * @param cause   the underlying failure
     */
    public SafeTensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
