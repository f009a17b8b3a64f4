package dev.graft.artifact;

import ai.djl.Device;
import dev.graft.util.Arguments;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.data.DataException;
import dev.graft.data.LabelMap;
import dev.graft.data.TaskKind;
import dev.graft.task.ClassificationTask;
import dev.graft.task.Task;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.model.CpuFeatures;
import dev.graft.model.Precision;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadArrays;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.peft.PeftModules;
import dev.graft.model.text.DjlTextEncoder;
import dev.graft.model.text.OnnxTextEncoder;
import dev.graft.model.text.PairEncoding;
import dev.graft.model.text.PairFeatures;
import dev.graft.model.text.Pooling;
import dev.graft.model.text.SentenceEncoders;
import dev.graft.model.text.SentenceEncoder;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.training.DenseBatches;
import dev.graft.training.Inference;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A trained text classifier: a frozen pretrained encoder, a trained head and the label map. It is
 * saved as a self-contained directory (encoder files, head weights, labels, provenance) and
 * loaded back for prediction without the training data.
 *
 * <p>Three forms: a head on the unchanged backbone (feature extraction); a head and a fine-tuned
 * encoder, saved as {@code backbone/model.safetensors}; a head and LoRA updates or adapters on the
 * unchanged backbone, saved as the pretrained files in {@code backbone/} plus {@value PeftManifest#FILE}
 * and {@value PeftManifest#WEIGHTS_FILE}.
 *
 * <p>A classifier reads single texts, or text pairs when it has a {@link #pairEncoding()} (recorded in the manifest's
 * {@code input}): then {@link #predict(List, List)} and {@link #probabilities(List, List)} take both texts of each pair,
 * and the single-text methods refuse, as the pair methods do for a single-text model.
 */
public final class TextClassifier extends PooledTaskModel {

    /** Head weights file inside a model directory. */
    public static final String HEAD_FILE = "head.safetensors";
    /** Provenance file inside a model directory. */
    public static final String PROVENANCE_FILE = "provenance.json";
    /** Metrics file inside a model directory. */
    public static final String METRICS_FILE = "metrics.json";
    private static final String BACKBONE_DIR = "backbone";
    private static final int BATCH = 256;

    private final TextModelSpec backbone;
    private ClassifierHead head; // built from headArrays on first use when the model was loaded
    private final HeadArrays headArrays; // a saved head, applied in Java; null for a head being trained
    private String strategy;
    private NDManager manager; // opened on first use when the model was loaded: it loads libtorch
    private final DjlTextEncoder trainedEncoder;
    private final PairEncoding pairEncoding;
    private PeftModules peft;
    private SentenceEncoder encoder;
    private boolean closed;
    private Precision frozenPrecision = Precision.FP32;
    private Precision scoredPrecision = Precision.FP32; // the frozen pass the head was trained and scored on

    /**
     * Wraps a head trained on the frozen, unchanged {@code backbone}. The classifier takes
     * ownership of {@code manager} (closed by {@link #close()}).
     */
    public TextClassifier(TextModelSpec backbone, ClassifierHead head, LabelMap labels, String strategy, NDManager manager) {
        this(backbone, head, labels, strategy, null, manager);
    }

    /**
     * Wraps a head trained on the frozen, unchanged {@code backbone}, for text pairs when {@code pairEncoding} is given
     * (a head on the frozen encoder reads pairs {@link PairEncoding#SEPARATE}ly). The classifier takes ownership of
     * {@code manager} (closed by {@link #close()}).
     *
     * @param pairEncoding how pairs are read, or {@code null} for single texts
     */
    public TextClassifier(TextModelSpec backbone, ClassifierHead head, LabelMap labels, String strategy, PairEncoding pairEncoding,
                          NDManager manager) {
        this(backbone, null, null, head, null, ClassificationTask.of(labels), strategy, pairEncoding, manager);
    }

    /**
     * Wraps a head trained for {@code task} (classification, multi-label, regression) on the frozen, unchanged
     * {@code backbone}. The model takes ownership of {@code manager}.
     *
     * @param pairEncoding how pairs are read, or {@code null} for single texts
     */
    public TextClassifier(TextModelSpec backbone, ClassifierHead head, Task task, String strategy, PairEncoding pairEncoding,
                          NDManager manager) {
        this(backbone, null, null, head, null, task, strategy, pairEncoding, manager);
    }

    /**
     * Wraps a head and an encoder whose weights were trained too (fine-tuning); saving writes the
     * encoder's weights. The classifier takes ownership of {@code manager}, which holds both.
     */
    public static TextClassifier fineTuned(DjlTextEncoder encoder, ClassifierHead head, LabelMap labels, String strategy,
                                           NDManager manager) {
        return fineTuned(encoder, head, labels, strategy, null, manager);
    }

    /**
     * {@link #fineTuned(DjlTextEncoder, ClassifierHead, LabelMap, String, NDManager)} for text pairs when
     * {@code pairEncoding} is given ({@code null}: single texts).
     */
    public static TextClassifier fineTuned(DjlTextEncoder encoder, ClassifierHead head, LabelMap labels, String strategy,
                                           PairEncoding pairEncoding, NDManager manager) {
        return fineTuned(encoder, head, ClassificationTask.of(labels), strategy, pairEncoding, manager);
    }

    /** A fine-tuned encoder and head trained for {@code task}; see {@link #fineTuned(DjlTextEncoder, ClassifierHead, LabelMap, String, NDManager)}. */
    public static TextClassifier fineTuned(DjlTextEncoder encoder, ClassifierHead head, Task task, String strategy,
                                           PairEncoding pairEncoding, NDManager manager) {
        return new TextClassifier(encoder.spec(), encoder, null, head, null, task, strategy, pairEncoding, manager);
    }

    /**
     * Wraps a head and the LoRA updates or adapters attached to {@code encoder}'s unchanged pretrained
     * module (strategy {@code lora} or {@code adapter}); saving writes the pretrained files and the new
     * parameters. The classifier takes ownership of {@code manager}.
     */
    public static TextClassifier parameterEfficient(DjlTextEncoder encoder, PeftModules peft, ClassifierHead head, LabelMap labels,
                                                    NDManager manager) {
        return parameterEfficient(encoder, peft, head, labels, null, manager);
    }

    /**
     * {@link #parameterEfficient(DjlTextEncoder, PeftModules, ClassifierHead, LabelMap, NDManager)} for text pairs when
     * {@code pairEncoding} is given ({@code null}: single texts).
     */
    public static TextClassifier parameterEfficient(DjlTextEncoder encoder, PeftModules peft, ClassifierHead head, LabelMap labels,
                                                    PairEncoding pairEncoding, NDManager manager) {
        return parameterEfficient(encoder, peft, head, ClassificationTask.of(labels), pairEncoding, manager);
    }

    /** LoRA updates or adapters and a head trained for {@code task}; see {@link #parameterEfficient(DjlTextEncoder, PeftModules, ClassifierHead, LabelMap, NDManager)}. */
    public static TextClassifier parameterEfficient(DjlTextEncoder encoder, PeftModules peft, ClassifierHead head, Task task,
                                                    PairEncoding pairEncoding, NDManager manager) {
        return new TextClassifier(encoder.spec(), encoder, peft, head, null, task, peft.spec().method().key(), pairEncoding,
                manager);
    }

    /** One of {@code head} (a DJL head, possibly still training) and {@code headArrays} (a saved head) is given. */
    private TextClassifier(TextModelSpec backbone, DjlTextEncoder trainedEncoder, PeftModules peft, ClassifierHead head,
                           HeadArrays headArrays, Task task, String strategy, PairEncoding pairEncoding, NDManager manager) {
        super(head != null ? head.config() : headArrays.config(), task);
        this.pairEncoding = pairEncoding;
        this.backbone = backbone;
        this.head = head;
        this.headArrays = headArrays;
        this.strategy = strategy;
        this.manager = manager;
        this.trainedEncoder = trainedEncoder;
        this.peft = peft;
        this.encoder = trainedEncoder;
    }

    /**
     * Predicts the class of each text.
     *
     * @throws IllegalArgumentException when this model classifies text pairs
     */
    public List<Prediction> predict(List<String> texts) {
        return toPredictions(probabilities(texts));
    }

    /** Predicts the class of one text (see {@link #predict(List)}). */
    public Prediction predict(String text) {
        return predict(List.of(text)).get(0);
    }

    /**
     * Predicts the class of each text pair: {@code first.get(i)} with {@code second.get(i)}.
     *
     * @throws IllegalArgumentException when this model classifies single texts, or the lists differ in size
     */
    public List<Prediction> predict(List<String> first, List<String> second) {
        return toPredictions(probabilities(first, second));
    }

    /**
     * Class probabilities of each text, in label-map order.
     *
     * @throws IllegalArgumentException when this model classifies text pairs
     */
    public float[][] probabilities(List<String> texts) {
        return probabilities(texts, Progress.NONE);
    }

    /** {@link #probabilities(List)} reporting the encoder's progress. */
    public float[][] probabilities(List<String> texts, Progress progress) {
        if (pairEncoding != null) {
            throw new IllegalArgumentException("This model classifies text pairs (input text-pair, " + pairEncoding.key() + "),"
                    + " not single texts: give both texts of each pair.");
        }
        return probabilitiesOfEmbeddings(encoder().encode(texts, progress));
    }

    /**
     * Class probabilities of each text pair, {@code first.get(i)} with {@code second.get(i)}, in label-map order.
     *
     * @throws IllegalArgumentException when this model classifies single texts, or the lists differ in size
     */
    public float[][] probabilities(List<String> first, List<String> second) {
        return probabilities(first, second, Progress.NONE);
    }

    /** {@link #probabilities(List, List)} reporting the encoder's progress. */
    public float[][] probabilities(List<String> first, List<String> second, Progress progress) {
        if (pairEncoding == null) {
            throw new IllegalArgumentException("This model classifies single texts, not text pairs: it was trained without a"
                    + " text pair column. Give one text per example.");
        }
        float[][] features = pairEncoding == PairEncoding.JOINT ? encoder().encodePairs(first, second, progress)
                : PairFeatures.embed(first, second, texts -> encoder().encode(texts, progress));
        return probabilitiesOfEmbeddings(features);
    }

    /**
     * Class probabilities of every example of {@code data}: single texts or text pairs, as this model reads them.
     *
     * @throws DataException naming the data set when it holds pairs and this model reads single texts, or the reverse
     */
    public float[][] probabilities(TextDataset data, Progress progress) {
        if (data.hasPairs() != (pairEncoding != null)) {
            throw new DataException(data.source().displayName() + " holds " + (data.hasPairs() ? "text pairs" : "single texts")
                    + ", but this model classifies " + (pairEncoding != null ? "text pairs" : "single texts") + ". "
                    + (pairEncoding != null ? "Read the data with the column of the second texts (textPairColumn), as in training."
                            : "Read the data without a text pair column (textPairColumn), as in training."));
        }
        List<String> first = data.examples().stream().map(TextExample::text).toList();
        return pairEncoding == null ? probabilities(first, progress)
                : probabilities(first, data.examples().stream().map(TextExample::textPair).toList(), progress);
    }

    /**
     * The task's outputs from sentence vectors already computed with this model's backbone: class probabilities,
     * label probabilities (multi-label) or values (regression).
     */
    public float[][] probabilitiesOfEmbeddings(float[][] embeddings) {
        Task t = task();
        if (headArrays != null) { // a loaded model: the head runs in Java, so an ONNX encoder never loads libtorch
            return headArrays.outputs(embeddings, t::activate);
        }
        return Inference.outputs(head, new DenseBatches(embeddings, new int[embeddings.length]), BATCH, manager(), t::activate);
    }

    /** The manager of the DJL parts, opened (with the engine) on first use for a loaded model. */
    private synchronized NDManager manager() {
        if (manager == null) {
            manager = NDManager.newBaseManager(Device.cpu());
        }
        return manager;
    }



    /**
     * The encoder (opened on first use: ONNX Runtime when the backbone has an ONNX export and the frozen pass is fp32,
     * else libtorch).
     */
    public synchronized SentenceEncoder encoder() {
        if (encoder == null) {
            encoder = SentenceEncoders.open(backbone, Runtime.getRuntime().availableProcessors(),
                    OnnxTextEncoder.DEFAULT_BATCH_SIZE, frozenPrecision);
            if (encoder instanceof DjlTextEncoder d) {
                d.settleWeights(); // the classifier never changes the weights of an encoder it opened
            }
        }
        return encoder;
    }

    /**
     * Runs the frozen encoder in {@code precision}, as the head's features were computed; saved in the manifest, so a
     * loaded model computes the same features. Only for a head on the frozen, unchanged encoder, before its first use.
     *
     * @return this classifier
     * @throws IllegalStateException when the encoder was trained or is already open
     */
    public synchronized TextClassifier withFrozenPrecision(Precision precision) {
        if (trainedEncoder != null || peft != null || encoder != null) {
            throw new IllegalStateException("the frozen-pass precision applies to a head on the unchanged encoder, before"
                    + " its first use");
        }
        predictIn(precision);
        scoredPrecision = precision;
        return this;
    }

    /**
     * bf16 where the CPU computes bfloat16 products natively and the encoder runs on libtorch anyway (trained, or a
     * backbone without an ONNX export); for an ONNX backbone, whose fp32 pass runs on ONNX Runtime, only where the CPU
     * has AMX, where the libtorch bf16 pass was measured faster.
     */
    @Override
    public Precision autoPrecision(CpuFeatures cpu) {
        return encoderOnLibtorch() ? Precision.auto(cpu) : cpu.amxBf16() ? Precision.BF16 : Precision.FP32;
    }

    /**
     * For a head on an ONNX encoder, fp32 on ONNX Runtime, also for a head trained on bf16 features: on the 2-core AMX
     * machine ONNX Runtime embedded one MiniLM text in 3 ms against 10 ms for the libtorch bf16 pass with its weights
     * kept (18 ms casting them), and bf16 only caught up at about 8 texts a call. An encoder on libtorch keeps its own:
     * there the two precisions answer one text equally soon.
     */
    @Override
    public java.util.Optional<Precision> servingPrecision(CpuFeatures cpu) {
        return encoderOnLibtorch() ? java.util.Optional.empty() : java.util.Optional.of(Precision.FP32);
    }

    /**
     * Whether the encoder runs on libtorch in every precision: trained (fine-tuning, LoRA, adapters) or a backbone
     * without an ONNX export; else its fp32 pass runs on ONNX Runtime.
     */
    public boolean encoderOnLibtorch() {
        return trainedEncoder != null || !backbone.hasOnnx();
    }

    @Override
    public synchronized Precision precision() {
        return trainedEncoder != null ? trainedEncoder.model().precision() : frozenPrecision;
    }

    /** Text classifiers predict in fp32 and in bf16. */
    @Override
    public boolean predictsIn(Precision precision) {
        return precision == Precision.FP32 || precision == Precision.BF16;
    }

    /**
     * Runs the encoder's forward pass in {@code precision} for the predictions that follow: an encoder trained in this
     * process switches its linear layers; otherwise the encoder opens (again) in {@code precision}, on libtorch for bf16.
     * A saved frozen-head model records the precision its head was trained on ({@link #scoredPrecision()}), not this one.
     */
    @Override
    public synchronized void predictIn(Precision precision) {
        java.util.Objects.requireNonNull(precision, "precision");
        if (trainedEncoder != null) {
            trainedEncoder.model().setPrecision(precision);
        } else if (precision != frozenPrecision) {
            if (encoder != null) {
                encoder.close();
                encoder = null;
            }
            frozenPrecision = precision;
        }
    }

    /** The precision of the frozen encoder's forward pass ({@link Precision#FP32} unless set). */
    public Precision frozenPrecision() {
        return frozenPrecision;
    }

    /**
     * The precision of the frozen pass the head was trained and scored on: {@link Precision#BF16} for a head trained on
     * bf16 features, which a loaded model predicts in only where {@link #autoPrecision} picks bf16 (the CPU has AMX);
     * elsewhere bfloat16 products are emulated (2.6-5.7x slower than fp32, measured) and it predicts in fp32 unless
     * told otherwise.
     */
    public Precision scoredPrecision() {
        return scoredPrecision;
    }

    /** How this model reads text pairs, or {@code null} when it classifies single texts. */
    public PairEncoding pairEncoding() {
        return pairEncoding;
    }

    /** The pretrained model under the head. */
    public TextModelSpec backbone() {
        return backbone;
    }


    /**
     * The trained head as a DJL block. A loaded model predicts with its head in plain arrays and builds this block (which
     * loads libtorch) only when it is asked for.
     */
    public synchronized ClassifierHead head() {
        if (head == null) {
            head = headArrays.toBlock(manager());
        }
        return head;
    }

    /** The strategy that trained this model. */
    public String strategy() {
        return strategy;
    }

    /** The LoRA updates or adapters on the encoder, or {@code null}. */
    public PeftModules peft() {
        return peft;
    }

    /**
     * Parameters of the whole classifier (encoder, LoRA/adapters, head) when its encoder runs on
     * libtorch (fine-tuned or parameter-efficient); empty for a head on a frozen ONNX encoder.
     */
    public java.util.OptionalLong totalParameters() {
        if (trainedEncoder == null) {
            return java.util.OptionalLong.empty();
        }
        long n = count(trainedEncoder.model().namedParameters()) + count(head.namedParameters());
        return java.util.OptionalLong.of(n + (peft == null ? 0 : peft.parameterCount()));
    }

    private static long count(Map<String, Parameter> params) {
        return params.values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    /**
     * Folds LoRA into the encoder's weights ({@code W + (alpha/r)·B·A}): afterwards this classifier is a
     * plain fine-tuned one (strategy {@code lora-merged}) predicting what it predicted before, up to float
     * rounding, and {@link #save} writes {@code backbone/model.safetensors} instead of the LoRA files.
     *
     * @throws IllegalArgumentException when this model has no LoRA updates (adapters cannot be merged)
     */
    public synchronized void mergeLora() {
        if (trainedEncoder != null) {
            trainedEncoder.unsettleWeights(); // the merge writes the encoder's weights
        }
        LoraMerge.mergeModules(peft, strategy);
        peft = null;
        strategy = "lora-merged";
    }

    /**
     * Saves a self-contained model directory atomically (see {@link ModelDirectory}).
     *
     * @param metrics written as {@code metrics.json}
     * @return true when an existing model at {@code dir} was replaced
     */
    public boolean save(Path dir, Provenance provenance, Map<String, Object> metrics) throws IOException {
        return save(dir, provenance, metrics, staging -> { });
    }

    /**
     * Saves a self-contained model directory atomically, with extra files (a report, plots) that {@code extras}
     * writes into the staging directory before the manifest; they appear together with the model or not at all.
     *
     * @param metrics written as {@code metrics.json}
     * @param extras  writes additional files into the staging directory; it must not write the manifest
     * @return true when an existing model at {@code dir} was replaced
     */
    public boolean save(Path dir, Provenance provenance, Map<String, Object> metrics, ModelDirectory.Writer extras)
            throws IOException {
        return ModelDirectory.write(dir, staging -> {
            extras.write(staging);
            Path bb = Files.createDirectory(staging.resolve(BACKBONE_DIR));
            TextModelSpec written;
            if (peft != null) {
                SentenceEncoders.copyFiles(backbone, bb);
                written = backbone;
                SafeTensors.write(staging.resolve(PeftManifest.WEIGHTS_FILE), peft.tensors(), Map.of("format", "graft-peft"));
                AtomicFiles.writeString(staging.resolve(PeftManifest.FILE),
                        Json.MAPPER.writeValueAsString(new PeftManifest(peft.spec(), PeftManifest.WEIGHTS_FILE)));
            } else if (trainedEncoder != null) {
                written = trainedEncoder.saveTo(bb);
            } else {
                SentenceEncoders.copyFiles(backbone, bb);
                written = backbone;
            }
            List<TensorData> weights = (headArrays != null ? headArrays : HeadArrays.of(head)).tensors();
            SafeTensors.write(staging.resolve(HEAD_FILE), weights, HeadLabels.metadata(labels()));
            AtomicFiles.writeString(staging.resolve(PROVENANCE_FILE), Json.MAPPER.writeValueAsString(provenance));
            AtomicFiles.writeString(staging.resolve(METRICS_FILE), Json.MAPPER.writeValueAsString(metrics));
            HeadConfig hc = headArrays != null ? headArrays.config() : head.config();
            ModelManifest manifest = ModelManifest.of(ModelManifest.taskName("text", task().kind()), strategy,
                    new ModelManifest.Backbone(written.id(), written.sha256(), written.maxLength(),
                            written.pooling().name().toLowerCase(Locale.ROOT), written.license(), BACKBONE_DIR,
                            scoredPrecision == Precision.FP32 ? null : scoredPrecision.key()),
                    new ModelManifest.Head(hc.inputDim(), hc.numClasses(), hc.hiddenUnits(), hc.dropout(), HEAD_FILE),
                    labels().labels(), ModelManifest.Input.of(pairEncoding), ModelManifest.TaskSettings.of(task()));
            AtomicFiles.writeString(staging.resolve(ModelDirectory.MANIFEST), Json.MAPPER.writeValueAsString(manifest));
        });
    }

    /**
     * Loads a model directory written by {@link #save}. The encoder's checksum and every head
     * tensor's name and shape are verified; a mismatch names the file and what differs.
     */
    public static TextClassifier load(Path dir) {
        return load(dir, CpuFeatures.current());
    }

    /**
     * {@link #load(Path)} for predicting on a CPU with these features: a head trained on bf16 features predicts in bf16
     * where {@link #autoPrecision} picks it on {@code cpu}, else in fp32 ({@link #scoredPrecision()} says which it was
     * trained on).
     */
    public static TextClassifier load(Path dir, CpuFeatures cpu) {
        TextClassifier c = read(dir, cpu);
        c.loadedFrom(dir);
        return c;
    }

    private static TextClassifier read(Path dir, CpuFeatures cpu) {
        Path manifestFile = dir.resolve(ModelDirectory.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IllegalArgumentException(dir + " is not a Graft model directory (no " + ModelDirectory.MANIFEST
                    + "). Pass the " + Arguments.name("output") + " directory of " + Arguments.name("Graft.train") + ".");
        }
        try {
            ModelManifest m = Json.read(manifestFile, ModelManifest.class).checked(manifestFile);
            if (m.taskKind() == TaskKind.TOKEN_CLASSIFICATION) {
                throw new IllegalArgumentException(dir + " holds a " + m.task() + " model, which tags the words of a text"
                        + " rather than classifying it: load it with TokenClassifier.load.");
            }
            if (m.taskKind() == TaskKind.QUESTION_ANSWERING) {
                throw new IllegalArgumentException(dir + " holds a " + m.task() + " model, which finds answers in a context"
                        + " rather than classifying a text: load it with QuestionAnswerer.load.");
            }
            Path bbDir = ModelDirectory.resolveInside(dir, m.backbone().directory());
            String trainedOn = m.backbone().sha256();
            if (trainedOn == null || trainedOn.isBlank()) {
                throw new IllegalArgumentException(manifestFile + " records no backbone sha256; the model directory is damaged. Retrain.");
            }
            TextModelSpec spec = TextModels.fromDirectory(bbDir, trainedOn); // the weights must be those it was trained on
            String pooled = m.backbone().pooling();
            if (pooled != null && !Pooling.parse(pooled, manifestFile + " backbone.pooling").equals(spec.pooling())) {
                throw new IllegalArgumentException(manifestFile + " records pooling " + pooled + " but " + bbDir.resolve(TextModelSpec.METADATA_FILE)
                        + " says " + spec.pooling().key() + ": the head was trained on the first. Restore the file or retrain.");
            }
            Task task = m.task(manifestFile);
            HeadArrays head = HeadWeights.readSaved(dir, m, task, manifestFile);
            Path peftFile = dir.resolve(PeftManifest.FILE);
            PairEncoding pairs = m.pairEncoding(manifestFile);
            Precision frozen = m.backbone().frozenPrecision(manifestFile);
            if (!Files.isRegularFile(peftFile)) { // no tensor engine yet: an ONNX backbone never loads it
                TextClassifier c = new TextClassifier(spec, null, null, null, head, task, m.strategy(), pairs, null)
                        .withFrozenPrecision(frozen);
                if (frozen == Precision.BF16 && c.autoPrecision(cpu) != Precision.BF16) {
                    c.predictIn(Precision.FP32); // bf16 would be emulated here, several times slower
                }
                return c;
            }
            if (frozen != Precision.FP32) {
                throw new IllegalArgumentException(manifestFile + " records 'backbone.precision' " + frozen.key() + " for a "
                        + m.strategy() + " model, whose encoder runs in fp32: the model directory is damaged. Retrain.");
            }
            PeftManifest pm = Json.read(peftFile, PeftManifest.class);
            if (pm.spec() == null || pm.weights() == null) {
                throw new IllegalArgumentException(peftFile + " lacks 'spec' or 'weights'; the model directory is damaged. Retrain.");
            }
            NDManager manager = NDManager.newBaseManager(Device.cpu());
            DjlTextEncoder peftEncoder = null;
            try {
                peftEncoder = DjlTextEncoder.open(spec, 32);
                NDManager encoderManager = peftEncoder.model().namedParameters().values().iterator().next().getArray().getManager();
                PeftModules modules = PeftModules.attach(peftEncoder.model(), pm.spec(), encoderManager);
                HeadWeights.load(modules.savedParameters(), ModelDirectory.resolveInside(dir, pm.weights()),
                        pm.spec().method().key() + " weights");
                peftEncoder.settleWeights(); // loaded to predict; mergeLora unsettles them
                return new TextClassifier(spec, peftEncoder, modules, null, head, task, m.strategy(), pairs, manager);
            } catch (RuntimeException | IOException e) {
                if (peftEncoder != null) {
                    peftEncoder.close();
                }
                manager.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model " + dir + ": " + e.getMessage(), e);
        }
    }

    // --- GraftModel: the one predictor interface (texts and text pairs) ---

    @Override
    public InputKind inputKind() {
        return pairEncoding == null ? InputKind.TEXT : InputKind.TEXT_PAIR;
    }

    /** Predicts texts (or text pairs, for a pair model) through {@link #probabilities} and the task's decoding. */
    @Override
    public List<ModelOutput> predictBatch(List<ModelInput> inputs) {
        if (inputs.isEmpty()) {
            return List.of();
        }
        float[][] outputs;
        if (pairEncoding == null) {
            outputs = probabilities(ModelInput.texts(inputs));
        } else {
            List<String> first = new ArrayList<>(inputs.size());
            List<String> second = new ArrayList<>(inputs.size());
            for (ModelInput in : inputs) {
                ModelInput.TextPair p = (ModelInput.TextPair) ModelInput.expect(inputs, in, InputKind.TEXT_PAIR);
                first.add(p.text());
                second.add(p.textPair());
            }
            outputs = probabilities(first, second);
        }
        return ModelOutput.of(decode(outputs), task().kind());
    }

    /** Frees the encoder and the weights; a second call does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (encoder != null) {
            encoder.close();
        }
        if (manager != null) {
            manager.close();
        }
    }
}
