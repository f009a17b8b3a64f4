package dev.graft.model.text;

import dev.graft.util.Excerpt;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How token vectors become one sentence vector: a property of the pretrained model ({@link #MEAN}, {@link #CLS}),
 * or chosen for feature extraction. A pooling is one part or several joined by {@code +} (their vectors concatenated,
 * e.g. {@code cls+mean}); a part reduces the tokens by {@code mean} (over the attention mask) or {@code cls} (the
 * first token), of the last layer, of the average of the last k layers ({@code mean-last-4}), or of each of the last
 * k layers concatenated, the last layer first ({@code mean-concat-last-4}). Poolings other than plain mean and cls read
 * inner layers or widen the vector, so only frozen encoders compute them ({@link #fineTunable()} is false).
 */
public final class Pooling {

    /** Most layers a part may read. */
    public static final int MAX_LAYERS = 48;

    private static final Pattern PART = Pattern.compile("(mean|cls)(?:-(concat-)?last-(\\d{1,3}))?");

    /** Mean over the tokens the attention mask keeps (sentence-transformers' default). */
    public static final Pooling MEAN = new Pooling(List.of(new Part(true, 1, false)));
    /** The first ([CLS]) token's vector. */
    public static final Pooling CLS = new Pooling(List.of(new Part(false, 1, false)));

    /**
     * One reduction of the pooling.
     *
     * @param mean   mean over kept tokens (else the first token)
     * @param layers how many of the last layers it reads (1: the last hidden state)
     * @param concat each layer's vector kept side by side (else the layers are averaged)
     */
    private record Part(boolean mean, int layers, boolean concat) {
        String key() {
            String r = mean ? "mean" : "cls";
            return layers == 1 ? r : r + (concat ? "-concat" : "") + "-last-" + layers;
        }
    }

    private final List<Part> parts;

    private Pooling(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    /**
     * The pooling named {@code name} (any case): {@code mean}, {@code cls}, {@code mean-last-K}, {@code cls-last-K},
     * {@code mean-concat-last-K}, {@code cls-concat-last-K}, or several of them joined by {@code +}.
     *
     * @param source where the name was read, for the message
     * @throws IllegalArgumentException naming {@code source} and the choices
     */
    public static Pooling parse(String name, String source) {
        String text = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        List<Part> parts = new ArrayList<>();
        for (String p : text.split("\\+", -1)) {
            Matcher m = PART.matcher(p.trim());
            int layers = m.matches() && m.group(3) != null ? Integer.parseInt(m.group(3)) : 1;
            if (!m.matches() || layers < 1 || layers > MAX_LAYERS) {
                throw new IllegalArgumentException(source + " names pooling '" + Excerpt.of(String.valueOf(name))
                        + "'; it must be mean, cls, mean-last-K or mean-concat-last-K (K from 1 to " + MAX_LAYERS
                        + " layers; cls instead of mean for the first token), or several joined by +, e.g. cls+mean.");
            }
            parts.add(new Part(m.group(1).equals("mean"), layers, layers > 1 && m.group(2) != null));
        }
        Pooling pooling = new Pooling(parts);
        return pooling.equals(MEAN) ? MEAN : pooling.equals(CLS) ? CLS : pooling;
    }

    /** The canonical name in lower case, as {@link #parse} reads it back ({@code mean}, {@code cls+mean-last-4}). */
    public String key() {
        return String.join("+", parts.stream().map(Part::key).toList());
    }

    /** The canonical name in upper case (as the enum this class replaced named its two constants). */
    public String name() {
        return key().toUpperCase(Locale.ROOT);
    }

    /** How many of the last layers' hidden states the pooling reads (1: only the last hidden state). */
    public int layers() {
        int n = 1;
        for (Part p : parts) {
            n = Math.max(n, p.layers());
        }
        return n;
    }

    /** Width of the pooled vector for hidden states of width {@code width}. */
    public int dimension(int width) {
        int d = 0;
        for (Part p : parts) {
            d += p.concat() ? p.layers() * width : width;
        }
        return d;
    }

    /** Whether a fine-tuned encoder can pool this way: plain {@link #MEAN} or {@link #CLS} of the last layer. */
    public boolean fineTunable() {
        return equals(MEAN) || equals(CLS);
    }

    /**
     * Pools one sequence of a row-major {@code [T, H]} hidden-state block of the last layer.
     *
     * @param hidden  the whole batch output, {@code [B, T, H]} row-major
     * @param offset  index in {@code hidden} of this sequence's first value
     * @param mask    this sequence's attention mask (1 keep, 0 padding), length T
     * @param width   H
     * @throws IllegalStateException if the pooling reads inner layers
     */
    public float[] pool(float[] hidden, int offset, long[] mask, int width) {
        if (layers() > 1) {
            throw new IllegalStateException("pooling " + key() + " reads the last " + layers() + " layers; pass them all");
        }
        return pool(List.of(hidden), offset, mask, width);
    }

    /**
     * Pools one sequence from the hidden states of the last layers.
     *
     * @param layerStates batch outputs {@code [B, T, H]} row-major, the last layer first, at least {@link #layers()}
     * @param offset      index in each array of this sequence's first value
     * @param mask        this sequence's attention mask (1 keep, 0 padding), length T
     * @param width       H
     * @return a vector of {@link #dimension(int)} values
     */
    public float[] pool(List<float[]> layerStates, int offset, long[] mask, int width) {
        if (layerStates.size() < layers()) {
            throw new IllegalArgumentException("pooling " + key() + " needs " + layers() + " layers, got " + layerStates.size());
        }
        float[] out = new float[dimension(width)];
        int at = 0;
        for (Part p : parts) {
            if (p.concat()) {
                for (int l = 0; l < p.layers(); l++) {
                    reduce(p.mean(), layerStates.subList(l, l + 1), offset, mask, width, out, at);
                    at += width;
                }
            } else {
                reduce(p.mean(), layerStates.subList(0, p.layers()), offset, mask, width, out, at);
                at += width;
            }
        }
        return out;
    }

    /** The average over {@code layers} of each layer's mean (or first) token vector, written at {@code out[at..]}. */
    private static void reduce(boolean mean, List<float[]> layers, int offset, long[] mask, int width, float[] out, int at) {
        double[] sum = new double[width];
        long count = 0;
        for (float[] hidden : layers) {
            if (!mean) {
                for (int h = 0; h < width; h++) {
                    sum[h] += hidden[offset + h];
                }
                count++;
                continue;
            }
            for (int t = 0; t < mask.length; t++) {
                if (mask[t] == 0) {
                    continue;
                }
                count++;
                int base = offset + t * width;
                for (int h = 0; h < width; h++) {
                    sum[h] += hidden[base + h];
                }
            }
        }
        double denom = Math.max(count, 1e-9);
        for (int h = 0; h < width; h++) {
            out[at + h] = (float) (sum[h] / denom);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pooling p && p.parts.equals(parts);
    }

    @Override
    public int hashCode() {
        return parts.hashCode();
    }

    @Override
    public String toString() {
        return key();
    }
}
