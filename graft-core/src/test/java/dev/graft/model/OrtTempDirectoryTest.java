package dev.graft.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The folder ONNX Runtime extracts its libraries into is gone after a process that used it exits. */
class OrtTempDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void theFolderIsTheOneAMappedOnnxRuntimeLibraryComesFromDirectlyInTheTempFolder() {
        Path tmpDir = Path.of("/tmp");
        List<String> maps = List.of(
                "7f1c2a000000-7f1c2a021000 rw-p 00000000 00:00 0 [heap]",
                "7f1c2b000000-7f1c2b400000 r-xp 00000000 08:01 1234 /usr/lib/x86_64-linux-gnu/libc.so.6",
                "7f1c2c000000-7f1c2c400000 r-xp 00000000 08:01 99 /opt/ort/onnxruntime-java1/libonnxruntime.so",
                "7f1c2d000000-7f1c2d400000 r-xp 00000000 08:01 77 /tmp/other-dir/libonnxruntime.so",
                "7f1c2e000000-7f1c2e400000 r-xp 00000000 08:01 5678 /tmp/onnxruntime-java123456/libonnxruntime.so (deleted)");
        assertEquals(Optional.of(Path.of("/tmp/onnxruntime-java123456")), OrtTempDirectory.find(maps, tmpDir));
        assertEquals(Optional.empty(), OrtTempDirectory.find(maps.subList(0, 4), tmpDir),
                "a folder outside the temp folder, or named otherwise, is not ONNX Runtime's extraction folder");
    }

    @Test
    void removingDeletesOnlyTheLibrariesAndTheFolderWhenNothingElseIsInIt() throws IOException {
        Path extracted = Files.createDirectory(tmp.resolve(OrtTempDirectory.PREFIX + "42"));
        Files.writeString(extracted.resolve("libonnxruntime.so"), "x");
        Files.writeString(extracted.resolve("libonnxruntime4j_jni.so"), "x");
        OrtTempDirectory.remove(extracted);
        assertFalse(Files.exists(extracted));

        Path shared = Files.createDirectory(tmp.resolve(OrtTempDirectory.PREFIX + "43"));
        Files.writeString(shared.resolve("libonnxruntime.so"), "x");
        Files.writeString(shared.resolve("notes.txt"), "not ONNX Runtime's");
        OrtTempDirectory.remove(shared);
        assertFalse(Files.exists(shared.resolve("libonnxruntime.so")));
        assertTrue(Files.exists(shared.resolve("notes.txt")), "a file ONNX Runtime did not extract stays, and its folder");
    }

    @Test
    void aProcessThatRanOnnxRuntimeLeavesNoFolderBehind() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs /proc (Linux)");
        Path plain = Files.createDirectory(tmp.resolve("plain"));
        Path cleaned = Files.createDirectory(tmp.resolve("cleaned"));
        runChild(plain, "plain");
        runChild(cleaned, "environment");
        assertEquals(1, extractionFolders(plain),
                "ONNX Runtime alone leaves its folder behind; if it no longer does, OrtTempDirectory can go");
        assertEquals(0, extractionFolders(cleaned), "through OrtTempDirectory.environment() the folder is removed at exit");
    }

    private static long extractionFolders(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(OrtTempDirectory.PREFIX)).count();
        }
    }

    private static void runChild(Path tmpDir, String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Djava.io.tmpdir=" + tmpDir, "-cp", System.getProperty("java.class.path"),
                OrtTempDirectoryChild.class.getName(), mode).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child process finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("onnxruntime "), out);
    }
}
