package dev.graft.tensor.io;

import java.io.IOException;

/**
 * A consumer that may throw {@link IOException}, e.g. the body that writes a file's content.
 *
 * @param <T> the type of the consumed value
 */
@FunctionalInterface
public interface IoConsumer<T> {

    /**
     * Consumes {@code value}.
     *
     * @param value the value, e.g. the stream to write to
     * @throws IOException if writing fails
     */
    void accept(T value) throws IOException;
}
