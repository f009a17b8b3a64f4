package dev.graft.data.image.masks;

import dev.graft.data.DataException;
import dev.graft.data.image.RgbImage;
import dev.graft.util.Arguments;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Decoded image/mask pairs with their classes.
 *
 * @param name     where the data came from
 * @param examples the files of each pair
 * @param images   the decoded images (grayscale replicated to RGB)
 * @param masks    the masks as class indices
 * @param classes  how mask values map to classes
 * @param skipped  images skipped for want of a mask
 */
public record SegmentationDataset(String name, List<SegmentationExample> examples, List<RgbImage> images,
                                  List<LabelMask> masks, MaskClasses classes, int skipped) implements SegmentationSamples {

    /** Copies the lists and checks they pair up. */
    public SegmentationDataset {
        examples = List.copyOf(examples);
        images = List.copyOf(images);
        masks = List.copyOf(masks);
        if (examples.size() != images.size() || images.size() != masks.size()) {
            throw new IllegalArgumentException(examples.size() + " examples, " + images.size() + " images, " + masks.size() + " masks");
        }
    }

    @Override
    public int size() {
        return examples.size();
    }

    @Override
    public LabelMask mask(int i) {
        return masks.get(i);
    }

    @Override
    public float[] pixels(int i) {
        RgbImage im = images.get(i);
        return SegmentationSamples.planar(im.rgb(), im.width(), im.height());
    }

    @Override
    public int numClasses() {
        return classes.size();
    }

    /** The pairs at {@code indices}, in that order. */
    public SegmentationDataset subset(int[] indices, String subsetName) {
        List<SegmentationExample> e = new ArrayList<>();
        List<RgbImage> im = new ArrayList<>();
        List<LabelMask> m = new ArrayList<>();
        for (int i : indices) {
            e.add(examples.get(i));
            im.add(images.get(i));
            m.add(masks.get(i));
        }
        return new SegmentationDataset(subsetName, e, im, m, classes, 0);
    }

    /**
     * A seeded split into training, validation and test pairs: the pairs are shuffled with {@code seed} and cut into
     * {@code val} and {@code test} pairs (rounded from the fractions, at least one each when the fraction is above 0),
     * the rest training.
     *
     * @throws DataException when fewer than one training pair would remain
     */
    public Split split(double valFraction, double testFraction, long seed) {
        if (!(valFraction > 0 && valFraction < 1) || !(testFraction >= 0 && testFraction < 1)) {
            throw new IllegalArgumentException(Arguments.name("valFraction") + " must be in (0, 1) and "
                    + Arguments.name("testFraction") + " in [0, 1), got " + valFraction + " and " + testFraction);
        }
        int n = size();
        int nVal = Math.max(1, (int) Math.round(n * valFraction));
        int nTest = testFraction > 0 ? Math.max(1, (int) Math.round(n * testFraction)) : 0;
        if (n - nVal - nTest < 1) {
            throw new DataException(name + " has " + n + " pairs: too few for " + nVal + " validation and " + nTest
                    + " test pairs and at least one to train on.");
        }
        int[] order = java.util.stream.IntStream.range(0, n).toArray();
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        SegmentationDataset val = subset(java.util.Arrays.copyOfRange(order, 0, nVal), name + " (validation)");
        SegmentationDataset test = nTest == 0 ? null : subset(java.util.Arrays.copyOfRange(order, nVal, nVal + nTest), name + " (test)");
        SegmentationDataset part = subset(java.util.Arrays.copyOfRange(order, nVal + nTest, n), name + " (training)");
        SegmentationDataset train = new SegmentationDataset(part.name, part.examples, part.images, part.masks, classes, skipped);
        return new Split(train, val, test);
    }

    /**
     * Training, validation and optional test pairs.
     *
     * @param train training pairs
     * @param val   validation pairs
     * @param test  test pairs, or {@code null}
     */
    public record Split(SegmentationDataset train, SegmentationDataset val, SegmentationDataset test) {
    }
}
