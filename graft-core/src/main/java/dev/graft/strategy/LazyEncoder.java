package dev.graft.strategy;

import dev.graft.model.text.SentenceEncoder;
import java.util.function.Supplier;

/** Opens an encoder on first use and closes it only if it was opened. */
final class LazyEncoder implements Supplier<SentenceEncoder>, AutoCloseable {

    private final Supplier<? extends SentenceEncoder> opener;
    private SentenceEncoder encoder;

    LazyEncoder(Supplier<? extends SentenceEncoder> opener) {
        this.opener = opener;
    }

    @Override
    public SentenceEncoder get() {
        if (encoder == null) {
            encoder = opener.get();
        }
        return encoder;
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
        }
    }
}
