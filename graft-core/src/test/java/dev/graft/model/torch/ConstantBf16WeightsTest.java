package dev.graft.model.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Which weights a scope keeps bfloat16 copies of, for how long, and that a product from a copy is the same product. */
class ConstantBf16WeightsTest {

    @Test
    void aTrainingScopeKeepsOneCopyOfEachFrozenWeightAndNoneOfATrainableOne() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray frozen = m.randomNormal(new Shape(16, 8));
            NDArray trainable = m.randomNormal(new Shape(16, 8));
            trainable.setRequiresGradient(true);
            assertSame(frozen, ConstantBf16Weights.forProduct(frozen), "outside a scope: the weight itself");
            try (ConstantBf16Weights.Scope s = ConstantBf16Weights.whileTraining()) {
                NDArray copy = ConstantBf16Weights.forProduct(frozen);
                assertNotSame(frozen, copy);
                assertEquals(frozen.getShape(), copy.getShape());
                assertSame(copy, ConstantBf16Weights.forProduct(frozen), "made once");
                assertSame(trainable, ConstantBf16Weights.forProduct(trainable), "a trainable weight changes every step");
                assertEquals(1, ConstantBf16Weights.kept());
            }
            assertEquals(0, ConstantBf16Weights.kept(), "freed on close");
            assertSame(frozen, ConstantBf16Weights.forProduct(frozen));
        }
    }

    @Test
    void anInferenceScopeCoversTrainableWeightsAndANestedScopeLeavesTheOuterOne() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray trainable = m.randomNormal(new Shape(16, 8));
            trainable.setRequiresGradient(true);
            try (ConstantBf16Weights.Scope outer = ConstantBf16Weights.whileInferring()) {
                NDArray copy = ConstantBf16Weights.forProduct(trainable);
                assertNotSame(trainable, copy, "nothing changes while inferring");
                try (ConstantBf16Weights.Scope inner = ConstantBf16Weights.whileInferring()) {
                    assertSame(copy, ConstantBf16Weights.forProduct(trainable), "the outer scope rules");
                }
                assertEquals(1, ConstantBf16Weights.kept(), "closing the nested scope freed nothing");
            }
            assertEquals(0, ConstantBf16Weights.kept());
        }
    }

    @Test
    void trainingInsideAnInferenceScopeIsRefused() {
        try (ConstantBf16Weights.Scope outer = ConstantBf16Weights.whileInferring()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, ConstantBf16Weights::whileTraining);
            assertTrue(e.getMessage().contains("inference"), e.getMessage());
        }
        try (ConstantBf16Weights.Scope outer = ConstantBf16Weights.whileTraining();
             ConstantBf16Weights.Scope inner = ConstantBf16Weights.whileTraining()) {
            assertEquals(0, ConstantBf16Weights.kept(), "nested training scopes are allowed");
        }
    }

    @Test
    void aProductFromTheCopyIsTheProductFromTheWeightAndAWeightChangedBetweenScopesIsCopiedAnew() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            m.getEngine().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(2, 5, 32));
            NDArray w = m.randomNormal(0f, 0.05f, new Shape(24, 32), DataType.FLOAT32);
            NDArray b = m.randomNormal(0f, 0.05f, new Shape(24), DataType.FLOAT32);
            float[] direct = BFloat16Ops.linear(x, w, b).toFloatArray();
            try (ConstantBf16Weights.Scope s = ConstantBf16Weights.whileInferring()) {
                assertArrayEquals(direct, BFloat16Ops.linear(x, ConstantBf16Weights.forProduct(w), b).toFloatArray(),
                        "the same rounding, once");
            }
            w.muli(2); // in place, as a loader or a LoRA merge writes
            float[] changed = BFloat16Ops.linear(x, w, b).toFloatArray();
            try (ConstantBf16Weights.Scope s = ConstantBf16Weights.whileInferring()) {
                assertArrayEquals(changed, BFloat16Ops.linear(x, ConstantBf16Weights.forProduct(w), b).toFloatArray(),
                        "a new scope copies the weight as it is now");
            }
        }
    }

    @Test
    void aKeptStoreOutlivesItsScopesIsSharedBetweenThreadsAndRefusesProductsOnceClosed() throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray w = m.randomNormal(new Shape(16, 8));
            ConstantBf16Weights.Kept kept = new ConstantBf16Weights.Kept();
            NDArray copy;
            try (ConstantBf16Weights.Scope s = ConstantBf16Weights.whileInferring(kept)) {
                copy = ConstantBf16Weights.forProduct(w);
                assertNotSame(w, copy);
            }
            assertEquals(0, ConstantBf16Weights.kept(), "no scope is open on this thread");
            assertEquals(1, kept.size(), "the copy stays with the store");
            NDArray[] fromOtherThread = new NDArray[1];
            Thread t = new Thread(() -> {
                try (ConstantBf16Weights.Scope s = ConstantBf16Weights.whileInferring(kept)) {
                    fromOtherThread[0] = ConstantBf16Weights.forProduct(w);
                }
            });
            t.start();
            t.join();
            assertSame(copy, fromOtherThread[0], "another thread's scope takes the same copy");
            try (ConstantBf16Weights.Scope outer = ConstantBf16Weights.whileInferring();
                 ConstantBf16Weights.Scope inner = ConstantBf16Weights.whileInferring(kept)) {
                assertNotSame(copy, ConstantBf16Weights.forProduct(w), "inside another scope the outer one rules");
            }
            kept.close();
            assertEquals(0, kept.size(), "freed on close");
            try (ConstantBf16Weights.Scope s = ConstantBf16Weights.whileInferring(kept)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> ConstantBf16Weights.forProduct(w));
                assertTrue(e.getMessage().contains("freed"), e.getMessage());
            }
        }
    }

    @Test
    void theCopyIsNotAFloat32ArrayForDjl() {
        // DJL 0.36 has no bfloat16 on the PyTorch engine: the copy must stay inside the bf16 modules
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             ConstantBf16Weights.Scope s = ConstantBf16Weights.whileInferring()) {
            NDArray copy = ConstantBf16Weights.forProduct(m.ones(new Shape(4, 4)));
            assertEquals(DataType.UNKNOWN, copy.getDataType());
            assertThrows(RuntimeException.class, copy::toFloatArray);
        }
    }
}
