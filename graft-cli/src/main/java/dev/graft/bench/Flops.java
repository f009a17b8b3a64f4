package dev.graft.bench;

import dev.graft.model.bert.BertConfig;
import dev.graft.model.text.TokenBatch;
import java.util.List;

/** FLOP estimates for BERT-style encoders; see {@link BenchReport#FLOPS_FORMULA}. */
public final class Flops {

    private Flops() {
    }

    /** Weight-matrix parameters of the encoder layers: {@code L*(4H^2 + 2HI)}. */
    public static double layerWeights(BertConfig c) {
        double h = c.hiddenSize();
        return c.numLayers() * (4 * h * h + 2 * h * c.intermediateSize());
    }

    /** Forward FLOPs of {@code batch} sequences padded to {@code length}. */
    public static double forward(BertConfig c, int batch, int length) {
        double t = length;
        return batch * (2 * layerWeights(c) * t + c.numLayers() * 4.0 * t * t * c.hiddenSize());
    }

    /** Forward FLOPs of padded batches. */
    public static double forward(BertConfig c, List<TokenBatch> batches) {
        double f = 0;
        for (TokenBatch b : batches) {
            f += forward(c, b.size(), b.length());
        }
        return f;
    }

    /** FLOPs of an n×n by n×n matrix product. */
    public static double sgemm(int n) {
        return 2.0 * n * n * n;
    }
}
