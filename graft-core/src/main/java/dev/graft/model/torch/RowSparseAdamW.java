package dev.graft.model.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.List;

/**
 * AdamW on a lookup table whose gradient is zero outside a few rows ({@link FreshGradients#keepRowGradient}): the same
 * update as {@link FusedAdamW} on the whole table, computed on the rows that can change and a decay of the rest.
 *
 * <p>Why it is the same: a row that no pass has written has a zero gradient and zero moments, so AdamW's update of it
 * is the weight decay alone, {@code w ← w·(1 − lr·wd)} (its adaptive term is {@code 0 / (0 + ε)}). The table's rows
 * split into those (decayed in one pass over the table) and the active ones, the rows any pass has written so far,
 * whose moments move every step: they are gathered, updated as the fused kernel updates them (to float rounding), and
 * written back. On support tickets a fine-tune reaches a few thousand of MiniLM's 30,522 rows, so the step reads and
 * writes the table once instead of reading the weights, the gradient and both moments of every row and writing three of
 * them. Where the active rows pass a quarter of the table, the caller's dense kernel is cheaper and is used instead.
 *
 * <p>A caller that settles what it defers may have the decay of the rows that are not active deferred until they are
 * read ({@link LazyRowDecay}), for a table declared with {@link LazyRowDecay#track}: the step then reads and writes the
 * active rows alone.
 *
 * <p>The active rows grow from step to step, and so would the gathered arrays: each step's new sizes left the freed
 * blocks of the last unusable, and a book-review fine-tune peaked 0.4–0.8 GiB higher. The row list is therefore padded to
 * a multiple of 1,024 with copies of its last row (updated alike, written back alike), so the arrays take few sizes.
 */
public final class RowSparseAdamW {

    static final String CLASS_NAME = "GraftRowSparseAdamW";

    /**
     * forward(w, g, m, v, rows, active, stamp, total, step, lr, wd, beta1, beta2, eps) → 1 when it updated the table; 0
     * when the active rows are too many (nothing changed but {@code active}); -1 when {@code rows} is not known
     * ({@code [-1]}), nothing changed. {@code active} (bool, one per row) gains {@code rows} first. With a non-empty
     * {@code stamp} ({@link LazyRowDecay}) the idle rows' decay is deferred: the active rows' stamps become
     * {@code total}; else the whole table is decayed.
     */
    static final String SOURCE = TorchScriptFunction.moduleSource(CLASS_NAME,
            List.of("w: Tensor", "g: Tensor", "m: Tensor", "v: Tensor", "rows: Tensor", "active: Tensor", "stamp: Tensor",
                    "total: float", "step: float", "lr: float", "wd: float", "beta1: float", "beta2: float", "eps: float"),
            "int",
            List.of("if rows.dim() != 1 or bool(torch.lt(rows, 0).any()):",
                    "  return -1",
                    "active.index_fill_(0, rows, True)",
                    "a = torch.reshape(torch.nonzero(active), [-1])",
                    "if a.numel() * 4 > w.size(0):",
                    "  return 0",
                    "n = a.numel()",
                    "padded = ((n + 1023) // 1024) * 1024",
                    "if padded > n:",
                    "  a = torch.cat([a, torch.expand(torch.narrow(a, 0, n - 1, 1), [padded - n])])",
                    "wa = torch.index_select(w, 0, a)",
                    "ga = torch.index_select(g, 0, a)",
                    "ma = torch.index_select(m, 0, a)",
                    "va = torch.index_select(v, 0, a)",
                    "decay = 1. - lr * wd",
                    "if decay != 1.:",
                    "  if stamp.numel() > 0:",
                    "    stamp.index_fill_(0, a, total)",
                    "  else:",
                    "    w.mul_(decay)",
                    "  wa.mul_(decay)",
                    "ma.lerp_(ga, 1. - beta1)",
                    "va.mul_(beta2).addcmul_(ga, ga, value=1. - beta2)",
                    "bc1 = 1. - beta1 ** step",
                    "bc2 = 1. - beta2 ** step",
                    "denom = torch.add(torch.div(torch.sqrt(va), bc2 ** 0.5), eps)",
                    "wa.addcdiv_(ma, denom, value=-lr / bc1)",
                    "w.index_copy_(0, a, wa)",
                    "m.index_copy_(0, a, ma)",
                    "v.index_copy_(0, a, va)",
                    "return 1"));

    /** forward(m, v) → the rows whose moments are not both zero: the active rows of a table's state. */
    static final String ACTIVE_SOURCE = TorchScriptFunction.moduleSource(CLASS_NAME + "Active", List.of("m", "v"),
            List.of("return torch.logical_or(torch.ne(m, 0).any(1), torch.ne(v, 0).any(1))"));

    private RowSparseAdamW() {
    }

    /** Compiled on first use. */
    private static final class Module {
        static final TorchScriptFunction INSTANCE = TorchScriptFunction.compile(CLASS_NAME, SOURCE);
        static final TorchScriptFunction ACTIVE = TorchScriptFunction.compile(CLASS_NAME + "Active", ACTIVE_SOURCE);
    }

    /** What {@link #step} did. */
    public enum Outcome {
        /** The table was updated. */
        UPDATED,
        /** Too many active rows: update it with the dense kernel ({@code active} is still right). */
        TOO_MANY_ROWS,
        /** The gradient's rows are not known: update it with the dense kernel and forget {@code active}. */
        ROWS_UNKNOWN
    }

    /**
     * The active rows of a table whose moments are {@code m} and {@code v} (bool, one per row), outside any scope: for
     * a table seen for the first time, or after its moments came from elsewhere (a checkpoint).
     */
    public static NDArray activeRows(NDArray m, NDArray v) {
        NDArray active = Module.ACTIVE.apply(m, v);
        NDScope.unregister(active);
        return active;
    }

    /**
     * One AdamW step of the table {@code w} with gradient {@code g} and moments {@code m}, {@code v}, given the rows
     * the gradient holds ({@link FreshGradients#writtenRows}) and the table's active rows, which it extends.
     */
    public static Outcome step(NDArray w, NDArray g, NDArray m, NDArray v, NDArray rows, NDArray active, long step,
                               double lr, double weightDecay, double beta1, double beta2, double eps) {
        return step(w, g, m, v, rows, active, step, lr, weightDecay, beta1, beta2, eps, false);
    }

    /**
     * {@link #step(NDArray, NDArray, NDArray, NDArray, NDArray, NDArray, long, double, double, double, double, double)},
     * deferring the decay of the rows that are not active when {@code deferIdleDecay} and {@code w} is a table
     * {@link LazyRowDecay#track}ed: the caller then settles the table ({@link LazyRowDecay#settle}) before anything but
     * a lookup reads it.
     */
    public static Outcome step(NDArray w, NDArray g, NDArray m, NDArray v, NDArray rows, NDArray active, long step,
                               double lr, double weightDecay, double beta1, double beta2, double eps,
                               boolean deferIdleDecay) {
        LazyRowDecay.State lazy = deferIdleDecay ? LazyRowDecay.stateOf(w) : null;
        double total = lazy == null ? 1.0 : lazy.total * (1.0 - lr * weightDecay);
        try (NDArray none = lazy == null ? w.getManager().create(new float[0]) : null) {
            long r = (Long) Module.INSTANCE.call(w, g, m, v, rows, active, lazy == null ? none : lazy.stamp, total,
                    (double) step, lr, weightDecay, beta1, beta2, eps);
            if (r > 0 && lazy != null) {
                lazy.total = total;
            }
            return r > 0 ? Outcome.UPDATED : r == 0 ? Outcome.TOO_MANY_ROWS : Outcome.ROWS_UNKNOWN;
        }
    }
}
