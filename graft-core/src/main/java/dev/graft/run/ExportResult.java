package dev.graft.run;

import dev.graft.artifact.LoraMerge;
import dev.graft.artifact.export.HfExport;
import dev.graft.artifact.export.OnnxExport;
import java.nio.file.Path;

/** What {@link ExportRun} wrote: one record per {@link ExportRequest.Format}, each with the exporter's own account. */
public sealed interface ExportResult {

    /** The file or directory written. */
    Path output();

    /**
     * An ONNX graph.
     *
     * @param result the file, its size, the check against the model's predictions and the int8 quantisation, if any
     */
    record Onnx(OnnxExport.Result result) implements ExportResult {
        @Override
        public Path output() {
            return result.file();
        }
    }

    /**
     * The Transformers layout.
     *
     * @param output the directory written
     * @param result whether it replaced an earlier export, the tensors written and notes on the differences
     */
    record HuggingFace(Path output, HfExport.Result result) implements ExportResult {
    }

    /**
     * A PEFT LoRA adapter.
     *
     * @param output  the directory written
     * @param tensors LoRA tensors written
     */
    record Peft(Path output, int tensors) implements ExportResult {
    }

    /**
     * LoRA merged into a plain model directory.
     *
     * @param output the model directory written
     * @param result whether it replaced an earlier one, and the largest probability change on the probe texts
     */
    record Merged(Path output, LoraMerge.Result result) implements ExportResult {
    }
}
