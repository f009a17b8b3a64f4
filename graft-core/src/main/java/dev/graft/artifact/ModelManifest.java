package dev.graft.artifact;

import dev.graft.data.LabelMap;
import dev.graft.data.TaskKind;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import java.util.List;
import java.util.Map;

/**
 * {@code graft-model.json}: what a model directory holds and how to rebuild the model from it.
 *
 * @param format        always {@code graft-model}
 * @param formatVersion layout version; readers refuse versions they do not know
 * @param task          {@code text-classification}
 * @param strategy      how it was trained ({@code feature-extraction}, ...)
 * @param backbone      the pretrained encoder, stored under {@code backbone/}
 * @param head          the trained head, stored in {@code head.safetensors}
 * @param labels        class labels in index order
 * @param input         what the model reads: {@code null} (every manifest before text pairs) or type {@code text} for
 *                      single texts, type {@code text-pair} with its {@link dev.graft.model.text.PairEncoding} for pairs
 * @param taskSettings  the task's kind and what its decoding needs (multi-label thresholds, the regression target's
 *                      scale); {@code null} for classification (every manifest before other tasks)
 * @param testTimeAugmentation image models: the views whose features are averaged ({@code flip},
 *                      {@link dev.graft.data.image.ImageTta#key()}); {@code null} for one view (every manifest before it,
 *                      and every text model)
 */
public record ModelManifest(String format, int formatVersion, String task, String strategy, Backbone backbone,
                            Head head, List<String> labels,
                            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                            Input input,
                            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                            TaskSettings taskSettings,
                            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                            String testTimeAugmentation) {

    /** The value of {@link #format()}. */
    public static final String FORMAT = "graft-model";
    /** The layout version of a model that reads single texts (and of image models): what every earlier Graft reads. */
    public static final int FORMAT_VERSION = 1;
    /**
     * The layout version of a model that reads text pairs: a Graft that does not know {@link #input()} refuses it by
     * its version instead of feeding it single texts.
     */
    public static final int PAIR_FORMAT_VERSION = 2;
    /**
     * The layout version of a model whose task is not single-label classification ({@link #taskSettings()} set): a
     * Graft that does not know tasks refuses it instead of reading its outputs as class probabilities.
     */
    public static final int TASK_FORMAT_VERSION = 3;
    /**
     * The layout version of an image model with {@link #testTimeAugmentation()}: a Graft that does not know test-time
     * augmentation (and would silently predict from one view) refuses it by its version. Such a manifest may carry
     * {@link #taskSettings()} too.
     */
    public static final int TTA_FORMAT_VERSION = 4;

    /** A manifest without {@link #input()}: single texts, or images. */
    public ModelManifest(String format, int formatVersion, String task, String strategy, Backbone backbone, Head head,
                         List<String> labels) {
        this(format, formatVersion, task, strategy, backbone, head, labels, null, null, null);
    }

    /** A classification manifest with {@code input}. */
    public ModelManifest(String format, int formatVersion, String task, String strategy, Backbone backbone, Head head,
                         List<String> labels, Input input) {
        this(format, formatVersion, task, strategy, backbone, head, labels, input, null, null);
    }

    /** This manifest with {@code tta} recorded ({@link dev.graft.data.image.ImageTta#NONE} records nothing). */
    ModelManifest withTestTimeAugmentation(dev.graft.data.image.ImageTta tta) {
        boolean none = tta == dev.graft.data.image.ImageTta.NONE;
        return new ModelManifest(format, none ? formatVersion : TTA_FORMAT_VERSION, task, strategy, backbone, head, labels, input, taskSettings,
                none ? null : tta.key());
    }

    /**
     * The recorded test-time augmentation; {@link dev.graft.data.image.ImageTta#NONE} when there is none.
     *
     * @throws IllegalArgumentException naming the file when the value is not one this Graft knows
     */
    public dev.graft.data.image.ImageTta testTimeAugmentation(java.nio.file.Path file) {
        try {
            return dev.graft.data.image.ImageTta.parse(testTimeAugmentation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " lacks a valid 'test_time_augmentation' (none or flip, got "
                    + dev.graft.util.Excerpt.of(testTimeAugmentation) + "): the model directory is damaged or was written by a"
                    + " newer Graft.", e);
        }
    }

    /** A classification manifest of the version its {@code input} needs ({@link #PAIR_FORMAT_VERSION} for text pairs). */
    static ModelManifest of(String task, String strategy, Backbone backbone, Head head, List<String> labels, Input input) {
        return of(task, strategy, backbone, head, labels, input, null);
    }

    /**
     * A manifest of the version its {@code input} and {@code taskSettings} need: {@link #TASK_FORMAT_VERSION} for a
     * task other than classification, {@link #PAIR_FORMAT_VERSION} for text pairs.
     */
    static ModelManifest of(String task, String strategy, Backbone backbone, Head head, List<String> labels, Input input,
                            TaskSettings taskSettings) {
        int version = taskSettings != null ? TASK_FORMAT_VERSION
                : input != null && input.isPair() ? PAIR_FORMAT_VERSION : FORMAT_VERSION;
        return new ModelManifest(FORMAT, version, task, strategy, backbone, head, labels, input, taskSettings, null);
    }

    /** The manifest's task name: modality and task kind, e.g. {@code text-classification}, {@code image-regression}. */
    public static String taskName(String modality, TaskKind kind) {
        return modality + "-" + kind.key();
    }

    /** The task kind: from {@link #taskSettings()}, or classification when it has none. */
    public TaskKind taskKind() {
        return taskSettings == null ? TaskKind.CLASSIFICATION : TaskKind.parse(taskSettings.kind());
    }

    /**
     * The model's task, rebuilt from its labels and settings.
     *
     * @throws IllegalArgumentException naming the file when a setting is missing or out of range
     */
    public Task task(java.nio.file.Path file) {
        try {
            return taskSettings == null ? Tasks.restore(TaskKind.CLASSIFICATION, LabelMap.of(labels).labels(), Map.of())
                    : Tasks.restore(taskKind(), labels, taskSettings.settings() == null ? Map.of() : taskSettings.settings());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " lacks a valid 'task_settings': " + e.getMessage()
                    + ". The model directory is damaged or was written by a newer Graft.", e);
        }
    }

    /**
     * The task of a model that is not a single-label classifier.
     *
     * @param kind     {@link TaskKind#key()}: {@code multi-label} or {@code regression}
     * @param settings {@link Task#settings()}
     */
    public record TaskSettings(String kind, Map<String, Object> settings) {

        /**
         * The settings of {@code task}, or {@code null} for a classifier without any (whose manifest stays v1/v2, as
         * older Graft wrote it); a two-class classifier with a decision threshold has them.
         */
        public static TaskSettings of(Task task) {
            return task.kind() == TaskKind.CLASSIFICATION && task.settings().isEmpty() ? null
                    : new TaskSettings(task.kind().key(), task.settings());
        }
    }

    /** The widest head input or hidden layer a manifest may declare (a bound checked before anything is allocated). */
    static final int MAX_WIDTH = 1 << 16;

    /**
     * Checks that this manifest, read from {@code file}, is complete and describes a head that can be built: the format
     * and version, every part present, sizes within bounds and one label per class.
     *
     * @return this manifest
     * @throws IllegalArgumentException naming the file and the field
     */
    public ModelManifest checked(java.nio.file.Path file) {
        if (!FORMAT.equals(format) || formatVersion < FORMAT_VERSION || formatVersion > TTA_FORMAT_VERSION) {
            throw new IllegalArgumentException(file + " declares format " + format + " v" + formatVersion + "; this Graft reads "
                    + FORMAT + " v" + FORMAT_VERSION + " to v" + TTA_FORMAT_VERSION + ".");
        }
        require(file, taskSettings != null ? formatVersion >= TASK_FORMAT_VERSION : formatVersion != TASK_FORMAT_VERSION,
                "'task_settings' (present in format v" + TASK_FORMAT_VERSION + ", optional in v" + TTA_FORMAT_VERSION + ")");
        require(file, (testTimeAugmentation != null) == (formatVersion == TTA_FORMAT_VERSION),
                "'test_time_augmentation' (present exactly in format v" + TTA_FORMAT_VERSION + ")");
        if (taskSettings != null) {
            try {
                TaskKind.parse(String.valueOf(taskSettings.kind()));
            } catch (IllegalArgumentException e) {
                require(file, false, "'task_settings.kind' (classification, multi-label, regression, token-classification or question-answering)");
            }
        }
        require(file, backbone != null, "'backbone'");
        require(file, head != null, "'head'");
        require(file, labels != null && !labels.contains(null), "'labels' (a list of class names)");
        require(file, backbone.directory() != null && !backbone.directory().isBlank(), "'backbone.directory'");
        require(file, head.file() != null && !head.file().isBlank(), "'head.file'");
        require(file, head.inputDim() >= 1 && head.inputDim() <= MAX_WIDTH, "'head.input_dim' between 1 and " + MAX_WIDTH);
        require(file, head.hiddenUnits() >= 0 && head.hiddenUnits() <= MAX_WIDTH, "'head.hidden_units' between 0 and " + MAX_WIDTH);
        require(file, head.dropout() >= 0 && head.dropout() < 1, "'head.dropout' in [0, 1)");
        int fewest = taskSettings == null ? 2 : 1;
        require(file, head.numClasses() >= fewest && head.numClasses() == labels.size(),
                "'head.num_classes' equal to the number of labels (" + labels.size() + "), at least " + fewest);
        pairEncoding(file);
        task(file);
        testTimeAugmentation(file);
        return this;
    }

    /**
     * How the model reads text pairs, or {@code null} when it reads single texts (no {@code input}, as in every
     * manifest written before text pairs, or type {@code text}).
     *
     * @throws IllegalArgumentException naming the file and the field when {@code input} is not understood
     */
    public dev.graft.model.text.PairEncoding pairEncoding(java.nio.file.Path file) {
        if (input == null || Input.TEXT.equals(input.type())) {
            require(file, input == null || input.pairEncoding() == null, "'input' (type text takes no 'pair_encoding')");
            require(file, formatVersion != PAIR_FORMAT_VERSION, "'input' of type text-pair (format v" + PAIR_FORMAT_VERSION
                    + " is for text pairs)");
            return null;
        }
        require(file, Input.TEXT_PAIR.equals(input.type()), "'input.type' (text or text-pair)");
        require(file, formatVersion >= PAIR_FORMAT_VERSION, "'format_version' " + PAIR_FORMAT_VERSION + " (a text-pair model)");
        try {
            return dev.graft.model.text.PairEncoding.fromKey(input.pairEncoding());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " lacks a valid 'input.pair_encoding': " + e.getMessage()
                    + " The model directory is damaged or was written by a newer Graft.", e);
        }
    }

    private static void require(java.nio.file.Path file, boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(file + " lacks a valid " + what + "; the model directory is damaged. Retrain, or"
                    + " restore the file from the saved model.");
        }
    }

    /**
     * @param id        model id
     * @param sha256    checksum of {@code backbone/model.onnx}, verified on load
     * @param maxLength maximum tokens per text
     * @param pooling   pooling ({@code dev.graft.model.text.Pooling#key()}: {@code mean}, {@code cls}, {@code mean-last-4}, ...)
     * @param license   licence of the pretrained weights
     * @param directory sub-directory holding the encoder files
     * @param precision the precision of the frozen encoder's forward pass the head was trained on
     *                  ({@code dev.graft.model.Precision#key()}): {@code bf16}, or {@code null} for fp32 (every manifest
     *                  before it, and every model whose encoder was trained)
     */
    public record Backbone(String id, String sha256, int maxLength, String pooling, String license, String directory,
                           @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                           String precision) {

        /** A backbone whose frozen forward pass is fp32. */
        public Backbone(String id, String sha256, int maxLength, String pooling, String license, String directory) {
            this(id, sha256, maxLength, pooling, license, directory, null);
        }

        /**
         * The recorded frozen-pass precision; fp32 when none is recorded.
         *
         * @throws IllegalArgumentException naming the file when the value is not one this Graft knows
         */
        public dev.graft.model.Precision frozenPrecision(java.nio.file.Path file) {
            if (precision == null) {
                return dev.graft.model.Precision.FP32;
            }
            return switch (precision) {
                case "fp32" -> dev.graft.model.Precision.FP32;
                case "bf16" -> dev.graft.model.Precision.BF16;
                default -> throw new IllegalArgumentException(file + " lacks a valid 'backbone.precision' (fp32 or bf16, got "
                        + dev.graft.util.Excerpt.of(precision) + "): the model directory is damaged or was written by a newer"
                        + " Graft.");
            };
        }
    }

    /**
     * What a text model reads.
     *
     * @param type         {@value #TEXT} or {@value #TEXT_PAIR}
     * @param pairEncoding for text pairs, {@link dev.graft.model.text.PairEncoding#key()}: {@code u-v-absdiff-product}
     *                     (the head reads {@code [u, v, |u-v|, u*v]} of the two texts' vectors) or {@code cross-encoder}
     *                     (both texts encoded together); {@code null} for single texts
     */
    public record Input(String type, String pairEncoding) {

        /** The type of a model that reads single texts. */
        public static final String TEXT = "text";
        /** The type of a model that reads text pairs. */
        public static final String TEXT_PAIR = "text-pair";

        /** The input of a model that reads pairs as {@code encoding} says; {@code null} (no field) for single texts. */
        public static Input of(dev.graft.model.text.PairEncoding encoding) {
            return encoding == null ? null : new Input(TEXT_PAIR, encoding.key());
        }

        /** Whether this is a text-pair input. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean isPair() {
            return TEXT_PAIR.equals(type);
        }
    }

    /**
     * @param inputDim    width of the head's input: the sentence vector, or for text pairs the pair features
     * @param numClasses  output classes
     * @param hiddenUnits hidden layer width (0 = none)
     * @param dropout     dropout used in training
     * @param file        weights file name
     */
    public record Head(int inputDim, int numClasses, int hiddenUnits, double dropout, String file) {
    }
}
