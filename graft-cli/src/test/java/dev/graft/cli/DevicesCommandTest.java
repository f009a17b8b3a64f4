package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import dev.graft.model.ComputeDevices;
import dev.graft.model.CpuFeatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft devices}, and the run-time choice of libtorch build it reports ({@code GRAFT_LIBTORCH} in bin/graft). */
class DevicesCommandTest {

    @TempDir
    Path tmp;

    @Test
    void reportsTheLoadedLibtorchTheGpusAndWhatAutoPicks() {
        CliHarness.Result r = CliHarness.run("devices");
        assertEquals(0, r.code(), r.toString());
        ComputeDevices here = ComputeDevices.current();
        assertTrue(Files.isRegularFile(Path.of(here.libtorchFolder()).resolve("libtorch.so")), here.libtorchFolder());
        assertTrue(r.out().contains("libtorch 2.7.1 (") && r.out().contains(here.libtorchFolder()), r.out());
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        assertEquals(gpus, here.gpus().size());
        assertTrue(r.out().contains(gpus == 0 ? "GPUs: none\n" : "gpu(0): compute capability"), r.out());
        assertTrue(r.out().contains(gpus == 0 ? "device auto: cpu\n" : "device auto: gpu(0)"), r.out());
        assertTrue(r.out().contains("CPU bfloat16: " + CpuFeatures.current().bf16Flags()), r.out());
        assertTrue(here.ortProviders().contains("CPU"), here.ortProviders().toString());
    }

    /**
     * What bin/graft does with GRAFT_LIBTORCH: another folder holding libtorch 2.7.1 (here links to the loaded CPU
     * build's files) given to DJL as PYTORCH_LIBRARY_PATH, with its flavour. A fresh JVM loads libtorch from there.
     */
    @Test
    void anotherLibtorchFolderIsLoadedAtRunTime() throws IOException, InterruptedException {
        Path loaded = Path.of(ComputeDevices.current().libtorchFolder());
        Path other = Files.createDirectories(tmp.resolve("libtorch").resolve("lib"));
        try (Stream<Path> files = Files.list(loaded)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("lib")
                    && !f.getFileName().toString().contains("djl_torch")).toList()) {
                Files.createSymbolicLink(other.resolve(f.getFileName()), f);
            }
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.graft.cli.GraftCli", "devices");
        pb.environment().put("PYTORCH_LIBRARY_PATH", other.toString());
        pb.environment().put("PYTORCH_FLAVOR", "cpu");
        pb.environment().put("PYTORCH_VERSION", "2.7.1");
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("DJL_CACHE_DIR", tmp.resolve("djl").toString()); // the JNI library of the flavour lands here
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("libtorch 2.7.1 (CPU build), from " + other), out);
    }
}
