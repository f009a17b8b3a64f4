package dev.graft.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The note a run prints when the default precision, auto, chose bfloat16, and only then. */
class AutoPrecisionNoteTest {

    private static List<String> notes(TrainingRequest r, Map<String, Object> settings) {
        MessageLog log = new MessageLog();
        TrainingRun.noteAutoPrecision(r, settings, log);
        return log.lines;
    }

    @Test
    void autoChoosingBf16IsNotedWithTheWayBackToFp32() {
        TrainingRequest byDefault = TrainingRequest.of(Path.of("train.csv"));
        List<String> trained = notes(byDefault, Map.of("precision", "bf16"));
        assertEquals(1, trained.size(), trained.toString());
        assertTrue(trained.get(0).contains("auto: bfloat16 matrix products") && trained.get(0).contains("fp32 computes in float32"),
                trained.get(0));
        List<String> frozen = notes(byDefault, Map.of("frozen_precision", "bf16"));
        assertEquals(1, frozen.size(), frozen.toString());
        assertTrue(frozen.get(0).contains("frozen encoder runs on libtorch"), frozen.get(0));
        List<String> both = notes(byDefault, Map.of("precision", "bf16", "frozen_precision", "bf16"));
        assertEquals(1, both.size(), both.toString());
        assertTrue(both.get(0).contains("for the encoder that trains") && both.get(0).contains("and for the frozen sentence vectors"),
                both.get(0));
    }

    @Test
    void compareAndAutoNoteWhatAutoChoseHere() {
        MessageLog log = new MessageLog();
        TrainingRun.noteAutoPrecision(TrainingRequest.of(Path.of("train.csv")), log);
        List<String> lines = log.lines;
        boolean bf16Here = dev.graft.model.CpuFeatures.current().nativeBf16();
        assertEquals(bf16Here ? 1 : 0, lines.size(), lines.toString());
        if (bf16Here) {
            assertEquals(dev.graft.model.CpuFeatures.current().amxBf16(), lines.get(0).contains("frozen sentence vectors"), lines.get(0));
        }
    }

    @Test
    void nothingIsNotedForFp32OrForBf16AskedByName() {
        assertEquals(List.of(), notes(TrainingRequest.of(Path.of("train.csv")), Map.of("precision", "fp32")));
        assertEquals(List.of(), notes(TrainingRequest.of(Path.of("train.csv")), Map.of("seed", 42)));
        assertEquals(List.of(), notes(TrainingRequest.of(Path.of("train.csv")).precision("bf16"), Map.of("precision", "bf16")));
    }
}
