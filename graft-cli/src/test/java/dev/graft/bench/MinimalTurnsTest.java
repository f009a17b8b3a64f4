package dev.graft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MinimalTurnsTest {

    /**
     * Over any two consecutive epochs, each step position (the first, after the validation pass, included) has the
     * minimal loop go first once and Graft's step once, whatever the number of steps per epoch.
     */
    @Test
    void eachStepPositionGoesFirstToEachLoopInTurn() {
        for (int steps : new int[] {1, 2, 3, 4, 5, 8}) {
            for (int epoch = 0; epoch < 6; epoch += 2) {
                for (int k = 0; k < steps; k++) {
                    boolean first = Benchmarks.MinimalTurns.minimalFirst(epoch * steps + k, steps);
                    boolean next = Benchmarks.MinimalTurns.minimalFirst((epoch + 1) * steps + k, steps);
                    assertEquals(!first, next, "steps " + steps + ", epoch " + epoch + ", position " + k);
                }
            }
        }
    }

    /** Within an epoch the order alternates from step to step: the minimal loop runs before Graft's step, then after the next. */
    @Test
    void withinAnEpochTheOrderAlternates() {
        int steps = 4;
        StringBuilder order = new StringBuilder();
        for (int g = 0; g < 2 * steps; g++) {
            order.append(Benchmarks.MinimalTurns.minimalFirst(g, steps) ? 'M' : 'G');
        }
        assertEquals("MGMGGMGM", order.toString());
    }
}
