package dev.graft.artifact.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The int8 accuracy rule: within the allowed drop it passes, beyond it it is refused unless the caller accepts it. */
class QuantizationCheckTest {

    private static OnnxExport.Quantization q(String metric, double fp32, double int8) {
        return new OnnxExport.Quantization(37, 42_000_000, 10_700_000, metric, fp32, int8, 300, 0.2, true);
    }

    private static OnnxExport.Options options(double maxDrop, boolean allow) {
        return new OnnxExport.Options(true, null, null, maxDrop, allow);
    }

    @Test
    void aDropWithinTheLimitPassesAndALargerOneIsRefusedNamingTheFigures() {
        OnnxExport.Quantization small = q("accuracy", 0.7533, 0.7467);
        assertSame(small, OnnxExport.checked(small, options(0.01, false), "dev.tsv"));
        OnnxExport.Quantization better = q("accuracy", 0.70, 0.71);
        assertEquals(-0.01, better.drop(), 1e-12);
        assertSame(better, OnnxExport.checked(better, options(0, false), "dev.tsv"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.checked(q("accuracy", 0.7533, 0.7400), options(0.01, false), "dev.tsv"));
        assertTrue(e.getMessage().contains("lowers accuracy on dev.tsv from 0.7533 to 0.7400 (a drop of 0.0133, more than the 0.0100")
                && e.getMessage().contains("nothing was written") && e.getMessage().contains("allowAccuracyDrop"), e.getMessage());

        OnnxExport.Quantization accepted = OnnxExport.checked(q("accuracy", 0.7533, 0.7400), options(0.01, true), "dev.tsv");
        assertFalse(accepted.accepted(), "written, but marked as over the limit");
    }

    @Test
    void forAnErrorFigureARiseIsTheDrop() {
        OnnxExport.Quantization rmse = q("rmse", 0.50, 0.58);
        assertEquals(0.08, rmse.drop(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> OnnxExport.checked(rmse, options(0.05, false), "stsb.tsv"));
        assertSame(rmse, OnnxExport.checked(rmse, options(0.1, false), "stsb.tsv"));
    }
}
