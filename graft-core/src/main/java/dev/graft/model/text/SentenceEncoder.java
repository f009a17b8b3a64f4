package dev.graft.model.text;

import dev.graft.util.Progress;
import java.util.List;

/** Turns texts into fixed-size vectors with a frozen pretrained model. */
public interface SentenceEncoder extends AutoCloseable {

    /** One vector per text, in input order. */
    float[][] encode(List<String> texts, Progress progress);

    /** Vector width. */
    int dimension();

    /** The model this encoder runs. */
    TextModelSpec spec();

    @Override
    void close();
}
