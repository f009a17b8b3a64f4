package dev.graft.data.image;

import dev.graft.data.DataException;
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
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Labelled images read from a folder of class folders or a CSV/TSV of {@code path,label}, with
 * what was left out: hidden files, non-image files, listed files that do not exist, and images
 * that failed to decode (after {@link #verify}).
 *
 * @param source      the folder or CSV file read
 * @param examples    the images, in a stable order (class, then file name; or file order for CSV)
 * @param skippedHidden  hidden files and folders ignored
 * @param skippedOther   non-image files ignored
 * @param corrupt     images that failed to decode, with the reason
 * @param sha256      digest of every kept image's bytes and label (set by {@link #verify}; else of names and labels)
 */
public record ImageDataset(Path source, List<ImageExample> examples, int skippedHidden, int skippedOther,
                           Map<Path, String> corrupt, String sha256) {

    /** Copies the collections. */
    public ImageDataset {
        examples = List.copyOf(examples);
        corrupt = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(corrupt));
    }

    /** Number of images. */
    public int size() {
        return examples.size();
    }

    /** Images per class, sorted by class name. */
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

    /** A one-line note of what was skipped, or empty. */
    public java.util.Optional<String> skippedNote() {
        List<String> parts = new ArrayList<>();
        if (skippedHidden > 0) {
            parts.add(skippedHidden + " hidden file(s)");
        }
        if (skippedOther > 0) {
            parts.add(skippedOther + " non-image file(s)");
        }
        if (!corrupt.isEmpty()) {
            parts.add(corrupt.size() + " unreadable image(s): " + String.join("; ", corrupt.entrySet().stream().limit(5)
                    .map(e -> e.getKey() + " (" + e.getValue() + ")").toList()) + (corrupt.size() > 5 ? "; ..." : ""));
        }
        return parts.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of("note: " + source + ": skipped " + String.join(", ", parts));
    }

    /**
     * Decodes every image once (on {@code threads} threads), drops those that fail (or, with
     * {@code strict}, throws naming the first), and fingerprints the bytes.
     */
    public ImageDataset verify(int threads, boolean strict) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "graft-image-verify");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<byte[]>> digests = new ArrayList<>();
            for (ImageExample e : examples) {
                digests.add(pool.submit(() -> {
                    byte[] bytes = Files.readAllBytes(e.file());
                    ImageDecoder.decode(bytes, e.file());
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
                    Throwable c = ex.getCause();
                    String reason = c instanceof ImageDecodeException ? c.getMessage().replace("Cannot decode image " + e.file() + ": ", "")
                            : String.valueOf(c.getMessage());
                    if (strict) {
                        throw new DataException("Image " + e.file() + " cannot be decoded: " + reason
                                + ". Remove or replace it, or train without --strict to skip such files.", c);
                    }
                    bad.put(e.file(), reason);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new DataException("interrupted while checking images", ex);
                }
            }
            if (kept.isEmpty()) {
                throw new DataException("No readable images in " + source + " (" + bad.size() + " failed to decode).");
            }
            return new ImageDataset(source, kept, skippedHidden, skippedOther, bad, HexFormat.of().formatHex(md.digest()));
        } finally {
            pool.shutdownNow();
        }
    }

    /** A stratified random sample of at most {@code max} images (the same for the same seed). */
    public ImageDataset subsample(int max, long seed) {
        if (max >= size()) {
            return this;
        }
        if (max < 1) {
            throw new IllegalArgumentException("--max-train must be ≥ 1, got " + max);
        }
        List<ImageExample> kept = new ArrayList<>();
        Map<String, List<ImageExample>> byClass = byClass();
        Random rng = new Random(seed);
        double frac = max / (double) size();
        for (List<ImageExample> group : byClass.values()) {
            List<ImageExample> g = new ArrayList<>(group);
            java.util.Collections.shuffle(g, rng);
            kept.addAll(g.subList(0, Math.max(1, (int) Math.round(g.size() * frac))));
        }
        return withExamples(kept);
    }

    /**
     * Splits off stratified validation (and test) sets: {@code [train, val, test]}; test is
     * {@code null} when {@code testFraction} is 0.
     */
    public ImageDataset[] split(double valFraction, double testFraction, long seed) {
        List<ImageExample> tr = new ArrayList<>();
        List<ImageExample> va = new ArrayList<>();
        List<ImageExample> te = new ArrayList<>();
        Random rng = new Random(seed);
        for (List<ImageExample> group : byClass().values()) {
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
        return new ImageDataset[] {withExamples(tr), withExamples(va), testFraction > 0 ? withExamples(te) : null};
    }

    /** This data set with other examples (fingerprint recomputed from names and labels). */
    public ImageDataset withExamples(List<ImageExample> kept) {
        MessageDigest md = Hashes.sha256();
        Hashes.update(md, sha256);
        for (ImageExample e : kept) {
            Hashes.update(md, e.file().toString());
            Hashes.update(md, e.label());
        }
        return new ImageDataset(source, kept, skippedHidden, skippedOther, corrupt, HexFormat.of().formatHex(md.digest()));
    }

    private Map<String, List<ImageExample>> byClass() {
        Map<String, List<ImageExample>> m = new TreeMap<>();
        for (ImageExample e : examples) {
            m.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e);
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
