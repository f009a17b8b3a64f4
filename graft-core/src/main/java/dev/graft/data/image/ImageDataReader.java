package dev.graft.data.image;

import dev.graft.tensor.io.OwnedDirectory;
import dev.graft.data.BoundedLineReader;
import dev.graft.data.DataException;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads image data sets: a folder {@code root/<class>/<image>} (nested folders below a class folder
 * are included; hidden files and folders, Graft model folders and non-image files are skipped and
 * counted, class folders without images named), or a CSV/TSV
 * with a path column and a label column (paths relative to the CSV's folder; a listed file that
 * does not exist is an error naming it). The label column of a CSV holds classes, label lists or numbers as a
 * {@link TargetFormat} says, each checked as it is read; class folders hold classes.
 */
public final class ImageDataReader {

    /** The column names (lower case) taken to hold image paths when no column is named. */
    public static final Set<String> PATH_COLUMNS = Set.of("path", "file", "filename", "file_name", "filepath", "image",
            "image_path", "img", "image_file");
    private static final Set<String> LABEL_COLUMNS = Set.of("label", "class", "category", "target", "y", "labels");

    /** How many lines of a CSV {@link #isImageData} looks at. */
    private static final int SNIFF_LINES = 20;

    private ImageDataReader() {
    }

    /**
     * Whether {@code path} is image data: a directory with at least one class folder holding an
     * image, or a CSV/TSV whose first data row has a column naming an image file.
     */
    public static boolean isImageData(Path path) {
        if (Files.isDirectory(path)) {
            try (Stream<Path> classes = Files.list(path)) {
                return classes.filter(Files::isDirectory).filter(d -> !ImageDataset.isHidden(d) && !isGraftOutput(d)).anyMatch(d -> {
                    try (Stream<Path> files = Files.walk(d, 3)) {
                        return files.anyMatch(f -> Files.isRegularFile(f) && ImageDecoder.hasImageExtension(f));
                    } catch (IOException e) {
                        return false;
                    }
                });
            } catch (IOException e) {
                return false;
            }
        }
        String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(path) && (n.endsWith(".csv") || n.endsWith(".tsv"))) {
            try (Reader r = boundedReader(path, SNIFF_LINES);
                 CSVParser p = format(path).parse(r)) {
                int rows = 0;
                for (CSVRecord rec : p) {
                    for (String v : rec) {
                        if (looksLikeImage(v)) {
                            return true;
                        }
                    }
                    if (++rows >= 2) {
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    /** Reads a folder of class folders or a CSV/TSV of paths and labels, the labels being classes. */
    public static ImageDataset read(Path path) {
        return read(path, TargetFormat.classification());
    }

    /**
     * Reads a folder of class folders or a CSV/TSV of paths and targets written as {@code targets} says (classes, label
     * lists or numbers; checked as read, a bad one named by its line). Class folders hold classes only.
     *
     * @throws DataException for a folder read with another target format than classes, or a bad target
     */
    public static ImageDataset read(Path path, TargetFormat targets) {
        if (Files.isDirectory(path)) {
            if (targets.task() != TaskKind.CLASSIFICATION) {
                throw new DataException(path + " is a folder of class folders, which gives each image one class; "
                        + targets.task().key() + " targets are read from a CSV/TSV with a path column and a label column"
                        + " (e.g. path,label with rows like img/1.png," + (targets.task() == TaskKind.REGRESSION ? "0.75"
                        : "cat" + targets.separator() + "dog") + "). Write one, or train a classifier (task classification).");
            }
            return readFolder(path);
        }
        if (Files.isRegularFile(path)) {
            return readCsv(path, targets);
        }
        throw new DataException("Image data " + path + " does not exist. Pass a folder of class folders (root/<class>/<image>)"
                + " or a CSV/TSV with path and label columns.");
    }

    /**
     * Reads {@code root/<class>/<image>}. Hidden files and folders (including the {@code .NAME.partial-*} folders of an
     * interrupted save) and Graft model folders (holding {@code graft-model.json}: a model saved inside the data) are
     * skipped at any depth and counted; a class folder left without images is named in {@link ImageDataset#emptyClasses()},
     * and an error when fewer than two classes have images.
     */
    public static ImageDataset readFolder(Path root) {
        List<ImageExample> examples = new ArrayList<>();
        List<Path> models = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        int[] hidden = {0};
        int[] other = {0};
        try (Stream<Path> top = Files.list(root)) {
            for (Path cls : top.sorted().toList()) {
                if (ImageDataset.isHidden(cls)) {
                    hidden[0]++;
                    continue;
                }
                if (!Files.isDirectory(cls)) {
                    other[0]++;
                    continue;
                }
                if (isGraftOutput(cls)) {
                    models.add(cls.toAbsolutePath().normalize());
                    continue;
                }
                String label = cls.getFileName().toString();
                int before = examples.size();
                Files.walkFileTree(cls, new java.nio.file.SimpleFileVisitor<>() {
                    @Override
                    public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes a) {
                        if (dir.equals(cls)) {
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }
                        if (ImageDataset.isHidden(dir)) {
                            hidden[0]++;
                            return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                        }
                        if (isGraftOutput(dir)) {
                            models.add(dir.toAbsolutePath().normalize());
                            return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                        }
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }

                    @Override
                    public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) {
                        if (ImageDataset.isHidden(f)) {
                            hidden[0]++;
                        } else if (a.isRegularFile() && ImageDecoder.hasImageExtension(f)) {
                            examples.add(new ImageExample(f.toAbsolutePath().normalize(), label));
                        } else {
                            other[0]++;
                        }
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                });
                if (examples.size() == before) {
                    empty.add(label);
                }
            }
        } catch (IOException e) {
            throw new DataException("Cannot list image folder " + root + ": " + e.getMessage(), e);
        }
        examples.sort(java.util.Comparator.comparing(ImageExample::label).thenComparing(e -> e.file().toString()));
        if (examples.isEmpty()) {
            throw new DataException("No images in " + root + ". Expected class folders with images inside: "
                    + root + "/<class>/<image>.jpg (JPEG, PNG, GIF, BMP or WebP)."
                    + (empty.isEmpty() ? "" : " These class folders are empty: " + String.join(", ", empty) + "."));
        }
        ImageDataset d = new ImageDataset(root, examples, hidden[0], other[0],
                models, empty, Map.of(), ImageDataset.namesDigest(examples));
        requireTwoClasses(d);
        return d;
    }

    /** Reads a CSV/TSV with a path column and a class column; paths are relative to the file's folder. */
    public static ImageDataset readCsv(Path file) {
        return readCsv(file, TargetFormat.classification());
    }

    /**
     * Reads a CSV/TSV with a path column and a label column whose targets are written as {@code targets} says; paths
     * are relative to the file's folder.
     *
     * @throws DataException naming the file and line of a missing column, an empty label or a target that does not fit
     */
    public static ImageDataset readCsv(Path file, TargetFormat targets) {
        Path base = file.toAbsolutePath().getParent();
        List<ImageExample> examples = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        int other = 0;
        int hidden = 0;
        String text;
        try {
            text = boundedText(file, Integer.MAX_VALUE);
        } catch (IOException e) {
            throw new DataException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        LineCounter lines = new LineCounter(text);
        try (Reader r = new java.io.StringReader(text);
             CSVParser p = format(file).parse(r)) {
            List<CSVRecord> rows = p.getRecords();
            if (rows.isEmpty()) {
                throw new DataException(file + " is empty.");
            }
            int pathCol = -1;
            int labelCol = -1;
            int first = 0;
            List<String> header = lower(rows.get(0));
            for (int i = 0; i < header.size(); i++) {
                if (pathCol < 0 && PATH_COLUMNS.contains(header.get(i))) {
                    pathCol = i;
                } else if (labelCol < 0 && LABEL_COLUMNS.contains(header.get(i))) {
                    labelCol = i;
                }
            }
            if (pathCol >= 0 || labelCol >= 0) {
                first = 1;
            }
            if (pathCol < 0 && rows.size() > first) {
                CSVRecord rec = rows.get(first);
                for (int i = 0; i < rec.size(); i++) {
                    if (looksLikeImage(rec.get(i))) {
                        pathCol = i;
                        break;
                    }
                }
            }
            if (pathCol < 0) {
                throw new DataException(file + " has no column of image paths (looked for a header named path, file, image, ..."
                        + " or values ending in .jpg/.png/...). Put the image path in a column named 'path'.");
            }
            if (labelCol < 0) {
                labelCol = pathCol == 0 ? 1 : 0;
            }
            for (int i = first; i < rows.size(); i++) {
                CSVRecord rec = rows.get(i);
                if (rec.size() == 1 && rec.get(0).isBlank()) {
                    continue;
                }
                int line = lines.lineAt(rec.getCharacterPosition());
                if (rec.size() <= Math.max(pathCol, labelCol)) {
                    throw new DataException(file + " line " + line + " has " + rec.size()
                            + " column(s); expected a path and a label.");
                }
                String rel = rec.get(pathCol).trim();
                String label = rec.get(labelCol).trim();
                Path f = base.resolve(rel).normalize();
                if (!Files.isRegularFile(f)) {
                    missing.add(rel + " (" + f + ")");
                    continue;
                }
                if (ImageDataset.isHidden(f)) {
                    hidden++;
                } else if (!ImageDecoder.hasImageExtension(f)) {
                    other++;
                } else if (label.isEmpty() && targets.task() != TaskKind.MULTI_LABEL) { // multi-label: no label applies
                    throw new DataException(file + " line " + line + ": image " + rel + " has an empty label.");
                } else {
                    targets.check(label, file + " line " + line);
                    examples.add(new ImageExample(f, label, line));
                }
            }
        } catch (IOException e) {
            throw new DataException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!missing.isEmpty()) {
            throw new DataException(file + " lists " + missing.size() + " image(s) that do not exist (paths are relative to "
                    + base + "): " + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                    + (missing.size() > 5 ? ", ..." : "") + ". Fix the paths or remove those rows.");
        }
        if (examples.isEmpty()) {
            throw new DataException("No images listed in " + file + ".");
        }
        ImageDataset d = new ImageDataset(file, examples, hidden, other, List.of(), List.of(), Map.of(),
                ImageDataset.namesDigest(examples), targets);
        if (targets.task() == TaskKind.CLASSIFICATION) {
            requireTwoClasses(d);
        }
        return d;
    }

    /** The 1-based line of a character position of a text, for positions met in increasing order. */
    private static final class LineCounter {
        private final String text;
        private int position;
        private int line = 1;

        LineCounter(String text) {
            this.text = text;
        }

        int lineAt(long characterPosition) {
            int end = (int) Math.min(characterPosition, text.length());
            for (; position < end; position++) {
                if (text.charAt(position) == '\n') {
                    line++;
                }
            }
            return line;
        }
    }

    /** Refuses a data set with images of fewer than two classes, naming the class folders left without images. */
    static void requireTwoClasses(ImageDataset d) {
        if (d.classCounts().size() < 2) {
            throw new DataException(d.source() + " has images of only one class " + d.classes()
                    + (d.emptyClasses().isEmpty() ? "" : " (class folder(s) without a readable image: " + String.join(", ",
                    d.emptyClasses()) + ")") + "; a classifier needs at least two class folders (or labels) with images.");
        }
    }

    private static CSVFormat format(Path file) {
        boolean tsv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv");
        return (tsv ? CSVFormat.TDF : CSVFormat.RFC4180).builder().setIgnoreSurroundingSpaces(true).build();
    }

    private static List<String> lower(CSVRecord rec) {
        List<String> out = new ArrayList<>();
        for (String s : rec) {
            out.add(s.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_'));
        }
        return out;
    }

    private static boolean looksLikeImage(String v) {
        String t = v.trim();
        int dot = t.lastIndexOf('.');
        return dot > 0 && ImageDecoder.EXTENSIONS.contains(t.substring(dot + 1).toLowerCase(Locale.ROOT));
    }


    /** The manifest of a model directory (artifact layer's {@code ModelDirectory.MANIFEST}, named here to keep layers apart). */
    private static final String MODEL_MANIFEST = "graft-model.json";

    /** Whether {@code dir} is a folder Graft wrote (a model, checkpoint or backbone), which is never a class of images. */
    static boolean isGraftOutput(Path dir) {
        return OwnedDirectory.markedKind(dir).isPresent() || Files.isRegularFile(dir.resolve(MODEL_MANIFEST));
    }

    /**
     * The first {@code maxLines} lines of a CSV of image paths, read line by line with the data readers' bound on a
     * line's length, so that a file without line breaks ends in a clear error instead of exhausting memory.
     */
    private static Reader boundedReader(Path file, int maxLines) throws IOException {
        return new java.io.StringReader(boundedText(file, maxLines));
    }

    /** The first {@code maxLines} lines of {@code file}, each bounded in length, joined by {@code \n}. */
    private static String boundedText(Path file, int maxLines) throws IOException {
        StringBuilder text = new StringBuilder();
        try (BoundedLineReader lines = new BoundedLineReader(Files.newInputStream(file), file.toString(),
                BoundedLineReader.DEFAULT_MAX_LINE_BYTES)) {
            int n = 0;
            for (String line = lines.readLine(); line != null && n++ < maxLines; line = lines.readLine()) {
                text.append(line).append('\n');
            }
        }
        return text.toString();
    }
}
