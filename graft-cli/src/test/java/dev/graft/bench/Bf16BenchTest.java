package dev.graft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.graft.model.Precision;
import org.junit.jupiter.api.Test;

class Bf16BenchTest {

    /** Every batch runs once in each precision, back to back, and which goes first alternates from batch to batch. */
    @Test
    void eachBatchRunsInBothPrecisionsInAlternatingOrder() {
        int batches = 4;
        StringBuilder order = new StringBuilder();
        for (int step = 0; step < 4 * batches; step++) {
            order.append(Bf16Bench.precisionOfStep(step, batches) == Precision.FP32 ? 'F' : 'B');
            if (step % 2 == 1) {
                assertNotEquals(Bf16Bench.precisionOfStep(step - 1, batches), Bf16Bench.precisionOfStep(step, batches),
                        "the two steps on batch " + step / 2);
            }
        }
        assertEquals("FBBFFBBFBFFBBFFB", order.toString());
    }

    /** Over two epochs, fp32 goes first on each batch position once, whatever the number of batches. */
    @Test
    void eachPositionGoesFirstToEachPrecisionInTurn() {
        for (int batches = 1; batches <= 6; batches++) {
            for (int k = 0; k < batches; k++) {
                Precision first = Bf16Bench.precisionOfStep(2 * k, batches);
                Precision nextEpoch = Bf16Bench.precisionOfStep(2 * (batches + k), batches);
                assertNotEquals(first, nextEpoch, batches + " batches, position " + k);
            }
        }
    }
}
