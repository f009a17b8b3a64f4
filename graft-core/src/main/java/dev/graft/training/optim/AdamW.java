package dev.graft.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.model.torch.FreshGradients;
import dev.graft.model.torch.FusedAdamW;
import dev.graft.model.torch.LazyRowDecay;
import dev.graft.model.torch.RowSparseAdamW;
import dev.graft.tensor.TensorData;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * AdamW (Loshchilov and Hutter), matching {@code torch.optim.AdamW}: decoupled weight decay per
 * group, per-parameter bias correction. DJL's own optimisers apply one global weight decay and key
 * state by run-local ids, which is why Graft has its own.
 */
public final class AdamW extends GroupedOptimizer {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final boolean fused;
    private boolean deferIdleRowDecay;
    /** Each row-sparse table's active rows (bool per row): those whose moments may be non-zero. */
    private final Map<NDArray, NDArray> active = new IdentityHashMap<>();

    /**
     * AdamW with explicit betas and epsilon.
     *
     * @param fused whether to update through libtorch's fused kernel ({@link FusedAdamW}, {@code torch.optim.AdamW(
     *              fused=True)}) where it can take the arrays; else each parameter's update is a sequence of DJL ops.
     *              The two agree to float rounding (the kernel computes the first moment as a {@code lerp}).
     */
    public AdamW(Map<String, Parameter> parameters, List<ParamGroup> groups, NDManager stateManager,
                 double beta1, double beta2, double eps, boolean fused) {
        super(parameters, groups, stateManager, 2);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.fused = fused;
    }

    /** AdamW with PyTorch's defaults, betas (0.9, 0.999) and epsilon 1e-8, through the fused kernel. */
    public static AdamW of(Map<String, Parameter> parameters, List<ParamGroup> groups, NDManager stateManager) {
        return new AdamW(parameters, groups, stateManager, 0.9, 0.999, 1e-8, true);
    }

    /**
     * Every update in one call to libtorch's fused AdamW kernel when fused and it can take the arrays; else one at a
     * time. A lookup table whose gradient holds a few rows ({@link FreshGradients#writtenRows}: the word embeddings) is
     * updated row-sparsely ({@link RowSparseAdamW}), to the same result.
     */
    @Override
    protected void apply(List<Update> updates) {
        if (!fused || !updates.stream().allMatch(u -> FusedAdamW.supports(u.weights()) && FusedAdamW.supports(u.gradients()))) {
            forgetActiveRows();
            denseApply(updates);
            return;
        }
        List<Update> rest = new ArrayList<>(updates.size());
        List<Update> tables = new ArrayList<>();
        for (Update u : updates) {
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < u.weights().size(); i++) {
                NDArray w = u.weights().get(i);
                if (FreshGradients.writtenRowsOf(w) != null) {
                    rows.add(i);
                } else if (active.containsKey(w)) {
                    active.remove(w).close(); // a dense gradient this step: its rows are read from the moments next time
                }
            }
            if (rows.isEmpty()) {
                rest.add(u);
            } else {
                rest.add(subset(u, i -> !rows.contains(i)));
                for (int i : rows) {
                    tables.add(subset(u, j -> j == i));
                }
            }
        }
        if (!fusedStep(rest)) {
            forgetActiveRows();
            denseApply(updates);
            return;
        }
        List<Update> dense = new ArrayList<>();
        for (Update t : tables) {
            NDArray w = t.weights().get(0);
            NDArray[] state = t.states().get(0);
            NDArray mask = active.computeIfAbsent(w, k -> RowSparseAdamW.activeRows(state[0], state[1]));
            RowSparseAdamW.Outcome done = RowSparseAdamW.step(w, t.gradients().get(0), state[0], state[1],
                    FreshGradients.writtenRowsOf(w), mask, t.step(), t.lr(), t.group().weightDecay(), beta1, beta2, eps,
                    deferIdleRowDecay);
            if (done != RowSparseAdamW.Outcome.UPDATED) {
                LazyRowDecay.settle(w); // the dense kernel decays every row: none may be behind
                dense.add(t);
                if (done == RowSparseAdamW.Outcome.ROWS_UNKNOWN) {
                    active.remove(w).close(); // the dense gradient may reach any row: read the moments again next time
                }
            }
        }
        if (!fusedStep(dense)) {
            super.apply(dense);
        }
    }

    /** The update one parameter at a time, after bringing every row of the lookup tables among them up to date. */
    private void denseApply(List<Update> updates) {
        updates.forEach(u -> u.weights().forEach(LazyRowDecay::settle));
        super.apply(updates);
    }

    /** Defers the decay of lookup tables' idle rows ({@link LazyRowDecay}) from now on. */
    @Override
    public void deferIdleRowDecay() {
        deferIdleRowDecay = true;
    }

    private void forgetActiveRows() {
        active.values().forEach(NDArray::close);
        active.clear();
    }

    private boolean fusedStep(List<Update> updates) {
        List<FusedAdamW.Group> groups = updates.stream().map(u -> new FusedAdamW.Group(u.weights(), u.gradients(),
                u.states().stream().map(s -> s[0]).toList(), u.states().stream().map(s -> s[1]).toList(), u.step(),
                u.lr(), u.group().weightDecay())).toList();
        return FusedAdamW.step(groups, beta1, beta2, eps);
    }

    /** The entries of {@code u} whose index passes {@code keep}. */
    private static Update subset(Update u, IntPredicate keep) {
        List<NDArray> w = new ArrayList<>();
        List<NDArray> g = new ArrayList<>();
        List<NDArray[]> st = new ArrayList<>();
        for (int i = 0; i < u.weights().size(); i++) {
            if (keep.test(i)) {
                w.add(u.weights().get(i));
                g.add(u.gradients().get(i));
                st.add(u.states().get(i));
            }
        }
        return new Update(w, g, u.group(), u.lr(), u.step(), st);
    }

    @Override
    public void importState(Map<String, TensorData> tensors, Map<String, Long> parameterSteps, long totalSteps) {
        forgetActiveRows(); // read from the imported moments when next needed
        super.importState(tensors, parameterSteps, totalSteps);
    }

    @Override
    protected void update(NDArray w, NDArray g, ParamGroup group, double lr, long step, NDArray[] state) {
        NDArray m = state[0];
        NDArray v = state[1];
        if (group.weightDecay() > 0 && lr > 0) {
            w.muli(1 - lr * group.weightDecay());
        }
        v.muli(beta2).addi(g.square().muli(1 - beta2));
        m.muli(beta1).addi(g.muli(1 - beta1)); // the next backward pass replaces g: scale it in place, no temporary
        if (lr > 0) {
            double bc1 = 1 - Math.pow(beta1, step);
            double bc2 = 1 - Math.pow(beta2, step);
            // v holds denormals (squares of tiny gradients, e.g. of rarely seen embedding rows), and x86 takes ~20x
            // longer for the square root of one (measured: 450-800 ms vs 23 ms for 11.7 M floats). Raising v to the
            // smallest normal float first changes sqrt(v)/sqrt(bc2) by less than 4e-18, which adding eps rounds away
            // when eps > 1e-10 (half an ulp of eps is eps * 6e-8): the update is bit for bit the same.
            NDArray root = eps > 1e-10 ? v.maximum(Float.MIN_NORMAL).sqrt() : v.sqrt();
            NDArray denom = root.divi(Math.sqrt(bc2)).addi(eps);
            w.subi(m.div(denom).muli(lr / bc1));
        }
    }
}
