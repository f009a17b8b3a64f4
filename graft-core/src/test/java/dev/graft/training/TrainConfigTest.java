package dev.graft.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrainConfigTest {

    @Test
    void overridingKeepsEveryValueTheUserDidNotGive() {
        TrainConfig base = TrainConfig.defaults().withEpochs(4).withBatchSize(16).withLearningRate(1e-3).withPatience(2);
        TrainConfig same = base.overriding(null, null, null, null);
        assertEquals(base, same);
        TrainConfig some = base.overriding(7, null, 8, null);
        assertEquals(7, some.epochs());
        assertEquals(8, some.batchSize());
        assertEquals(1e-3, some.learningRate());
        assertEquals(2, some.patience());
    }

    @Test
    void invalidValuesNameTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults().overriding(0, null, null, null));
        assertTrue(e.getMessage().contains("epochs"), e.getMessage());
    }
}
