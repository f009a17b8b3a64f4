package dev.graft.data.image;

import dev.graft.util.Arguments;
import dev.graft.data.DataException;
import dev.graft.data.TargetColumn;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Labelled images read from a folder of class folders or a CSV/TSV of {@code path,label}, with
 * what was left out: hidden files and folders, non-image files, Graft model folders saved inside the
 * data, class folders without images, listed files that do not exist, and images that failed to
 * decode (after {@link #verify}).
 *
 * @param source        the folder or CSV file read
 * @param examples      the images, in a stable order (class, then file name; or file order for CSV)
 * @param skippedHidden hidden files and folders ignored
 * @param skippedOther  non-image files ignored
 * @param skippedModels Graft model folders (they hold {@code graft-model.json}) ignored: a model saved inside the data is not a class
 * @param emptyClasses  class folders ignored because they hold no (readable) image, sorted
 * @param corrupt       images that failed to decode, with the reason
 * @param sha256        digest of every kept image's bytes and label (set by {@link #verify}; else of names and labels)
 * @param targets       how the labels are written: classes (class folders and the default), label lists or numbers
 */
public record ImageDataset(Path source, List<ImageExample> examples, int skippedHidden, int skippedOther, List<Path> skippedModels,
                           List<String> emptyClasses, Map<Path, String> corrupt, String sha256, TargetFormat targets) {

    /** Decodes one image (a seam for tests); must throw {@link ImageDecodeException} for a bad file. */
    @FunctionalInterface
    interface Decoder {
        void decode(byte[] bytes, Path file);
    }

    /** Copies the collections. */
    public ImageDataset {
        java.util.Objects.requireNonNull(targets, "targets");
        examples = List.copyOf(examples);
        skippedModels = List.copyOf(skippedModels);
        emptyClasses = List.copyOf(new java.util.TreeSet<>(emptyClasses));
        corrupt = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(corrupt));
    }

    /** A data set of classes (the targets of class folders). */
    public ImageDataset(Path source, List<ImageExample> examples, int skippedHidden, int skippedOther, List<Path> skippedModels,
                        List<String> emptyClasses, Map<Path, String> corrupt, String sha256) {
        this(source, examples, skippedHidden, skippedOther, skippedModels, emptyClasses, corrupt, sha256,
                TargetFormat.classification());
    }

    /** The task the targets call for. */
    public TaskKind task() {
        return targets.task();
    }

    /**
     * The targets of every image with their format, each located by the CSV line that lists it (or by the image file),
     * as the task layer encodes them.
     */
    public TargetColumn targetColumn() {
        return new TargetColumn(source.toString(), targets, examples.stream().map(ImageExample::label).toList(),
                i -> where(examples.get(i)));
    }

    /** Where an image's target is written, for messages: the CSV/TSV and line, or the image file. */
    String where(ImageExample e) {
        return e.line() > 0 ? source + " line " + e.line() : e.file().toString();
    }

    /**
     * How often each target occurs, for reports and provenance: images per class; for multi-label data images per
     * label (sorted); empty for numbers.
     */
    public Map<String, Integer> targetCounts() {
        return switch (task()) {
            case CLASSIFICATION -> classCounts();
            case MULTI_LABEL -> {
                Map<String, Integer> m = new TreeMap<>();
                targetColumn().labelLists().forEach(ls -> ls.forEach(l -> m.merge(l, 1, Integer::sum)));
                yield m;
            }
            case REGRESSION, TOKEN_CLASSIFICATION, QUESTION_ANSWERING, SEGMENTATION -> Map.of();
        };
    }

    /** Number of images. */
    public int size() {
        return examples.size();
    }

    /** Images per class, sorted by class name (per distinct target as written, for other targets than classes). */
    public Map<String, Integer> classCounts() {
        Map<String, Integer> m = new TreeMap<>();
        for (ImageExample e : examples) {
            m.merge(e.label(), 1, Integer::sum);
        }
        return m;
    }

    /** Class names, sorted. */
    public List<String> classes() {
        return List.copyOf(classCounts().keySet());
    }

    /**
     * What to tell the user about this data set: a {@code note:} line of what was skipped (hidden, non-image and
     * unreadable files, model folders), and a {@code warning:} line naming class folders ignored for having no
     * readable image; empty when there is nothing to say.
     */
    public List<String> notices() {
        List<String> lines = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        if (!skippedModels.isEmpty()) {
            parts.add(skippedModels.size() + " Graft model folder(s) saved inside the data (" + String.join(", ",
                    skippedModels.stream().limit(5).map(p -> source.toAbsolutePath().normalize().relativize(p).toString()).toList())
                    + (skippedModels.size() > 5 ? ", ..." : "") + "; a model is not a class)");
        }
        if (skippedHidden > 0) {
            parts.add(skippedHidden + " hidden file(s) or folder(s)");
        }
        if (skippedOther > 0) {
            parts.add(skippedOther + " non-image file(s)");
        }
        if (!corrupt.isEmpty()) {
            parts.add(corrupt.size() + " unreadable image(s): " + String.join("; ", corrupt.entrySet().stream().limit(5)
                    .map(e -> e.getKey() + " (" + e.getValue() + ")").toList()) + (corrupt.size() > 5 ? "; ..." : ""));
        }
        if (!parts.isEmpty()) {
            lines.add("note: " + source + ": skipped " + String.join(", ", parts));
        }
        if (!emptyClasses.isEmpty()) {
            lines.add("warning: " + source + ": ignored " + emptyClasses.size() + " class folder(s) without a readable image: "
                    + String.join(", ", emptyClasses));
        }
        return lines;
    }

    /**
     * Decodes every image once (on {@code threads} threads), drops those that fail to decode — corrupt, truncated,
     * unsupported or over {@link ImagePixelLimit} — (or, with {@code strict}, throws naming the first), and
     * fingerprints the bytes. A class left without images is named in {@link #emptyClasses()}; fewer than two
     * classes left (of two or more) is an error. Running out of memory is never taken for a bad image: it fails
     * the check with what to do.
     */
    public ImageDataset verify(int threads, boolean strict) {
        return verify(threads, strict, ImageDecoder::decode);
    }

    ImageDataset verify(int threads, boolean strict, Decoder decoder) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "graft-image-verify");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<byte[]>> digests = new ArrayList<>();
            for (ImageExample e : examples) {
                digests.add(pool.submit(() -> {
                    byte[] bytes;
                    try {
                        bytes = Files.readAllBytes(e.file());
                    } catch (IOException ex) {
                        throw new ImageDecodeException(e.file(), "cannot read the file (" + ex.getMessage() + ")", ex);
                    }
                    decoder.decode(bytes, e.file());
                    return Hashes.sha256().digest(bytes);
                }));
            }
            MessageDigest md = Hashes.sha256();
            List<ImageExample> kept = new ArrayList<>();
            Map<Path, String> bad = new LinkedHashMap<>(corrupt);
            for (int i = 0; i < examples.size(); i++) {
                ImageExample e = examples.get(i);
                try {
                    byte[] d = digests.get(i).get();
                    md.update(d);
                    Hashes.update(md, e.label());
                    kept.add(e);
                } catch (java.util.concurrent.ExecutionException ex) {
                    if (!(ex.getCause() instanceof ImageDecodeException c)) {
                        throw notADataError(ex.getCause(), e.file(), threads);
                    }
                    if (strict) {
                        throw new DataException("Image " + e.file() + " cannot be decoded: " + c.reason()
                                + ". Remove or replace it, or train without " + Arguments.name("strict") + " to skip such files.", c);
                    }
                    bad.put(e.file(), c.reason());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new DataException("interrupted while checking images", ex);
                }
            }
            if (kept.isEmpty()) {
                throw new DataException("No readable images in " + source + " (" + bad.size() + " failed to decode).");
            }
            List<String> lost = new ArrayList<>(emptyClasses);
            Set<String> left = kept.stream().map(ImageExample::label).collect(java.util.stream.Collectors.toSet());
            classCounts().keySet().stream().filter(c -> !left.contains(c)).forEach(lost::add);
            ImageDataset v = new ImageDataset(source, kept, skippedHidden, skippedOther, skippedModels,
                    task() == TaskKind.CLASSIFICATION ? lost : emptyClasses, bad, HexFormat.of().formatHex(md.digest()), targets);
            if (task() == TaskKind.CLASSIFICATION && classCounts().size() >= 2) {
                ImageDataReader.requireTwoClasses(v);
            }
            return v;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A failure other than a bad image, to rethrow: out of memory becomes a failure that says what to do (never a
     * skipped image, which would make the data depend on free memory); other errors and exceptions stay as they are.
     */
    private static RuntimeException notADataError(Throwable cause, Path file, int threads) {
        if (cause instanceof OutOfMemoryError oom) {
            return new IllegalStateException("Out of Java heap while decoding " + file + " on " + threads + " thread(s) (max heap "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB). Give Java more memory (-Xmx, e.g. GRAFT_JAVA_OPTS=-Xmx8g),"
                    + " decode on fewer threads, or lower the pixel limit (" + ImagePixelLimit.PROPERTY + ", now "
                    + ImagePixelLimit.format(ImagePixelLimit.get()) + ").", oom);
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    }

    /**
     * A stratified random sample of at most {@code max} images (the same for the same seed): stratified by class, or
     * as text data by {@link TargetFormat#strata} (rarest label, quantile bin of the number).
     */
    public ImageDataset subsample(int max, long seed) {
        if (max >= size()) {
            return this;
        }
        if (max < 1) {
            throw new IllegalArgumentException(Arguments.name("maxTrain") + " must be ≥ 1, got " + max);
        }
        Map<String, List<ImageExample>> byClass = byStratum();
        if (byClass.size() > max) {
            String what = task() == TaskKind.CLASSIFICATION ? "classes" : "strata (" + targets + " targets)";
            throw new DataException(source + " has " + byClass.size() + " " + what + ", more than the " + max + " examples allowed"
                    + " (" + Arguments.name("maxTrain") + "): a stratified sample keeps at least one example of each. Allow at least "
                    + byClass.size() + " examples.");
        }
        Random rng = new Random(seed);
        double frac = max / (double) size();
        List<List<ImageExample>> groups = new ArrayList<>();
        List<Integer> take = new ArrayList<>();
        int total = 0;
        for (List<ImageExample> group : byClass.values()) {
            List<ImageExample> g = new ArrayList<>(group);
            java.util.Collections.shuffle(g, rng);
            groups.add(g);
            int k = Math.max(1, (int) Math.round(g.size() * frac));
            take.add(k);
            total += k;
        }
        for (; total > max; total--) { // rounding went over the cap: the largest shares give up one each
            int largest = 0;
            for (int c = 1; c < take.size(); c++) {
                if (take.get(c) > take.get(largest)) {
                    largest = c;
                }
            }
            take.set(largest, take.get(largest) - 1);
        }
        List<ImageExample> kept = new ArrayList<>();
        for (int c = 0; c < groups.size(); c++) {
            kept.addAll(groups.get(c).subList(0, take.get(c)));
        }
        return withExamples(kept);
    }

    /**
     * Splits off stratified validation (and test) sets: {@code [train, val, test]}; test is
     * {@code null} when {@code testFraction} is 0. Strata as for {@link #subsample}.
     */
    public ImageDataset[] split(double valFraction, double testFraction, long seed) {
        List<ImageExample> tr = new ArrayList<>();
        List<ImageExample> va = new ArrayList<>();
        List<ImageExample> te = new ArrayList<>();
        Random rng = new Random(seed);
        for (List<ImageExample> group : byStratum().values()) {
            List<ImageExample> g = new ArrayList<>(group);
            java.util.Collections.shuffle(g, rng);
            int nVal = (int) Math.round(g.size() * valFraction);
            int nTest = (int) Math.round(g.size() * testFraction);
            if (g.size() >= 3) {
                nVal = Math.max(nVal, valFraction > 0 ? 1 : 0);
                nTest = Math.max(nTest, testFraction > 0 ? 1 : 0);
            }
            va.addAll(g.subList(0, nVal));
            te.addAll(g.subList(nVal, Math.min(g.size(), nVal + nTest)));
            tr.addAll(g.subList(Math.min(g.size(), nVal + nTest), g.size()));
        }
        requireExamples("validation", Arguments.name("valFraction"), valFraction, va);
        requireExamples("test", Arguments.name("testFraction"), testFraction, te);
        return new ImageDataset[] {withExamples(tr), withExamples(va), testFraction > 0 ? withExamples(te) : null};
    }

    private void requireExamples(String split, String argument, double fraction, List<ImageExample> part) {
        if (fraction > 0 && part.isEmpty()) {
            throw new DataException("A " + split + " share of " + fraction + " (" + argument + ") of " + source + " (" + size()
                    + " images) gives the " + split + " split no images: no " + (task() == TaskKind.CLASSIFICATION ? "class" : "stratum")
                    + " is large enough for its share to round to one image (every one with 3 or more gives one). Add images, raise the share, or give a separate "
                    + split + " folder.");
        }
    }

    /** This data set with other examples (fingerprint recomputed from names and labels). */
    public ImageDataset withExamples(List<ImageExample> kept) {
        MessageDigest md = Hashes.sha256();
        Hashes.update(md, sha256);
        for (ImageExample e : kept) {
            Hashes.update(md, e.file().toString());
            Hashes.update(md, e.label());
        }
        return new ImageDataset(source, kept, skippedHidden, skippedOther, skippedModels, emptyClasses, corrupt,
                HexFormat.of().formatHex(md.digest()), targets);
    }

    /**
     * The images of each stratum, strata sorted: of each class, or for label lists and numbers of each
     * {@link TargetFormat#strata} stratum (the rarest label, the quantile bin), as text data is split.
     */
    private Map<String, List<ImageExample>> byStratum() {
        String[] strata = targets.strata(targetColumn());
        Map<String, List<ImageExample>> m = new TreeMap<>();
        for (int i = 0; i < strata.length; i++) {
            m.computeIfAbsent(strata[i], k -> new ArrayList<>()).add(examples.get(i));
        }
        return m;
    }

    static String namesDigest(List<ImageExample> examples) {
        MessageDigest md = Hashes.sha256();
        for (ImageExample e : examples) {
            Hashes.update(md, e.file().toString());
            Hashes.update(md, e.label());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static boolean isHidden(Path p) {
        String n = p.getFileName().toString();
        try {
            return n.startsWith(".") || n.startsWith("__MACOSX") || Files.isHidden(p);
        } catch (IOException e) {
            return true;
        }
    }
}
