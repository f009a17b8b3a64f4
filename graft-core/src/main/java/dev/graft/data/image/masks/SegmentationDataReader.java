package dev.graft.data.image.masks;

import dev.graft.data.BoundedLineReader;
import dev.graft.data.DataException;
import dev.graft.data.image.ImageDecoder;
import dev.graft.data.image.RgbImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads image/mask pairs: a folder holding {@code images/} and {@code masks/} whose files pair by base name (any image
 * extension on either side: {@code images/7.jpg} with {@code masks/7.png}), or a CSV file of {@code image,mask} paths
 * (relative to the CSV's folder; a first row {@code image,mask} is a header). Every image is decoded through
 * {@link ImageDecoder} (pixel limit checked before decoding; grayscale replicated to RGB) and every mask through
 * {@link MaskDecoder} and {@link MaskClasses}; an image and its mask must have the same size.
 */
public final class SegmentationDataReader {

    /** Longest line of a pairs CSV. */
    static final int MAX_LINE = 64 * 1024;

    private SegmentationDataReader() {
    }

    /**
     * The image/mask pairs of {@code source} (a folder or a CSV), in a stable order (sorted by image path for a folder,
     * file order for a CSV).
     *
     * @param skipUnpaired whether an image without a mask is skipped (counted in {@link Pairs#skipped()}) rather than an error
     * @throws DataException naming the file when a pair is missing or ambiguous
     */
    public static Pairs pairs(Path source, boolean skipUnpaired) {
        if (Files.isDirectory(source)) {
            return folderPairs(source, skipUnpaired);
        }
        if (Files.isRegularFile(source)) {
            return csvPairs(source, skipUnpaired);
        }
        throw new DataException("Segmentation data " + source + " does not exist: give a folder with images/ and masks/,"
                + " or a CSV of image,mask paths.");
    }

    /**
     * Reads and decodes every pair of {@code source}.
     *
     * @throws DataException naming the file on a missing mask, a size mismatch or an unknown mask value
     */
    public static SegmentationDataset read(Path source, MaskClasses classes, boolean skipUnpaired) {
        Pairs pairs = pairs(source, skipUnpaired);
        if (pairs.examples().isEmpty()) {
            throw new DataException("No image/mask pairs in " + source + ".");
        }
        List<RgbImage> images = new ArrayList<>();
        List<LabelMask> masks = new ArrayList<>();
        for (SegmentationExample e : pairs.examples()) {
            RgbImage image = ImageDecoder.decode(e.image());
            LabelMask mask = classes.apply(MaskDecoder.rawValues(e.mask()), e.mask());
            if (image.width() != mask.width() || image.height() != mask.height()) {
                throw new DataException("Mask " + e.mask() + " is " + mask.width() + "x" + mask.height() + " but its image "
                        + e.image() + " is " + image.width() + "x" + image.height() + "; a mask must have its image's size.");
            }
            images.add(image);
            masks.add(mask);
        }
        return new SegmentationDataset(source.toString(), pairs.examples(), images, masks, classes, pairs.skipped());
    }

    private static Pairs folderPairs(Path dir, boolean skipUnpaired) {
        Path imageDir = dir.resolve("images");
        Path maskDir = dir.resolve("masks");
        if (!Files.isDirectory(imageDir) || !Files.isDirectory(maskDir)) {
            throw new DataException("Segmentation folder " + dir + " needs an images/ and a masks/ folder whose files pair by"
                    + " name (images/7.jpg with masks/7.png); or give a CSV of image,mask paths.");
        }
        Map<String, Path> images = byBaseName(imageDir);
        Map<String, Path> masks = byBaseName(maskDir);
        List<SegmentationExample> out = new ArrayList<>();
        int skipped = 0;
        for (Map.Entry<String, Path> e : images.entrySet()) {
            Path mask = masks.get(e.getKey());
            if (mask == null) {
                if (skipUnpaired) {
                    skipped++;
                    continue;
                }
                throw new DataException("Image " + e.getValue() + " has no mask: expected " + maskDir.resolve(e.getKey())
                        + ".png (any image extension). Add the mask, remove the image, or skip unpaired images.");
            }
            out.add(new SegmentationExample(e.getValue(), mask));
        }
        return new Pairs(out, skipped);
    }

    private static Map<String, Path> byBaseName(Path dir) {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> Files.isRegularFile(f) && ImageDecoder.hasImageExtension(f)).sorted().toList()) {
                String name = f.getFileName().toString();
                String base = name.substring(0, name.lastIndexOf('.'));
                Path before = out.put(base, f);
                if (before != null) {
                    throw new DataException("Two files in " + dir + " share the name '" + base + "' (" + before.getFileName()
                            + ", " + name + "); images and masks pair by name, so each name may occur once.");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static Pairs csvPairs(Path csv, boolean skipUnpaired) {
        Path base = csv.toAbsolutePath().getParent();
        List<SegmentationExample> out = new ArrayList<>();
        int skipped = 0;
        try (BoundedLineReader r = new BoundedLineReader(Files.newInputStream(csv), csv.toString(), MAX_LINE)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (cells.length != 2) {
                    throw new DataException(csv + " line " + lineNo + ": expected 2 columns (image,mask), got " + cells.length + ".");
                }
                String image = unquote(cells[0]);
                String mask = unquote(cells[1]);
                if (lineNo == 1 && image.toLowerCase(Locale.ROOT).equals("image") && mask.toLowerCase(Locale.ROOT).equals("mask")) {
                    continue;
                }
                Path imagePath = base.resolve(image);
                Path maskPath = base.resolve(mask);
                if (!Files.isRegularFile(imagePath)) {
                    throw new DataException(csv + " line " + lineNo + ": image " + imagePath + " does not exist.");
                }
                if (!Files.isRegularFile(maskPath)) {
                    if (skipUnpaired) {
                        skipped++;
                        continue;
                    }
                    throw new DataException(csv + " line " + lineNo + ": mask " + maskPath + " of image " + imagePath
                            + " does not exist.");
                }
                out.add(new SegmentationExample(imagePath, maskPath));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + csv + ": " + e.getMessage(), e);
        }
        return new Pairs(out, skipped);
    }

    private static String unquote(String s) {
        String t = s.strip();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1).replace("\"\"", "\"") : t;
    }

    /**
     * The pairs found, and how many images were skipped for want of a mask.
     *
     * @param examples the pairs
     * @param skipped  images without a mask that were skipped
     */
    public record Pairs(List<SegmentationExample> examples, int skipped) {
        /** Copies the list. */
        public Pairs {
            examples = List.copyOf(examples);
        }
    }

    static Map<String, Path> forTest(Path dir) {
        return new LinkedHashMap<>(byBaseName(dir));
    }
}
