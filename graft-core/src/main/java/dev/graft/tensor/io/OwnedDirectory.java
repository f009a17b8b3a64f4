package dev.graft.tensor.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one way Graft writes a directory of its own (a model, a checkpoint, an imported or pre-trained backbone, a
 * cache entry). It
 * <ul>
 *   <li>refuses a target it does not own: an existing file, a symbolic link, the working directory or a folder
 *       that holds it, and any non-empty folder without Graft's ownership marker of the same kind;</li>
 *   <li>writes into a hidden staging sibling ({@code .NAME.partial-PID-TAG}), records every file it wrote in the
 *       marker {@value #MARKER}, and swaps the staging directory into place by rename, so the target appears
 *       complete or not at all;</li>
 *   <li>never deletes a file it did not write: files the user added to a directory it replaces are moved into the
 *       new one (renamed with a {@code .user} suffix where the new one has a file of that name), and what cannot be
 *       moved stays in a visible {@code NAME.previous-files-TAG} folder;</li>
 *   <li>recovers what a killed process left next to the target ({@code .NAME.old-*} and {@code .NAME.partial-*}) on
 *       the next write or check: a missing target is restored from its previous version (or completed from a
 *       finished staging directory), stale staging directories are removed.</li>
 * </ul>
 * Notices (recovered leftovers, kept user files) go to the sink set with {@link #setNotices}; by default to the
 * {@link System.Logger} {@code dev.graft.io}.
 */
public final class OwnedDirectory {

    /** The ownership marker: the kind and every file Graft wrote, as paths relative to the directory. */
    public static final String MARKER = ".graft-owned.json";

    private static final String FORMAT = "graft-owned";
    private static final long MAX_MARKER_BYTES = 16L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LEFTOVER = Pattern.compile("^\\.(.+)\\.(partial|old)-(?:(\\d+)-)?([0-9a-f]{8})$");
    private static final System.Logger LOG = System.getLogger("dev.graft.io");
    private static volatile Consumer<String> notices = m -> LOG.log(System.Logger.Level.WARNING, m);

    private OwnedDirectory() {
    }

    /** Where notices about recovered leftovers and kept user files go (the CLI prints them). */
    public static void setNotices(Consumer<String> sink) {
        notices = sink == null ? m -> LOG.log(System.Logger.Level.WARNING, m) : sink;
    }

    /**
     * Checks, before any expensive work, that {@code target} may receive a directory of {@code kind}: absent, an
     * empty folder, or a folder Graft wrote as that kind (which will be replaced, keeping the user's files). Also
     * recovers leftovers of an interrupted write of {@code target}.
     *
     * @throws IllegalArgumentException naming the folder and what to do otherwise
     */
    public static void checkWritable(Path target, DirectoryKind kind) {
        Path t = absolute(target);
        try {
            recover(t, kind);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot inspect " + t + ": " + e.getMessage(), e);
        }
        inspect(t, kind);
    }

    /**
     * Writes {@code target} as a directory of {@code kind}: {@code body} fills a staging directory, which is swapped
     * into place; an existing directory of the same kind is replaced and the files the user added to it are kept.
     *
     * @return true when an existing directory of this kind was replaced (false for a new or empty folder)
     * @throws IllegalArgumentException when the target may not be written (see {@link #checkWritable})
     */
    public static boolean write(Path target, DirectoryKind kind, IoConsumer<Path> body) throws IOException {
        Path t = absolute(target);
        Path parent = t.getParent();
        Files.createDirectories(parent);
        recover(t, kind);
        Optional<Set<String>> previous = inspect(t, kind);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        long pid = ProcessHandle.current().pid();
        Path staging = parent.resolve("." + t.getFileName() + ".partial-" + pid + "-" + tag);
        Path old = parent.resolve("." + t.getFileName() + ".old-" + pid + "-" + tag);
        Files.createDirectory(staging);
        try {
            body.accept(staging);
            writeMarker(staging, kind);
            if (previous.isPresent()) {
                rename(t, old);
            }
            rename(staging, t);
        } catch (IOException | RuntimeException | Error e) {
            try {
                deleteStaging(staging);
                if (Files.exists(old, LinkOption.NOFOLLOW_LINKS) && !Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
                    rename(old, t);
                }
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        if (previous.isPresent()) {
            retire(old, t, previous.get());
        }
        return previous.isPresent() && !previous.get().isEmpty(); // an empty folder was filled, not replaced
    }

    /**
     * Deletes the files Graft wrote in {@code dir} (a directory of {@code kind}) and the folders that become empty;
     * files the user added stay where they are.
     *
     * @return true when the directory is gone; false when it is absent or user files kept it
     * @throws IllegalArgumentException when {@code dir} is not a directory Graft wrote as {@code kind}
     */
    public static boolean delete(Path dir, DirectoryKind kind) throws IOException {
        Path d = absolute(dir);
        if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Optional<Set<String>> owned = ownedFiles(d, kind);
        if (owned.isEmpty()) {
            throw new IllegalArgumentException(d + " is not a " + kind.description() + " written by Graft; it was left as it is.");
        }
        deleteOwned(d, owned.get());
        return !Files.exists(d, LinkOption.NOFOLLOW_LINKS);
    }

    /** Whether {@code dir} is a directory Graft wrote as {@code kind} (with a marker, or as an older Graft did). */
    public static boolean isOwned(Path dir, DirectoryKind kind) {
        try {
            return ownedFiles(absolute(dir), kind).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Finishes or undoes what an interrupted write of {@code target} left beside it: restores a missing target from
     * its previous version (or from a finished staging directory), moves user files out of a leftover previous
     * version, and removes stale staging directories. Leftovers of a process that is still running are not touched.
     */
    public static void recover(Path target) throws IOException {
        recover(target, null);
    }

    /** As {@link #recover(Path)}, recognising leftovers written by older Graft versions as {@code kind} (may be null). */
    public static void recover(Path target, DirectoryKind kind) throws IOException {
        Path t = absolute(target);
        Path parent = t.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return;
        }
        List<Path> partials = new ArrayList<>();
        List<Path> olds = new ArrayList<>();
        try (Stream<Path> entries = Files.list(parent)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Matcher m = LEFTOVER.matcher(p.getFileName().toString());
                if (!m.matches() || !m.group(1).equals(t.getFileName().toString()) || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (m.group(3) != null && isLiveOtherProcess(Long.parseLong(m.group(3)))) {
                    continue; // another Graft process is writing this target right now
                }
                (m.group(2).equals("partial") ? partials : olds).add(p);
            }
        }
        partials.sort(Comparator.comparing(OwnedDirectory::modified).reversed());
        olds.sort(Comparator.comparing(OwnedDirectory::modified).reversed());
        if (!Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
            Optional<Path> finished = olds.isEmpty() ? Optional.empty()
                    : partials.stream().filter(p -> Files.isRegularFile(p.resolve(MARKER))).findFirst();
            if (finished.isPresent()) {
                rename(finished.get(), t);
                partials.remove(finished.get());
                notices.accept("completed the interrupted replacement of " + t + " from " + finished.get().getFileName());
            } else if (!olds.isEmpty()) {
                Path restored = olds.remove(0);
                rename(restored, t);
                notices.accept("restored " + t + " from " + restored.getFileName() + ", left by an interrupted write");
            }
        }
        for (Path old : olds) {
            Optional<Set<String>> owned = ownedFiles(old, kind);
            if (owned.isPresent()) {
                retire(old, t, owned.get());
            } else {
                notices.accept("left " + old + " as it is: it holds no record of what Graft wrote there");
            }
        }
        for (Path partial : partials) {
            deleteStaging(partial);
            notices.accept("removed " + partial.getFileName() + ", the unfinished output of an interrupted write of " + t);
        }
    }

    /**
     * The files Graft wrote in {@code dir} as {@code kind} (any kind when null), relative with {@code /}; empty when
     * the directory is not Graft's.
     */
    static Optional<Set<String>> ownedFiles(Path dir, DirectoryKind kind) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Path marker = dir.resolve(MARKER);
        if (Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
            JsonNode m = readMarker(marker);
            if (m == null || (kind != null && !kind.name().equals(m.path("kind").asText()))) {
                return Optional.empty();
            }
            Set<String> files = new TreeSet<>();
            for (JsonNode f : m.path("files")) {
                String rel = f.asText();
                if (isSafeRelative(rel)) {
                    files.add(rel);
                }
            }
            files.add(MARKER);
            return Optional.of(files);
        }
        if (kind == null || !hasLegacySignature(dir, kind)) {
            return Optional.empty();
        }
        Set<String> files = new TreeSet<>();
        for (String entry : kind.legacyEntries()) {
            Path p = dir.resolve(entry);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                files.addAll(listFiles(p, dir));
            } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                files.add(entry);
            }
        }
        return Optional.of(files);
    }

    /** Whether {@code dir} holds the signature file of {@code kind} as an older Graft wrote it (checked by content). */
    private static boolean hasLegacySignature(Path dir, DirectoryKind kind) throws IOException {
        Path signature = dir.resolve(kind.legacySignature());
        if (!Files.isRegularFile(signature, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        byte[] head;
        try (var in = Files.newInputStream(signature)) {
            head = in.readNBytes(1 << 16);
        }
        return new String(head, StandardCharsets.UTF_8).contains(kind.legacyText());
    }

    /** The kind named in {@code dir}'s marker, if it has one. */
    public static Optional<String> markedKind(Path dir) {
        Path marker = dir.resolve(MARKER);
        if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            JsonNode m = readMarker(marker);
            return m == null ? Optional.empty() : Optional.of(m.path("kind").asText());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Refuses what may not be written; returns the files Graft wrote there when it replaces an existing directory. */
    private static Optional<Set<String>> inspect(Path t, DirectoryKind kind) {
        Path cwd = Path.of("").toAbsolutePath().normalize();
        if (cwd.startsWith(t)) {
            throw new IllegalArgumentException(t + " is " + (cwd.equals(t) ? "the working directory" : "a folder that holds the working"
                    + " directory") + "; Graft writes a " + kind.description() + " as a folder of its own: name a new folder for it.");
        }
        if (Files.isSymbolicLink(t)) {
            throw new IllegalArgumentException(t + " is a symbolic link; name the real folder, or a new one, for the " + kind.description() + ".");
        }
        if (!Files.exists(t)) {
            return Optional.empty();
        }
        if (!Files.isDirectory(t)) {
            throw new IllegalArgumentException(t + " exists and is a file, not a " + kind.description() + " folder. Name another"
                    + " folder; Graft never overwrites files it did not write.");
        }
        try {
            Optional<Set<String>> owned = ownedFiles(t, kind);
            if (owned.isPresent()) {
                return owned;
            }
            List<String> sample;
            try (Stream<Path> entries = Files.list(t)) {
                sample = entries.limit(4).map(p -> p.getFileName().toString()).toList();
            }
            if (sample.isEmpty()) {
                return Optional.of(Set.of());
            }
            Optional<String> other = markedKind(t);
            String what = other.map(k -> "holds a Graft " + k + ", not a " + kind.description())
                    .orElse("is not empty and is not a " + kind.description() + " (it holds " + String.join(", ", sample.subList(0,
                            Math.min(3, sample.size()))) + (sample.size() > 3 ? ", ..." : "") + ")");
            throw new IllegalArgumentException("Folder " + t + " " + what + ". Name a new or empty folder; Graft never deletes or"
                    + " overwrites files it did not write.");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot inspect " + t + ": " + e.getMessage(), e);
        }
    }

    /**
     * After a swap: moves the user's files from the previous version {@code old} into {@code target}, deletes the
     * files Graft wrote in {@code old}, and removes it; what cannot be moved stays in a visible folder.
     */
    private static void retire(Path old, Path target, Set<String> graftFiles) throws IOException {
        List<String> kept = new ArrayList<>();
        List<String> stuck = new ArrayList<>();
        for (String rel : listFiles(old, old)) {
            if (graftFiles.contains(rel)) {
                continue;
            }
            Path from = old.resolve(rel);
            Path to = target.resolve(rel);
            try {
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new NoSuchFileException(target.toString());
                }
                Files.createDirectories(to.getParent());
                int n = 1;
                while (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                    to = to.resolveSibling(from.getFileName() + (n == 1 ? ".user" : ".user" + n));
                    n++;
                }
                Files.move(from, to);
                kept.add(target.relativize(to).toString());
            } catch (IOException e) {
                stuck.add(rel);
            }
        }
        deleteOwned(old, graftFiles);
        if (!kept.isEmpty()) {
            notices.accept("kept your " + (kept.size() == 1 ? "file " : kept.size() + " files ") + summary(kept) + " in " + target);
        }
        if (Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
            Path visible = old.resolveSibling(target.getFileName() + ".previous-files-" + UUID.randomUUID().toString().substring(0, 8));
            rename(old, visible);
            notices.accept("could not move " + summary(stuck) + " into " + target + "; they are in " + visible);
        }
    }

    private static String summary(List<String> names) {
        return String.join(", ", names.subList(0, Math.min(5, names.size()))) + (names.size() > 5 ? ", ..." : "");
    }

    /** Deletes the listed files (never following links) and then every folder left empty, bottom-up. */
    private static void deleteOwned(Path dir, Set<String> files) throws IOException {
        for (String rel : files) {
            Path p = dir.resolve(rel).normalize();
            if (p.startsWith(dir) && !p.equals(dir) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(p);
            }
        }
        List<Path> dirs;
        try (Stream<Path> walk = Files.walk(dir)) {
            dirs = walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted(Comparator.reverseOrder()).toList();
        }
        for (Path d : dirs) {
            try {
                Files.deleteIfExists(d);
            } catch (DirectoryNotEmptyException keptByUserFiles) {
                // a user's file is inside: the folder stays
            }
        }
    }

    /** Deletes a staging directory this mechanism created (everything in it was written by Graft). */
    private static void deleteStaging(Path staging) throws IOException {
        if (!Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(staging)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }

    private static void writeMarker(Path staging, DirectoryKind kind) throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FORMAT);
        m.put("kind", kind.name());
        ArrayNode files = m.putArray("files");
        listFiles(staging, staging).forEach(files::add);
        Files.writeString(staging.resolve(MARKER), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m), StandardCharsets.UTF_8);
    }

    private static JsonNode readMarker(Path marker) throws IOException {
        if (Files.size(marker) > MAX_MARKER_BYTES) {
            return null;
        }
        try {
            JsonNode m = JSON.readTree(Files.readString(marker, StandardCharsets.UTF_8));
            return m != null && m.isObject() && FORMAT.equals(m.path("format").asText()) ? m : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Every non-directory entry under {@code dir}, relative to {@code base} with {@code /}, links not followed. */
    private static Set<String> listFiles(Path dir, Path base) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> base.relativize(p).toString().replace('\\', '/'))
                    .filter(rel -> !rel.equals(MARKER))
                    .sorted()
                    .forEach(out::add);
        }
        return out;
    }

    private static boolean isSafeRelative(String rel) {
        if (rel.isEmpty() || rel.startsWith("/") || rel.contains("\\")) {
            return false;
        }
        for (String part : rel.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLiveOtherProcess(long pid) {
        return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    private static Path absolute(Path p) {
        return p.toAbsolutePath().normalize();
    }

    private static void rename(Path source, Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target);
        }
    }
}
