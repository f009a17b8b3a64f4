package dev.graft.data.image.masks;

import dev.graft.data.BoundedLineReader;
import dev.graft.data.DataException;
import dev.graft.util.Arguments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the raw values of a mask (gray levels or palette indices, 0..255) become class indices. Binary masks (the
 * default) map 0 to {@code background} and 1 or 255 to {@code foreground}; a classes file names each class and the value
 * that marks it. One raw value may be the ignore value: its pixels count for nothing in training or scoring. Any
 * other value is an error naming the mask file, the value and where it first occurs.
 */
public final class MaskClasses {

    /** Longest line of a classes file. */
    static final int MAX_LINE = 1_000;

    private final List<String> names;
    private final int[] classOf; // raw value → class, IGNORE, or UNKNOWN
    private final int ignoreValue;
    private static final int UNKNOWN = -2;

    private MaskClasses(List<String> names, int[] classOf, int ignoreValue) {
        this.names = List.copyOf(names);
        this.classOf = classOf;
        this.ignoreValue = ignoreValue;
        if (ignoreValue >= 0) {
            classOf[ignoreValue] = LabelMask.IGNORE;
        }
    }

    /**
     * Binary masks: 0 is {@code background}; 1 and 255 are {@code foreground} (unless 255 is the ignore value).
     *
     * @param ignoreValue the raw value to ignore, or -1 for none
     */
    public static MaskClasses binary(int ignoreValue) {
        checkIgnore(ignoreValue);
        int[] map = new int[256];
        Arrays.fill(map, UNKNOWN);
        map[0] = 0;
        map[1] = 1;
        map[255] = 1;
        return new MaskClasses(List.of("background", "foreground"), map, ignoreValue);
    }

    /**
     * Classes named in order ({@code names.get(i)} is marked by raw value {@code values[i]}).
     *
     * @param ignoreValue the raw value to ignore, or -1 for none
     */
    public static MaskClasses of(List<String> names, int[] values, int ignoreValue) {
        checkIgnore(ignoreValue);
        if (names.size() < 2 || names.size() != values.length) {
            throw new IllegalArgumentException("segmentation needs at least 2 classes, each with one mask value; got "
                    + names.size() + " names and " + values.length + " values");
        }
        int[] map = new int[256];
        Arrays.fill(map, UNKNOWN);
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] > 255 || map[values[i]] != UNKNOWN || values[i] == ignoreValue) {
                throw new IllegalArgumentException("mask value " + values[i] + " of class '" + names.get(i)
                        + "' is outside 0..255, used twice, or the ignore value");
            }
            map[values[i]] = i;
        }
        return new MaskClasses(names, map, ignoreValue);
    }

    /**
     * Reads a classes file: one class per line, either {@code NAME} (its value is the line's index among the class
     * lines, 0 first) or {@code VALUE NAME} (the gray level or palette index that marks it); blank lines and lines
     * starting with {@code #} are skipped.
     *
     * @throws DataException naming the file and line of a malformed entry
     */
    public static MaskClasses read(Path file, int ignoreValue) {
        List<String> names = new ArrayList<>();
        List<Integer> values = new ArrayList<>();
        try (BoundedLineReader r = new BoundedLineReader(java.nio.file.Files.newInputStream(file), file.toString(), MAX_LINE)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                String[] parts = s.split("\\s+", 2);
                if (parts.length == 2 && parts[0].matches("\\d{1,3}")) {
                    values.add(Integer.parseInt(parts[0]));
                    names.add(parts[1].strip());
                } else {
                    values.add(names.size());
                    names.add(s);
                }
                if (values.get(values.size() - 1) > 255) {
                    throw new DataException(file + " line " + lineNo + ": mask value " + values.get(values.size() - 1)
                            + " is above 255; masks are 8-bit");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the mask classes " + file + ": " + e.getMessage(), e);
        }
        try {
            return of(names, values.stream().mapToInt(Integer::intValue).toArray(), ignoreValue);
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": " + e.getMessage() + ". Write one class per line, NAME or VALUE NAME ("
                    + Arguments.name("maskClasses") + ").");
        }
    }

    private static void checkIgnore(int ignoreValue) {
        if (ignoreValue < -1 || ignoreValue > 255) {
            throw new IllegalArgumentException(Arguments.name("ignoreIndex") + " must be a mask value 0..255, got " + ignoreValue);
        }
    }

    /**
     * The classes of a saved model: binary masks when the classes are {@code background}, {@code foreground} written
     * 0 and 255 (so 0/1 masks read too), else exactly the values given.
     */
    public static MaskClasses ofModel(List<String> names, int[] values, int ignoreValue) {
        if (names.equals(List.of("background", "foreground")) && values.length == 2 && values[0] == 0 && values[1] == 255) {
            return binary(ignoreValue);
        }
        return of(names, values, ignoreValue);
    }

    /** The class names, index = class. */
    public List<String> names() {
        return names;
    }

    /** Number of classes. */
    public int size() {
        return names.size();
    }

    /** The ignored raw value, or -1. */
    public int ignoreValue() {
        return ignoreValue;
    }

    /** The raw mask value of each class (the inverse mapping, used to write predicted masks). */
    public int[] values() {
        int[] v = new int[names.size()];
        for (int raw = 255; raw >= 0; raw--) { // the lowest raw value wins (binary: 1 and 255 → foreground; write 255 below)
            if (classOf[raw] >= 0) {
                v[classOf[raw]] = raw;
            }
        }
        if (names.size() == 2 && classOf[255] == 1 && classOf[1] == 1) {
            v[1] = 255; // binary masks are written 0/255, visible in any viewer
        }
        return v;
    }

    /**
     * The class mask of raw values {@code raw} read from {@code file}.
     *
     * @throws DataException naming the file, the unknown value, where it first occurs and how many pixels have it
     */
    public LabelMask apply(LabelMask raw, Path file) {
        int[] in = raw.classes();
        int[] out = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            int c = classOf[in[i]];
            if (c == UNKNOWN) {
                int value = in[i];
                long count = Arrays.stream(in).filter(v -> v == value).count();
                throw new DataException("Mask " + file + " has value " + in[i] + " at x=" + (i % raw.width()) + ", y="
                        + (i / raw.width()) + " (" + count + " pixels), which is no class: known values are " + knownValues()
                        + ". Name the classes with " + Arguments.name("maskClasses") + " or set " + Arguments.name("ignoreIndex") + ".");
            }
            out[i] = c;
        }
        return new LabelMask(raw.width(), raw.height(), out);
    }

    private String knownValues() {
        List<String> known = new ArrayList<>();
        for (int v = 0; v < 256; v++) {
            if (classOf[v] >= 0) {
                known.add(v + "=" + names.get(classOf[v]));
            } else if (classOf[v] == LabelMask.IGNORE) {
                known.add(v + "=ignored");
            }
        }
        return String.join(", ", known);
    }

    /** A description for provenance: class names with their values and the ignore value. */
    public String describe() {
        int[] v = values();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(names.get(i)).append('=').append(v[i]);
        }
        return b.append(ignoreValue >= 0 ? ", ignore=" + ignoreValue : "").toString();
    }
}
