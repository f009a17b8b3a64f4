package dev.graft.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.api.Graft;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Graft.export} refuses, before reading the model, a combination its format would ignore, naming the request's
 * settings by their Java names; nothing is written.
 */
class ExportRequestTest {

    @TempDir
    Path dir;

    private String refusal(ExportRequest request) {
        return assertThrows(IllegalArgumentException.class, () -> Graft.export(request)).getMessage();
    }

    @Test
    void refusesSettingsTheFormatWouldIgnore() {
        Path model = dir.resolve("model");
        Path out = dir.resolve("out");
        String hf = refusal(ExportRequest.of(model, out, ExportRequest.Format.HF).data(dir.resolve("val.csv")));
        assertEquals("quantize, data and allowAccuracyDrop apply to format onnx.", hf);
        String noData = refusal(ExportRequest.of(model, out.resolveSibling("m.onnx"), ExportRequest.Format.ONNX).quantize("int8"));
        assertTrue(noData.startsWith("quantize int8 needs data FILE"), noData);
        String dataOnly = refusal(ExportRequest.of(model, out.resolveSibling("m.onnx"), ExportRequest.Format.ONNX).data(dir));
        assertEquals("data is read only with quantize int8.", dataOnly);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExportRequest.of(model, out, ExportRequest.Format.ONNX)
                .quantize("int4")).getMessage().contains("quantize takes int8, got 'int4'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExportRequest.of(model, out, ExportRequest.Format.ONNX)
                .maxAccuracyDrop(1.5)).getMessage().contains("maxAccuracyDrop must be in [0, 1]"));
        assertTrue(Files.notExists(out) && Files.notExists(dir.resolve("m.onnx")), "nothing is written");
    }
}
