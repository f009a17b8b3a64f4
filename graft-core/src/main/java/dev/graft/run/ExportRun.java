package dev.graft.run;

import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.LoraMerge;
import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.export.HfExport;
import dev.graft.artifact.export.OnnxExport;
import dev.graft.artifact.export.PeftExport;
import dev.graft.data.DataOptions;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.util.Arguments;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writing a trained model in another form, as {@code graft export} runs it and a Java caller gets it in one call
 * ({@code Graft.export}): checks the request ({@link ExportRequest#check()}), reads the int8 check's labelled data as
 * the model's task and modality read it (text rows with the model's targets, or images), and calls the exporter of the
 * format ({@link OnnxExport}, {@link HfExport}, {@link PeftExport}, {@link LoraMerge}).
 */
public final class ExportRun {

    private ExportRun() {
    }

    /** Writes the export {@code request} describes, telling {@code listener} of each step and of notes and warnings. */
    public static ExportResult run(ExportRequest request, RunListener listener) {
        request.check();
        Path model = request.model();
        Path out = request.output();
        return switch (request.format()) {
            case MERGED -> {
                listener.summary("Merging LoRA of " + model + " ...");
                yield new ExportResult.Merged(out, LoraMerge.merge(model, out));
            }
            case HF -> new ExportResult.HuggingFace(out, HfExport.write(model, out));
            case PEFT -> new ExportResult.Peft(out, PeftExport.write(model, out));
            case ONNX -> onnx(request, listener);
        };
    }

    private static ExportResult onnx(ExportRequest request, RunListener listener) {
        Path model = request.model();
        TextDataset text = null;
        ImageDataset images = null;
        if (request.int8() && ImageClassifier.isImageModel(model)) {
            images = ImageDataReader.read(request.data(), ModelDirectory.targetFormat(model)).verify(2, false);
            images.notices().forEach(listener::message);
        } else if (request.int8()) {
            DataOptions read = request.dataOptions();
            if (ModelDirectory.isModel(model)) { // targets as the model's task writes them
                read = read.withTargets(ModelDirectory.targetFormat(model));
            }
            text = TextDataReader.read(request.data(), read);
            TrainingRun.skippedNote(text).ifPresent(listener::message);
        }
        listener.summary("Exporting " + model + " to ONNX ...");
        OnnxExport.Result r = OnnxExport.export(model, request.output(), new OnnxExport.Options(request.int8(), text, images,
                request.maxAccuracyDrop(), request.allowAccuracyDrop()));
        OnnxExport.Quantization q = r.quantization();
        if (q != null && !q.accepted()) {
            listener.message(String.format(Locale.ROOT, "warning: int8 lowers %s by %.4f, more than %s %.4f; written because of %s.",
                    q.metric(), q.drop(), Arguments.name("maxAccuracyDrop"), request.maxAccuracyDrop(),
                    Arguments.name("allowAccuracyDrop")));
        }
        return new ExportResult.Onnx(r);
    }
}
