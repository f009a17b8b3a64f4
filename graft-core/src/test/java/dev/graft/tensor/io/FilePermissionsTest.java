package dev.graft.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files and folders Graft writes get the process's default permissions (the umask's), like any file the user creates,
 * so that another account can read a saved model; {@link Files#createTempFile} would make them owner-only.
 * The expected modes are those of a file and a folder this test creates plainly in the same place.
 */
class FilePermissionsTest {

    private static final DirectoryKind MODEL = new DirectoryKind("model", "Graft model", "graft-model.json",
            Set.of("graft-model.json", "backbone"), "{");

    @TempDir
    Path dir;

    private Set<PosixFilePermission> fileMode;
    private Set<PosixFilePermission> folderMode;

    @BeforeEach
    void referenceModes() throws IOException {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null,
                "the file system has no POSIX permissions");
        Path refFile = Files.createFile(dir.resolve("reference-file"));
        Path refFolder = Files.createDirectory(dir.resolve("reference-folder"));
        fileMode = Files.getPosixFilePermissions(refFile);
        folderMode = Files.getPosixFilePermissions(refFolder);
        Files.delete(refFile);
        Files.delete(refFolder);
        // Under an owner-only umask (077) the default and the owner-only mode coincide: nothing to tell apart.
        assumeTrue(fileMode.contains(PosixFilePermission.GROUP_READ) || fileMode.contains(PosixFilePermission.OTHERS_READ),
                "the umask makes new files owner-only (" + PosixFilePermissions.toString(fileMode) + ")");
    }

    @Test
    void atomicWritesGetTheDefaultFileMode() throws IOException {
        Path replaced = dir.resolve("metrics.json");
        AtomicFiles.writeString(replaced, "{\"v\":1}");
        assertEquals(PosixFilePermissions.toString(fileMode), mode(replaced));
        AtomicFiles.writeString(replaced, "{\"v\":2}");
        assertEquals(PosixFilePermissions.toString(fileMode), mode(replaced));
        assertEquals("{\"v\":2}", Files.readString(replaced));

        Path created = dir.resolve("head.safetensors");
        AtomicFiles.writeAtomically(created, OnExisting.FAIL, out -> out.write(new byte[] {1, 2, 3}));
        assertEquals(PosixFilePermissions.toString(fileMode), mode(created));
    }

    @Test
    void failModeStillRefusesAnExistingFile() throws IOException {
        Path mine = dir.resolve("notes.txt");
        Files.writeString(mine, "the user's");
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rw-------"));
        assertThrows(FileAlreadyExistsException.class, () -> AtomicFiles.writeString(mine, "graft's", OnExisting.FAIL));
        assertEquals("the user's", Files.readString(mine));
        assertEquals("rw-------", mode(mine));
        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(1, entries.count(), "no temporary file is left beside it");
        }
    }

    @Test
    void ownedDirectoriesGetTheDefaultModesThroughout() throws IOException {
        Path model = dir.resolve("model");
        for (int round = 0; round < 2; round++) { // a new folder, then the replacement of Graft's own folder
            OwnedDirectory.write(model, MODEL, staging -> {
                AtomicFiles.writeString(staging.resolve("graft-model.json"), "{}");
                Path sub = Files.createDirectories(staging.resolve("backbone"));
                AtomicFiles.writeAtomically(sub.resolve("weights.bin"), OnExisting.FAIL, out -> out.write(new byte[64]));
            });
            Map<String, String> expected = new TreeMap<>(Map.of(
                    ".", PosixFilePermissions.toString(folderMode),
                    "backbone", PosixFilePermissions.toString(folderMode),
                    "backbone/weights.bin", PosixFilePermissions.toString(fileMode),
                    "graft-model.json", PosixFilePermissions.toString(fileMode),
                    OwnedDirectory.MARKER, PosixFilePermissions.toString(fileMode)));
            assertEquals(expected, modesUnder(model), "round " + round);
        }
    }

    private static Map<String, String> modesUnder(Path root) throws IOException {
        Map<String, String> modes = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                modes.put(rel.isEmpty() ? "." : rel, mode(p));
            }
        }
        return modes;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }
}
