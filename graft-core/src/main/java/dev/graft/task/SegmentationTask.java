package dev.graft.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.data.image.masks.LabelMask;
import dev.graft.data.image.masks.MaskTargets;
import dev.graft.metrics.SegmentationMetrics;
import dev.graft.model.Scalars;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Semantic segmentation: the head scores every class at every pixel ({@code [B, C, H, W]} logits); the loss is the mean
 * pixel cross-entropy (optionally focal, {@code (1 − p)^γ}-weighted) plus {@code diceWeight} × the soft Dice loss
 * ({@code 1 −} mean over classes of {@code (2Σpy + 1) / (Σp + Σy + 1)} over the batch), both over the pixels whose
 * gold class is not {@link LabelMask#IGNORE}; a pixel's prediction is its most probable class, and masks are scored
 * with {@link SegmentationMetrics}.
 *
 * <p>An activated output row is one example's class probabilities, channel-major ({@code [C, H, W]} flattened), at the
 * size of its gold mask.
 */
public final class SegmentationTask implements Task {

    static final String DICE_WEIGHT = "dice_weight";
    static final String FOCAL_GAMMA = "focal_gamma";
    static final String CLASS_VALUES = "class_values";
    static final String IGNORE_VALUE = "ignore_value";
    static final String TILE = "tile";
    static final String OVERLAP = "tile_overlap";

    private final List<String> classes;
    private final int[] classValues;
    private final int ignoreValue;
    private final double diceWeight;
    private final double focalGamma;
    private final int tile;
    private final int overlap;

    /**
     * @param classes     class names, index = output
     * @param classValues the mask value of each class (to read evaluation masks and write predicted ones)
     * @param ignoreValue the mask value that counts for nothing, or -1
     * @param diceWeight  weight of the soft Dice loss beside cross-entropy (0 = cross-entropy alone)
     * @param focalGamma  focusing exponent γ of the focal loss (0 = plain cross-entropy)
     * @param tile        side of the tiles of sliding-window inference (the training crop; kept with the model)
     * @param overlap     overlap of neighbouring tiles
     */
    public SegmentationTask(List<String> classes, int[] classValues, int ignoreValue, double diceWeight, double focalGamma,
                            int tile, int overlap) {
        if (classes.size() < 2 || classValues.length != classes.size()) {
            throw new IllegalArgumentException("segmentation needs ≥ 2 classes, each with a mask value; got " + classes);
        }
        if (!(diceWeight >= 0) || !(focalGamma >= 0)) {
            throw new IllegalArgumentException("the Dice weight and focal γ must be ≥ 0, got " + diceWeight + " and " + focalGamma);
        }
        this.classes = List.copyOf(classes);
        this.classValues = classValues.clone();
        this.ignoreValue = ignoreValue;
        this.diceWeight = diceWeight;
        this.focalGamma = focalGamma;
        this.tile = tile;
        this.overlap = overlap;
    }

    /** Side of the tiles of sliding-window inference. */
    public int tile() {
        return tile;
    }

    /** Overlap of neighbouring tiles. */
    public int overlap() {
        return overlap;
    }

    static SegmentationTask restore(List<String> names, Map<String, Object> settings) {
        Object values = settings.get(CLASS_VALUES);
        if (!(values instanceof List<?> list) || list.size() != names.size()) {
            throw new IllegalArgumentException("a segmentation model needs '" + CLASS_VALUES + "', one mask value per class");
        }
        int[] v = list.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
        return new SegmentationTask(names, v, number(settings, IGNORE_VALUE, -1).intValue(),
                number(settings, DICE_WEIGHT, 1).doubleValue(), number(settings, FOCAL_GAMMA, 0).doubleValue(),
                number(settings, TILE, 256).intValue(), number(settings, OVERLAP, 64).intValue());
    }

    private static Number number(Map<String, Object> settings, String key, Number dflt) {
        return settings.get(key) instanceof Number n ? n : dflt;
    }

    /** The mask value of each class. */
    public int[] classValues() {
        return classValues.clone();
    }

    /** The mask value that counts for nothing, or -1. */
    public int ignoreValue() {
        return ignoreValue;
    }

    @Override
    public TaskKind kind() {
        return TaskKind.SEGMENTATION;
    }

    @Override
    public int outputWidth() {
        return classes.size();
    }

    @Override
    public List<String> outputNames() {
        return classes;
    }

    /** Refused: segmentation targets are masks, read as {@link Targets.Masks}. */
    @Override
    public Targets encode(List<String> rawTargets) {
        throw new IllegalArgumentException("segmentation reads masks (images/ and masks/ folders), not a label column;"
                + " build Targets.Masks from a SegmentationDataset");
    }

    /** The masks of the examples at {@code indices} as int64 {@code [B, H, W]} (all of one size), −1 where ignored. */
    @Override
    public NDArray batchTargets(NDManager manager, Targets targets, int[] indices) {
        MaskTargets masks = ((Targets.Masks) targets).masks();
        LabelMask first = masks.mask(indices[0]);
        int n = first.width() * first.height();
        long[] y = new long[indices.length * n];
        for (int b = 0; b < indices.length; b++) {
            LabelMask m = masks.mask(indices[b]);
            if (m.width() != first.width() || m.height() != first.height()) {
                throw new IllegalArgumentException("a batch of masks must share one size; use batch size 1 for images of different sizes");
            }
            int[] c = m.classes();
            for (int p = 0; p < n; p++) {
                y[b * n + p] = c[p];
            }
        }
        return manager.create(y, new Shape(indices.length, first.height(), first.width()));
    }

    @Override
    public NDArray loss(NDArray outputs, NDArray targets) {
        int c = classes.size();
        NDArray valid = targets.gte(0).toType(DataType.FLOAT32, false);                       // [B, H, W]
        NDArray oneHot = targets.maximum(Scalars.constant(targets, 0)).oneHot(c).transpose(0, 3, 1, 2).mul(valid.expandDims(1)); // [B, C, H, W]
        NDArray logP = outputs.logSoftmax(1);
        NDArray logPt = logP.mul(oneHot).sum(new int[] {1});                                    // [B, H, W]
        NDArray pixelLoss = logPt.neg();
        if (focalGamma > 0) {
            pixelLoss = pixelLoss.mul(Scalars.add(logPt.exp().neg(), 1f).pow(Scalars.constant(logPt, (float) focalGamma)));
        }
        NDArray count = valid.sum().maximum(Scalars.constant(valid, 1f));
        NDArray loss = pixelLoss.mul(valid).sum().div(count);
        if (diceWeight > 0) {
            NDArray p = logP.exp().mul(valid.expandDims(1));
            int[] axes = {0, 2, 3};
            NDArray inter = p.mul(oneHot).sum(axes);
            NDArray sums = p.sum(axes).add(oneHot.sum(axes));
            NDArray dice = Scalars.add(Scalars.mul(inter, 2f), 1f).div(Scalars.add(sums, 1f));
            loss = loss.add(Scalars.mul(Scalars.add(dice.mean().neg(), 1f), (float) diceWeight));
        }
        return loss;
    }

    @Override
    public NDArray activate(NDArray outputs) {
        return outputs.softmax(1);
    }

    /** Softmax over the classes of one example's raw outputs, channel-major ({@code [C, H, W]} flattened). */
    @Override
    public float[] activate(float[] outputs) {
        int c = classes.size();
        int n = outputs.length / c;
        float[] out = new float[outputs.length];
        for (int p = 0; p < n; p++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
                max = Math.max(max, outputs[k * n + p]);
            }
            double sum = 0;
            for (int k = 0; k < c; k++) {
                sum += Math.exp(outputs[k * n + p] - max);
            }
            for (int k = 0; k < c; k++) {
                out[k * n + p] = (float) (Math.exp(outputs[k * n + p] - max) / sum);
            }
        }
        return out;
    }

    @Override
    public double validationLoss(float[][] activated, Targets gold) {
        MaskTargets masks = ((Targets.Masks) gold).masks();
        double sum = 0;
        long n = 0;
        for (int i = 0; i < activated.length; i++) {
            int[] g = masks.mask(i).classes();
            for (int p = 0; p < g.length; p++) {
                if (g[p] >= 0) {
                    sum -= Math.log(Math.max(activated[i][g[p] * g.length + p], 1e-12));
                    n++;
                }
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    @Override
    public SegmentationMetrics score(float[][] activated, Targets gold) {
        MaskTargets masks = ((Targets.Masks) gold).masks();
        SegmentationMetrics m = new SegmentationMetrics(classes);
        for (int i = 0; i < activated.length; i++) {
            m.add(masks.mask(i).classes(), argmax(activated[i], classes.size()));
        }
        return m;
    }

    /** The most probable class of every pixel of one example's activated output ({@code [C, H, W]} flattened). */
    public static int[] argmax(float[] probabilities, int classes) {
        int n = probabilities.length / classes;
        int[] out = new int[n];
        for (int p = 0; p < n; p++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (probabilities[c * n + p] > probabilities[best * n + p]) {
                    best = c;
                }
            }
            out[p] = best;
        }
        return out;
    }

    @Override
    public String defaultMonitor() {
        return "mean_iou";
    }

    /** The fraction of the image's pixels predicted as each class. */
    @Override
    public TaskPrediction decode(float[] activated) {
        int[] pred = argmax(activated, classes.size());
        long[] counts = new long[classes.size()];
        for (int c : pred) {
            counts[c]++;
        }
        Map<String, Double> share = new LinkedHashMap<>();
        int best = 0;
        for (int c = 0; c < classes.size(); c++) {
            share.put(classes.get(c), (double) counts[c] / pred.length);
            best = counts[c] > counts[best] ? c : best;
        }
        return new TaskPrediction(List.of(classes.get(best)), share.get(classes.get(best)), Double.NaN, share);
    }

    @Override
    public TargetFormat targetFormat() {
        return TargetFormat.of(TaskKind.SEGMENTATION);
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(CLASS_VALUES, java.util.Arrays.stream(classValues).boxed().toList());
        m.put(IGNORE_VALUE, ignoreValue);
        m.put(DICE_WEIGHT, diceWeight);
        m.put(FOCAL_GAMMA, focalGamma);
        m.put(TILE, tile);
        m.put(OVERLAP, overlap);
        return m;
    }
}
