package dev.graft.run;

import dev.graft.data.DataOptions;
import dev.graft.util.Arguments;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Writing a trained model in another form ({@code graft export}): the model directory, where the export goes, the
 * format, and for ONNX the optional int8 quantisation with the labelled data it is checked on. {@link #check()} refuses
 * a combination the format would ignore.
 */
public final class ExportRequest {

    /** The forms a model is exported to. */
    public enum Format {
        /** One ONNX graph file that ONNX Runtime runs without Graft ({@code OnnxExport}). */
        ONNX,
        /** Transformers' BertForSequenceClassification layout ({@code HfExport}). */
        HF,
        /** A LoRA model's updates as a PEFT adapter ({@code PeftExport}). */
        PEFT,
        /** LoRA folded into the encoder's weights: a plain model directory ({@code LoraMerge}). */
        MERGED;

        /** The lower-case name ({@code onnx}, {@code hf}, {@code peft}, {@code merged}). */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The largest accuracy drop an int8 graph is accepted with unless told otherwise. */
    public static final double DEFAULT_MAX_ACCURACY_DROP = 0.01;

    private final Path model;
    private final Path output;
    private final Format format;
    private boolean int8;
    private Path data;
    private DataOptions dataOptions = DataOptions.defaults();
    private double maxAccuracyDrop = DEFAULT_MAX_ACCURACY_DROP;
    private boolean allowAccuracyDrop;

    private ExportRequest(Path model, Path output, Format format) {
        this.model = Objects.requireNonNull(model, "model");
        this.output = Objects.requireNonNull(output, "output");
        this.format = Objects.requireNonNull(format, "format");
    }

    /**
     * Exports the model directory {@code model} as {@code format} to {@code output} (ONNX: the {@code .onnx} file;
     * merged, hf, peft: a directory).
     */
    public static ExportRequest of(Path model, Path output, Format format) {
        return new ExportRequest(model, output, format);
    }

    /** ONNX: quantise the weight matrices to int8 ({@code "int8"}) or not ({@code null}, the default). */
    public ExportRequest quantize(String value) {
        if (value != null && !value.equalsIgnoreCase("int8")) {
            throw new IllegalArgumentException(Arguments.name("quantize") + " takes int8, got '" + value + "'.");
        }
        int8 = value != null;
        return this;
    }

    /**
     * ONNX int8: labelled data (the model's validation or test set; for an image model a folder of class folders or a
     * CSV of path,label) on which the int8 graph's accuracy is compared with the fp32 graph's.
     */
    public ExportRequest data(Path value) {
        data = value;
        return this;
    }

    /** How {@link #data(Path)} is read, for text: columns and format (the targets are the model's). */
    public ExportRequest dataOptions(DataOptions value) {
        dataOptions = Objects.requireNonNull(value, "dataOptions");
        return this;
    }

    /**
     * ONNX int8: the largest accuracy drop accepted, in [0, 1] (for multi-label and regression models, of the task's
     * monitored figure); default {@value #DEFAULT_MAX_ACCURACY_DROP}.
     */
    public ExportRequest maxAccuracyDrop(double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(Arguments.name("maxAccuracyDrop") + " must be in [0, 1], got " + value + ".");
        }
        maxAccuracyDrop = value;
        return this;
    }

    /** ONNX int8: write the int8 graph even when it drops more than {@link #maxAccuracyDrop()} (with a warning). */
    public ExportRequest allowAccuracyDrop(boolean value) {
        allowAccuracyDrop = value;
        return this;
    }

    /**
     * Refuses a combination the export would ignore: quantisation settings with a format other than ONNX, int8
     * without labelled data, or data without int8.
     */
    public void check() {
        if (format != Format.ONNX && (int8 || data != null || allowAccuracyDrop)) {
            throw new IllegalArgumentException(Arguments.name("quantize") + ", " + Arguments.name("data") + " and "
                    + Arguments.name("allowAccuracyDrop") + " apply to " + Arguments.name("format") + " onnx.");
        }
        if (int8 && data == null) {
            throw new IllegalArgumentException(Arguments.name("quantize") + " int8 needs " + Arguments.name("data")
                    + " FILE (labelled validation or test data) to measure the accuracy change.");
        }
        if (!int8 && data != null) {
            throw new IllegalArgumentException(Arguments.name("data") + " is read only with " + Arguments.name("quantize") + " int8.");
        }
    }

    /** The model directory exported. */
    public Path model() {
        return model;
    }

    /** Where the export is written. */
    public Path output() {
        return output;
    }

    /** The form written. */
    public Format format() {
        return format;
    }

    /** Whether the ONNX graph is quantised to int8. */
    public boolean int8() {
        return int8;
    }

    /** The labelled data the int8 graph is checked on, or {@code null}. */
    public Path data() {
        return data;
    }

    /** How the text data is read. */
    public DataOptions dataOptions() {
        return dataOptions;
    }

    /** The largest accuracy drop accepted. */
    public double maxAccuracyDrop() {
        return maxAccuracyDrop;
    }

    /** Whether a larger drop is written anyway. */
    public boolean allowAccuracyDrop() {
        return allowAccuracyDrop;
    }
}
