package dev.graft.model.torch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.GradientCollector;
import java.util.List;

/** A small lookup table and a loss through it, for the tests of kept row gradients and the row-sparse update. */
public final class LookupTables {

    private LookupTables() {
    }

    /** A parameter holding {@code array}, which requires gradients. */
    public static Parameter parameter(String name, NDArray array) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        p.setArray(array);
        array.setRequiresGradient(true);
        return p;
    }

    /**
     * One backward pass of {@link #loss} through {@link FreshGradients#backwardTrainable}, which leaves the gradients on
     * {@code table} and {@code b}.
     */
    public static void pass(NDArray ids, Parameter table, Parameter b, boolean sparse) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            FreshGradients.backwardTrainable(loss(ids, table.getArray(), b.getArray(), sparse), List.of(table, b));
        }
    }

    /** {@code Σ (table[ids] · b)²}, the table looked up with a sparse gradient or a dense one. */
    public static NDArray loss(NDArray ids, NDArray table, NDArray b, boolean sparse) {
        NDArray rows = Embedding.embedding(ids, table, sparse ? SparseFormat.COO : SparseFormat.DENSE).singletonOrThrow();
        return rows.mul(b).sum(new int[] {-1}).square().sum();
    }
}
