package dev.graft.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guarded directory writer: what it refuses, what it keeps, and how it recovers from a kill. */
class OwnedDirectoryTest {

    private static final DirectoryKind THING = new DirectoryKind("thing", "Graft thing", "thing.json",
            Set.of("thing.json", "weights.bin", "plots"), "");
    private static final DirectoryKind OTHER = new DirectoryKind("other", "Graft other", "other.json", Set.of("other.json"), "");

    @TempDir
    Path dir;

    private final List<String> notices = new ArrayList<>();

    @BeforeEach
    void captureNotices() {
        OwnedDirectory.setNotices(notices::add);
    }

    @AfterEach
    void restoreNotices() {
        OwnedDirectory.setNotices(null);
    }

    private static void writeThing(Path target, String version) throws IOException {
        OwnedDirectory.write(target, THING, staging -> {
            Files.writeString(staging.resolve("thing.json"), version);
            Files.writeString(staging.resolve("weights.bin"), "w" + version);
            Files.createDirectories(staging.resolve("plots"));
            Files.writeString(staging.resolve("plots/loss.png"), "png" + version);
        });
    }

    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.map(p -> root.relativize(p).toString()).filter(s -> !s.isEmpty()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void writesACompleteDirectoryWithAMarkerListingEveryFile() throws IOException {
        Path target = dir.resolve("out");
        assertFalse(OwnedDirectory.write(target, THING, s -> Files.writeString(s.resolve("thing.json"), "1")));
        assertEquals(List.of(OwnedDirectory.MARKER, "thing.json"), tree(target));
        assertTrue(Files.readString(target.resolve(OwnedDirectory.MARKER)).contains("\"thing.json\""));
        assertTrue(OwnedDirectory.isOwned(target, THING));
        assertFalse(OwnedDirectory.isOwned(target, OTHER));
        assertEquals(List.of("out"), tree(dir).stream().filter(s -> !s.contains("/")).toList(), "no staging or previous version is left beside it");
    }

    @Test
    void aFolderWithTheUsersFilesIsRefusedAndLeftUntouched() throws IOException {
        Path target = Files.createDirectory(dir.resolve("mine"));
        Files.writeString(target.resolve("notes.txt"), "keep me");
        var e = assertThrows(IllegalArgumentException.class, () -> writeThing(target, "1"));
        assertTrue(e.getMessage().contains(target.toString()) && e.getMessage().contains("notes.txt")
                && e.getMessage().contains("not a Graft thing"), e.getMessage());
        assertEquals(List.of("notes.txt"), tree(target));
        assertEquals("keep me", Files.readString(target.resolve("notes.txt")));
        assertEquals(List.of("mine", "mine/notes.txt"), tree(dir));
    }

    @Test
    void anEmptyFolderIsFilledNotReplaced() throws IOException {
        Path target = Files.createDirectory(dir.resolve("empty"));
        assertFalse(OwnedDirectory.write(target, THING, s -> Files.writeString(s.resolve("thing.json"), "1")));
        assertEquals("1", Files.readString(target.resolve("thing.json")));
        assertTrue(OwnedDirectory.write(target, THING, s -> Files.writeString(s.resolve("thing.json"), "2")));
    }

    @Test
    void aFileAtTheTargetIsRefused() throws IOException {
        Path target = Files.writeString(dir.resolve("x"), "data");
        var e = assertThrows(IllegalArgumentException.class, () -> OwnedDirectory.checkWritable(target, THING));
        assertTrue(e.getMessage().contains("is a file"), e.getMessage());
        assertEquals("data", Files.readString(target));
    }

    @Test
    void aSymbolicLinkAtTheTargetIsRefused() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        var e = assertThrows(IllegalArgumentException.class, () -> writeThing(link, "1"));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(List.of(), tree(real));
    }

    @Test
    void theWorkingDirectoryAndItsParentsAreRefused() {
        Path cwd = Path.of("").toAbsolutePath();
        var e = assertThrows(IllegalArgumentException.class, () -> OwnedDirectory.checkWritable(Path.of("."), THING));
        assertTrue(e.getMessage().contains("the working directory"), e.getMessage());
        var p = assertThrows(IllegalArgumentException.class, () -> OwnedDirectory.checkWritable(cwd.getParent(), THING));
        assertTrue(p.getMessage().contains("holds the working directory"), p.getMessage());
    }

    @Test
    void aDirectoryOfAnotherKindIsRefused() throws IOException {
        Path target = dir.resolve("o");
        OwnedDirectory.write(target, OTHER, s -> Files.writeString(s.resolve("other.json"), "{}"));
        var e = assertThrows(IllegalArgumentException.class, () -> writeThing(target, "1"));
        assertTrue(e.getMessage().contains("holds a Graft other, not a Graft thing"), e.getMessage());
        assertTrue(OwnedDirectory.isOwned(target, OTHER));
    }

    @Test
    void replacingKeepsTheFilesTheUserAddedAnywhereInside() throws IOException {
        Path target = dir.resolve("m");
        writeThing(target, "1");
        Files.writeString(target.resolve("NOTES.txt"), "my notes");
        Files.writeString(target.resolve("plots/annotated.png"), "my plot");
        Files.writeString(target.resolve("weights.bin.bak"), "my backup");
        assertTrue(OwnedDirectory.write(target, THING, s -> {
            Files.writeString(s.resolve("thing.json"), "2");
            Files.writeString(s.resolve("NOTES.txt"), "graft now writes a file of this name");
        }));
        assertEquals("2", Files.readString(target.resolve("thing.json")));
        assertFalse(Files.exists(target.resolve("weights.bin")), "Graft's own file of the old version is gone");
        assertEquals("my notes", Files.readString(target.resolve("NOTES.txt.user")));
        assertEquals("graft now writes a file of this name", Files.readString(target.resolve("NOTES.txt")));
        assertEquals("my plot", Files.readString(target.resolve("plots/annotated.png")));
        assertEquals("my backup", Files.readString(target.resolve("weights.bin.bak")));
        assertFalse(Files.exists(target.resolve("plots/loss.png")));
        assertEquals(List.of("m"), tree(dir).stream().filter(s -> !s.contains("/")).toList());
        assertTrue(notices.stream().anyMatch(n -> n.contains("kept your 3 files")), notices::toString);
    }

    @Test
    void aDirectoryWrittenBeforeMarkersKeepsItsUsersFilesWhenReplaced() throws IOException {
        Path target = Files.createDirectory(dir.resolve("legacy"));
        Files.writeString(target.resolve("thing.json"), "old");
        Files.writeString(target.resolve("weights.bin"), "old");
        Files.writeString(target.resolve("train.csv"), "text,label");
        writeThing(target, "2");
        assertEquals("2", Files.readString(target.resolve("thing.json")));
        assertEquals("text,label", Files.readString(target.resolve("train.csv")));
    }

    @Test
    void aUsersFileThatOnlyHasTheSignaturesNameDoesNotMakeTheFolderGrafts() throws IOException {
        DirectoryKind model = new DirectoryKind("model", "Graft model", "graft-model.json", Set.of("graft-model.json"),
                "\"graft-model\"");
        Path target = Files.createDirectory(dir.resolve("user"));
        Files.writeString(target.resolve("graft-model.json"), "{}");
        Files.writeString(target.resolve("notes.txt"), "mine");
        var e = assertThrows(IllegalArgumentException.class, () -> OwnedDirectory.write(target, model,
                s -> Files.writeString(s.resolve("graft-model.json"), "{\"format\": \"graft-model\"}")));
        assertTrue(e.getMessage().contains("not a Graft model"), e.getMessage());
        assertEquals("{}", Files.readString(target.resolve("graft-model.json")));
        Files.writeString(target.resolve("graft-model.json"), "{\"format\" : \"graft-model\"}");
        assertTrue(OwnedDirectory.isOwned(target, model), "a manifest an older Graft wrote is recognised");
    }

    @Test
    void aFailedWriteLeavesThePreviousVersionAndNoLeftovers() throws IOException {
        Path target = dir.resolve("m");
        writeThing(target, "1");
        List<String> before = tree(dir);
        assertThrows(IllegalStateException.class, () -> OwnedDirectory.write(target, THING, s -> {
            Files.writeString(s.resolve("thing.json"), "half");
            throw new IllegalStateException("disk full");
        }));
        assertEquals(before, tree(dir));
        assertEquals("1", Files.readString(target.resolve("thing.json")));
    }

    @Test
    void deleteRemovesOnlyWhatGraftWrote() throws IOException {
        Path target = dir.resolve("ckpt");
        writeThing(target, "1");
        Files.writeString(target.resolve("plots/mine.txt"), "mine");
        assertFalse(OwnedDirectory.delete(target, THING));
        assertEquals(List.of("plots", "plots/mine.txt"), tree(target));
        Files.delete(target.resolve("plots/mine.txt"));
        writeThing(dir.resolve("clean"), "1");
        assertTrue(OwnedDirectory.delete(dir.resolve("clean"), THING));
        assertFalse(Files.exists(dir.resolve("clean")));
        Path user = Files.createDirectory(dir.resolve("user"));
        Files.writeString(user.resolve("a.txt"), "a");
        assertThrows(IllegalArgumentException.class, () -> OwnedDirectory.delete(user, THING));
        assertEquals(List.of("a.txt"), tree(user));
    }

    /** A pid that belonged to a process that has exited. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    /** The state a kill between "move the old version aside" and "move the new one in" leaves. */
    private Path killedBetweenTheRenames(Path target) throws Exception {
        writeThing(target, "1");
        Files.writeString(target.resolve("NOTES.txt"), "my notes");
        Path staging = dir.resolve("staging-src");
        writeThing(staging, "2");
        long pid = deadPid();
        Files.move(target, dir.resolve(".m.old-" + pid + "-0123abcd"));
        Files.move(staging, dir.resolve(".m.partial-" + pid + "-0123abcd"));
        return target;
    }

    @Test
    void aKillBetweenTheTwoRenamesIsCompletedOnTheNextWrite() throws Exception {
        Path target = killedBetweenTheRenames(dir.resolve("m"));
        assertFalse(Files.exists(target));
        OwnedDirectory.checkWritable(target, THING);
        assertEquals("2", Files.readString(target.resolve("thing.json")), "the finished new version is put in place");
        assertEquals("my notes", Files.readString(target.resolve("NOTES.txt")), "the user's file moved over");
        assertEquals(List.of("m"), tree(dir).stream().filter(s -> !s.contains("/")).toList(), "no hidden leftovers remain");
        assertTrue(notices.stream().anyMatch(n -> n.contains("completed the interrupted replacement")), notices::toString);
    }

    @Test
    void aKillWhileStagingRestoresNothingAndRemovesTheUnfinishedCopy() throws Exception {
        Path target = dir.resolve("m");
        writeThing(target, "1");
        Path partial = Files.createDirectory(dir.resolve(".m.partial-" + deadPid() + "-89abcdef"));
        Files.writeString(partial.resolve("thing.json"), "half");
        writeThing(target, "3");
        assertEquals("3", Files.readString(target.resolve("thing.json")));
        assertEquals(List.of("m"), tree(dir).stream().filter(s -> !s.contains("/")).toList());
    }

    @Test
    void aMissingTargetIsRestoredFromItsPreviousVersion() throws Exception {
        Path target = dir.resolve("m");
        writeThing(target, "1");
        Files.move(target, dir.resolve(".m.old-" + deadPid() + "-00112233"));
        OwnedDirectory.recover(target);
        assertEquals("1", Files.readString(target.resolve("thing.json")));
        assertTrue(notices.stream().anyMatch(n -> n.contains("restored")), notices::toString);
    }

    @Test
    void leftoversOfARunningProcessAreNotTouched() throws Exception {
        Path target = dir.resolve("m");
        Path partial = Files.createDirectory(dir.resolve(".m.partial-" + ProcessHandle.current().parent().orElseThrow().pid()
                + "-0badcafe"));
        OwnedDirectory.recover(target);
        assertTrue(Files.isDirectory(partial));
    }
}
