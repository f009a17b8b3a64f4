package dev.graft.data.image.masks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random square training crops of a data set, jointly augmented ({@link JointAugmentation}: one sampling position per
 * crop pixel, through the elastic field, flips, turns and zoom, read bilinearly from the image and by nearest neighbour
 * from the mask): an epoch has
 * {@link #size()} crops, crop {@code i} of image {@code i mod n}. A crop is a pure function of the epoch's salt
 * ({@link #reseed}) and its index, so its pixels and its mask are drawn identically however often and in whatever
 * order they are asked for; the most recent crops are kept so the batch's inputs and targets are computed once.
 */
public final class CropSampler implements SegmentationSamples {

    private static final int KEPT = 64;

    private final SegmentationDataset data;
    private final int crop;
    private final int cropsPerEpoch;
    private final JointAugmentation augmentation;
    private long salt;
    private final Map<Integer, Crop> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Crop> eldest) {
            return size() > KEPT;
        }
    };

    /**
     * @param crop          side of a crop in pixels
     * @param cropsPerEpoch crops per epoch
     * @param seed          the salt of the first epoch (until {@link #reseed})
     */
    public CropSampler(SegmentationDataset data, int crop, int cropsPerEpoch, JointAugmentation augmentation, long seed) {
        if (crop < 1 || cropsPerEpoch < 1) {
            throw new IllegalArgumentException("crop size and crops per epoch must be ≥ 1, got " + crop + " and " + cropsPerEpoch);
        }
        this.data = data;
        this.crop = crop;
        this.cropsPerEpoch = cropsPerEpoch;
        this.augmentation = augmentation;
        this.salt = seed;
    }

    /** Starts a new epoch: its crops are drawn with {@code epochSalt}. */
    public void reseed(long epochSalt) {
        if (epochSalt != salt) {
            salt = epochSalt;
            recent.clear();
        }
    }

    /** Side of a crop. */
    public int cropSize() {
        return crop;
    }

    @Override
    public int size() {
        return cropsPerEpoch;
    }

    @Override
    public int numClasses() {
        return data.numClasses();
    }

    @Override
    public float[] pixels(int i) {
        return crop(i).pixels;
    }

    @Override
    public LabelMask mask(int i) {
        return crop(i).mask;
    }

    private Crop crop(int i) {
        return recent.computeIfAbsent(i, this::draw);
    }

    private Crop draw(int i) {
        Random r = new Random(salt * 0x9E3779B97F4A7C15L + i * 1_000_003L);
        int j = i % data.size();
        byte[] rgb = data.images().get(j).rgb();
        LabelMask gold = data.masks().get(j);
        int w = gold.width();
        int h = gold.height();
        double scale = augmentation.minScale() + r.nextDouble() * (augmentation.maxScale() - augmentation.minScale());
        int window = (int) Math.max(1, Math.min(Math.round(crop / scale), Math.min(w, h)));
        int x0 = r.nextInt(w - window + 1);
        int y0 = r.nextInt(h - window + 1);
        int turns = augmentation.rotate90() ? r.nextInt(4) : 0;
        boolean flipX = augmentation.flips() && r.nextBoolean();
        boolean flipY = augmentation.flips() && r.nextBoolean();
        double contrast = 1 + (2 * r.nextDouble() - 1) * augmentation.contrast();
        double brightness = (2 * r.nextDouble() - 1) * augmentation.brightness() * 255;
        float[][] field = augmentation.elastic() > 0 ? displacements(r, augmentation.elastic()) : null;
        int n = crop * crop;
        float[] pixels = new float[3 * n];
        int[] classes = new int[n];
        double step = (double) window / crop;
        int last = crop - 1;
        for (int v = 0; v < crop; v++) {
            for (int u = 0; u < crop; u++) {
                double eu = field == null ? u : Math.max(0, Math.min(last, u + displacement(field[0], u, v)));
                double ev = field == null ? v : Math.max(0, Math.min(last, v + displacement(field[1], u, v)));
                double fu = flipX ? last - eu : eu;
                double fv = flipY ? last - ev : ev;
                double a;
                double b;
                switch (turns) {
                    case 1 -> { a = fv; b = last - fu; }
                    case 2 -> { a = last - fu; b = last - fv; }
                    case 3 -> { a = last - fv; b = fu; }
                    default -> { a = fu; b = fv; }
                }
                double sx = x0 + (a + 0.5) * step - 0.5;
                double sy = y0 + (b + 0.5) * step - 0.5;
                int o = v * crop + u;
                classes[o] = gold.at(clamp((int) Math.round(sx), w), clamp((int) Math.round(sy), h));
                for (int c = 0; c < 3; c++) {
                    double p = bilinear(rgb, w, h, c, sx, sy);
                    p = (p - 127.5) * contrast + 127.5 + brightness;
                    pixels[c * n + o] = (float) Math.max(0, Math.min(255, p));
                }
            }
        }
        return new Crop(pixels, new LabelMask(crop, crop, classes));
    }

    /**
     * The elastic field's x and y displacements at the corners of the {@link JointAugmentation#ELASTIC_CELLS} grid,
     * uniform within ± {@code max}, drawn after the crop's other choices so that they stay as without elastic
     * deformation.
     */
    private static float[][] displacements(Random r, double max) {
        int k = JointAugmentation.ELASTIC_CELLS + 1;
        float[][] d = new float[2][k * k];
        for (float[] axis : d) {
            for (int i = 0; i < axis.length; i++) {
                axis[i] = (float) ((2 * r.nextDouble() - 1) * max);
            }
        }
        return d;
    }

    /** The displacement of crop pixel ({@code u}, {@code v}), interpolated bilinearly between the grid's corners. */
    private double displacement(float[] grid, int u, int v) {
        int cells = JointAugmentation.ELASTIC_CELLS;
        int k = cells + 1;
        double gx = (double) u * cells / Math.max(1, crop - 1);
        double gy = (double) v * cells / Math.max(1, crop - 1);
        int x0 = Math.min(cells - 1, (int) gx);
        int y0 = Math.min(cells - 1, (int) gy);
        double fx = gx - x0;
        double fy = gy - y0;
        double top = grid[y0 * k + x0] * (1 - fx) + grid[y0 * k + x0 + 1] * fx;
        double bottom = grid[(y0 + 1) * k + x0] * (1 - fx) + grid[(y0 + 1) * k + x0 + 1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    private static int clamp(int v, int size) {
        return Math.max(0, Math.min(size - 1, v));
    }

    private static double bilinear(byte[] rgb, int w, int h, int c, double x, double y) {
        double cx = Math.max(0, Math.min(w - 1, x));
        double cy = Math.max(0, Math.min(h - 1, y));
        int xa = (int) Math.floor(cx);
        int ya = (int) Math.floor(cy);
        int xb = Math.min(w - 1, xa + 1);
        int yb = Math.min(h - 1, ya + 1);
        double fx = cx - xa;
        double fy = cy - ya;
        double top = (rgb[(ya * w + xa) * 3 + c] & 0xff) * (1 - fx) + (rgb[(ya * w + xb) * 3 + c] & 0xff) * fx;
        double bottom = (rgb[(yb * w + xa) * 3 + c] & 0xff) * (1 - fx) + (rgb[(yb * w + xb) * 3 + c] & 0xff) * fx;
        return top * (1 - fy) + bottom * fy;
    }

    private record Crop(float[] pixels, LabelMask mask) {
    }
}
