package dev.graft.model.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * bfloat16 copies of float32 weights that do not change for a while, so that a bfloat16 product casts each of them once
 * instead of at every forward pass. Every {@link BFloat16Ops} module casts its float32 weights to bfloat16 on entry; a
 * copy this class made passes through that cast unchanged (libtorch's {@code to} returns a tensor already of the type).
 *
 * <p>Why a scope: libtorch counts the in-place writes to a tensor, but neither DJL nor TorchScript reads that count, and
 * many things write weights in place (the optimiser, a restored snapshot or checkpoint, a LoRA merge, a weight loader).
 * A copy is therefore only kept while the code that opened a {@link #whileTraining() training} or
 * {@link #whileInferring() inference} scope guarantees the weights it covers do not change: a learner's steps between
 * two changes of what is frozen (the frozen weights), a batched prediction (all weights). Outside a scope nothing is
 * kept and every product casts, as before. A scope belongs to the thread that opened it; the copies are freed when it
 * closes. A {@link Kept} store lets scopes share copies for longer, while its owner guarantees no weight changes (a
 * loaded model that only predicts, {@link #whileInferring(Kept)}).
 *
 * <p>The copies are libtorch bfloat16 tensors in DJL arrays. DJL 0.36 has no bfloat16 type on the PyTorch engine (such
 * an array's {@code getDataType()} answers {@code UNKNOWN}), so they never leave this class and the modules that take
 * them.
 */
public final class ConstantBf16Weights {

    static final String CLASS_NAME = "GraftBf16Copy";

    /** The module: forward(w) → a detached bfloat16 copy. */
    static final String SOURCE = TorchScriptFunction.moduleSource(CLASS_NAME, List.of("w"),
            List.of("return torch.detach(torch.to(w, 15))"));

    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private ConstantBf16Weights() {
    }

    /** Compiled on first use. */
    private static final class Module {
        static final TorchScriptFunction INSTANCE = TorchScriptFunction.compile(CLASS_NAME, SOURCE);
    }

    /**
     * Opens a scope in which the weights that require no gradient do not change (a learner's steps between two
     * changes of what is frozen): their bfloat16 copies are kept until it closes. Inside another training scope of this
     * thread it does nothing.
     *
     * @throws IllegalStateException inside an {@link #whileInferring() inference} scope of this thread
     */
    public static Scope whileTraining() {
        return open(false);
    }

    /**
     * Opens a scope in which no weight changes (predictions, a validation pass): the bfloat16 copies of all float32
     * weights are kept until it closes. Inside another scope of this thread it does nothing.
     */
    public static Scope whileInferring() {
        return open(true);
    }

    /**
     * Opens a scope in which no weight changes and whose copies come from {@code kept}: made on first use, they stay with
     * it when the scope closes. Inside another scope of this thread it does nothing.
     */
    public static Scope whileInferring(Kept kept) {
        if (CURRENT.get() != null) {
            return Scope.NESTED;
        }
        Scope s = new Scope(kept.store, false);
        CURRENT.set(s);
        return s;
    }

    private static Scope open(boolean allWeights) {
        Scope outer = CURRENT.get();
        if (outer != null) {
            if (!allWeights && outer.store.allWeights) {
                // the outer scope's copies of trainable weights would go stale at the first update
                throw new IllegalStateException("training inside a scope that holds every weight constant (an inference"
                        + " pass): close it first");
            }
            return Scope.NESTED;
        }
        Scope s = new Scope(new Store(allWeights), true);
        CURRENT.set(s);
        return s;
    }

    /**
     * What a bfloat16 product should take for the float32 weight {@code w}: inside a scope that covers it, its kept
     * bfloat16 copy (made on first use); else {@code w} itself.
     */
    public static NDArray forProduct(NDArray w) {
        Scope s = CURRENT.get();
        if (s == null || (!s.store.allWeights && w.hasGradient()) || !w.getDevice().equals(Store.DEVICE)) {
            return w;
        }
        return s.store.copyOf(w);
    }

    /** How many copies this thread's scope keeps (0 outside a scope). */
    public static int kept() {
        Scope s = CURRENT.get();
        return s == null ? 0 : s.store.size();
    }

    /** A scope: the copies this thread's bfloat16 products take until it closes. */
    public static final class Scope implements AutoCloseable {

        static final Scope NESTED = new Scope(null, false);

        private final Store store;
        private final boolean ownsStore;

        private Scope(Store store, boolean ownsStore) {
            this.store = store;
            this.ownsStore = ownsStore;
        }

        /** Ends the scope and frees its copies (unless they belong to a {@link Kept} store). */
        @Override
        public void close() {
            if (store == null) {
                return;
            }
            CURRENT.remove();
            if (ownsStore) {
                store.close();
            }
        }
    }

    /**
     * bfloat16 copies of every weight a model's products take, kept across {@link #whileInferring(Kept) scopes} for as
     * long as its owner guarantees that none of them changes: a model loaded to predict, whose every call would otherwise
     * cast each weight anew (on the 2-core AMX machine a one-text MiniLM pass took 17 ms casting, 10 ms with kept copies).
     * The copies take half the float32 weights' memory. Whoever is about to change a weight closes the store first (or
     * stops using it); {@link #close} frees the copies. Safe to share between threads.
     */
    public static final class Kept implements AutoCloseable {

        private final Store store = new Store(true);

        /** How many copies it holds. */
        public int size() {
            return store.size();
        }

        /** Frees the copies; a scope opened on it afterwards fails at its first product. */
        @Override
        public void close() {
            store.close();
        }
    }

    /** The copies of one scope, in a manager of their own. */
    private static final class Store implements AutoCloseable {

        static final Device DEVICE = Device.cpu();

        private final boolean allWeights;
        private final NDManager manager = NDManager.newBaseManager(DEVICE);
        private final Map<NDArray, NDArray> copies = new IdentityHashMap<>();
        private boolean closed;

        private Store(boolean allWeights) {
            this.allWeights = allWeights;
        }

        private synchronized NDArray copyOf(NDArray w) {
            if (closed) {
                throw new IllegalStateException("the kept bfloat16 copies were freed: the model that kept them was closed");
            }
            NDArray copy = copies.get(w);
            if (copy == null) {
                copy = Module.INSTANCE.apply(w);
                NDScope.unregister(copy);
                copy.attach(manager);
                copies.put(w, copy);
            }
            return copy;
        }

        private synchronized int size() {
            return copies.size();
        }

        /** Frees the copies. */
        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                copies.clear();
                manager.close();
            }
        }
    }
}
