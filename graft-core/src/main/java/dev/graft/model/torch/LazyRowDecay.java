package dev.graft.model.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The weight decay of a lookup table's idle rows, deferred until they are read. AdamW decays every weight every step,
 * {@code w ← w·(1 − lr·wd)}; for a table updated row-sparsely ({@link RowSparseAdamW}) that was one pass over the whole
 * table a step (MiniLM's word embeddings, 11.7 M floats: ~2.7 ms of a ~150 ms step on support tickets), though every
 * row but the few thousand any batch has looked up changes by nothing else.
 *
 * <p>A table declared with {@link #track} instead keeps the running product of the decays it was given,
 * {@code total}, and for each row the product it was last brought to, {@code stamp[r]}: the row's weights are
 * {@code w[r] · total / stamp[r]}. The row-sparse update keeps the rows it updates current. The others are brought up to
 * date where they are read: the rows a batch looks up, just before the lookup ({@link #bringUpToDate}), and the whole
 * table before anything else reads or replaces it ({@link #settle}; the learner settles at the end of each epoch's
 * steps, before validation, snapshots and checkpoints). The weights then are those the eager decay gives, to float
 * rounding: one multiplication by a product instead of one per step. A table whose update falls back to a dense one
 * is settled first, so a dense update never meets a deferred decay.
 */
public final class LazyRowDecay {

    static final String CLASS_NAME = "GraftLazyRowDecay";

    /**
     * forward(w, stamp, ids, total) → nothing pending: the rows {@code ids} names ({@code [-1]}: every row) brought to
     * {@code total}. Writes through detached views, so it may run while autograd records the pass that then reads them.
     */
    static final String SOURCE = TorchScriptFunction.moduleSource(CLASS_NAME,
            List.of("w: Tensor", "stamp: Tensor", "ids: Tensor", "total: float"), "bool",
            List.of("table = w.detach()",
                    "if bool(torch.lt(ids, 0).any()):",
                    "  table.mul_(torch.unsqueeze(torch.div(torch.full_like(stamp, total), stamp), 1))",
                    "  stamp.fill_(total)",
                    "  return True",
                    "r, _inverse, _counts = torch._unique2(torch.reshape(ids, [-1]), True, False, False)",
                    "f = torch.div(torch.full_like(r, total, dtype=6), torch.index_select(stamp, 0, r))",
                    "table.index_copy_(0, r, torch.mul(torch.index_select(table, 0, r), torch.unsqueeze(f, 1)))",
                    "stamp.index_fill_(0, r, total)",
                    "return True"));

    /** Tracked tables, each with its state once it has one (weakly: a model's table goes with the model). */
    private static final Map<Parameter, State> TABLES = Collections.synchronizedMap(new WeakHashMap<>());

    private LazyRowDecay() {
    }

    /** Compiled on first use. */
    private static final class Module {
        static final TorchScriptFunction INSTANCE = TorchScriptFunction.compile(CLASS_NAME, SOURCE);
    }

    /** A tracked table's deferred decay: for the array it was made for, the running product and each row's stamp. */
    static final class State {
        final NDArray table;
        final NDArray stamp;
        double total = 1.0;
        /** {@code total} when every row was last current: nothing is pending while the two are equal. */
        double settledAt = 1.0;

        private State(NDArray table) {
            this.table = table;
            this.stamp = table.getManager().ones(new Shape(table.getShape().get(0)), DataType.FLOAT32);
            NDScope.unregister(stamp);
        }

        boolean pending() {
            return total != settledAt;
        }
    }

    /**
     * Declares {@code table} a lookup table whose idle rows may have their decay deferred. Whoever looks it up must call
     * {@link #bringUpToDate} first.
     */
    public static void track(Parameter table) {
        TABLES.putIfAbsent(table, null);
    }

    /**
     * The state of the tracked table whose array is {@code weights}, made on first use, or null when {@code weights}
     * is no tracked table's array. A table whose array was replaced since starts afresh: nothing is pending for it.
     */
    static State stateOf(NDArray weights) {
        synchronized (TABLES) {
            for (Map.Entry<Parameter, State> e : TABLES.entrySet()) {
                Parameter p = e.getKey();
                if (p.isInitialized() && p.getArray() == weights) {
                    State s = e.getValue();
                    if (s == null || s.table != weights) {
                        if (s != null) {
                            s.stamp.close();
                        }
                        s = new State(weights);
                        e.setValue(s);
                    }
                    return s;
                }
            }
            return null;
        }
    }

    /** The state of {@code table}, when it has one that still belongs to its array. */
    private static State current(Parameter table) {
        synchronized (TABLES) {
            State s = TABLES.get(table);
            return s != null && table.isInitialized() && s.table == table.getArray() ? s : null;
        }
    }

    /**
     * Brings the rows {@code ids} (any shape, int64) of {@code table} up to date, before a lookup reads them; nothing
     * when no decay is pending.
     */
    public static void bringUpToDate(Parameter table, NDArray ids) {
        State s = current(table);
        if (s != null && s.pending()) {
            Module.INSTANCE.call(s.table, s.stamp, ids, s.total);
        }
    }

    /** Brings every row of each tracked table among {@code parameters} up to date; the others are left as they are. */
    public static void settle(Collection<Parameter> parameters) {
        List<State> due = new ArrayList<>();
        synchronized (TABLES) {
            for (Parameter p : parameters) {
                if (TABLES.containsKey(p)) {
                    State s = current(p);
                    if (s != null && s.pending()) {
                        due.add(s);
                    }
                }
            }
        }
        due.forEach(LazyRowDecay::settle);
    }

    /** {@link #settle(Collection)} for the tracked table whose array is {@code weights}; nothing for any other array. */
    public static void settle(NDArray weights) {
        synchronized (TABLES) {
            for (Map.Entry<Parameter, State> e : TABLES.entrySet()) {
                State s = e.getValue();
                if (s != null && s.table == weights && s.pending()) {
                    settle(s);
                    return;
                }
            }
        }
    }

    private static void settle(State s) {
        try (NDArray all = s.table.getManager().create(new long[] {-1})) {
            Module.INSTANCE.call(s.table, s.stamp, all, s.total);
        }
        s.settledAt = s.total;
    }
}
