package dev.graft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PyTorch peer's environment probe, run against a fake python that prints a known configuration. */
class PeerEnvironmentTest {

    /** What Debian's PyTorch 1.13 prints for {@code torch.__config__.show()} (abridged), with JSON escapes. */
    private static final String CONFIG = "PyTorch built with:\\n  - GCC 12.2\\n  - Intel(R) MKL-DNN v2.6.3 (Git Hash N/A)\\n"
            + "  - OpenMP 201511 (a.k.a. OpenMP 4.5)\\n  - CPU capability usage: AVX2\\n  - Build settings: BLAS_INFO=generic, "
            + "BUILD_TYPE=RelWithDebInfo, LAPACK_INFO=generic, PERF_WITH_AVX512=1, TORCH_VERSION=1.13.0, USE_MKLDNN=ON, "
            + "USE_OPENMP=ON, \\n";
    private static final String PARALLEL = "ATen/Parallel:\\n\\tat::get_num_threads() : 1\\nMKL not found\\n"
            + "ATen parallel backend: OpenMP\\n";

    /** A shell script standing in for python: prints noise, then the probe line with the OMP_NUM_THREADS it was given. */
    private static Path fakePython(Path dir, String resultLine) throws Exception {
        Path exe = dir.resolve("python3");
        // An unquoted here-document expands $OMP_NUM_THREADS and leaves the JSON's backslash escapes alone.
        Files.writeString(exe, "#!/bin/sh\necho 'a warning on stdout'\ncat <<END\n" + resultLine + "\nEND\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
        return exe;
    }

    @Test
    void probeReadsTheEssentialsOfAKnownConfiguration(@TempDir Path dir) throws Exception {
        String line = PeerEnvironment.PREFIX + "{\"python\": \"/usr/bin/python3\", \"python_version\": \"3.11.2\", "
                + "\"torch_version\": \"1.13.0a0\", \"config\": \"" + CONFIG + "\", \"parallel_info\": \"" + PARALLEL + "\", "
                + "\"default_intra_op_threads\": 1, \"default_inter_op_threads\": 1, \"mkldnn_available\": true, "
                + "\"mkldnn_enabled\": true, \"blas_libraries\": [\"/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3\"], "
                + "\"sgemm_provider\": \"/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3\", "
                + "\"openmp_libraries\": [\"/usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0\"], \"openblas\": {\"config\": "
                + "\"OpenBLAS 0.3.21 DYNAMIC_ARCH Haswell MAX_THREADS=64\", \"core\": \"Haswell\", \"threads\": 2, "
                + "\"parallel\": \"pthreads\"}, \"env\": {\"OMP_NUM_THREADS\": \"$OMP_NUM_THREADS\", \"OPENBLAS_CORETYPE\": \"Haswell\"}}";
        ChildProcess.Result r = PeerEnvironment.probe(fakePython(dir, line).toString(), Map.of("OMP_NUM_THREADS", "3"), dir);
        assertNotNull(r.json(), r.tail());
        assertTrue(Files.isRegularFile(dir.resolve("torch_env.py")), "the probe script is written next to the job");
        Map<String, Object> s = PeerEnvironment.summary(r.json());
        assertEquals("1.13.0a0", s.get("torch_version"));
        assertEquals("generic", s.get("blas_info"));
        assertEquals("generic", s.get("lapack_info"));
        assertEquals("ON", s.get("use_mkldnn"));
        assertEquals("ON", s.get("use_openmp"));
        assertEquals("1.13.0", s.get("torch_version_built"), "TORCH_VERSION is kept apart from the runtime version");
        assertEquals("AVX2", s.get("cpu_capability"));
        assertEquals("2.6.3", s.get("onednn_version"));
        assertEquals("201511", s.get("openmp"));
        assertNull(s.get("mkl_version"), "MKL not found");
        assertEquals("OpenMP", s.get("parallel_backend"));
        assertEquals(1, s.get("default_intra_op_threads"));
        assertEquals(List.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"), s.get("blas_libraries"));
        assertEquals("openblas", s.get("blas_kind"));
        assertNull(PeerEnvironment.weakBlasWarning(s));
        @SuppressWarnings("unchecked")
        Map<String, Object> openblas = (Map<String, Object>) s.get("openblas");
        assertEquals("Haswell", openblas.get("core"));
        assertEquals("pthreads", openblas.get("parallel"));
        assertEquals(2, ((Number) openblas.get("threads")).intValue());
        assertEquals(Map.of("OMP_NUM_THREADS", "3", "OPENBLAS_CORETYPE", "Haswell"), s.get("env"),
                "the probe runs under the environment it is given");
    }

    @Test
    void theReferenceBlasIsRecognisedAndWarnedAbout() {
        assertEquals("reference", PeerEnvironment.blasKind("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"));
        assertEquals("openblas", PeerEnvironment.blasKind("/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3"));
        assertEquals("blis", PeerEnvironment.blasKind("/usr/lib/x86_64-linux-gnu/blis-pthread/libblas.so.3"));
        assertEquals("mkl", PeerEnvironment.blasKind("/opt/venv/lib/libmkl_rt.so.2"));
        assertEquals("unknown", PeerEnvironment.blasKind(null));
        String w = PeerEnvironment.weakBlasWarning(Map.of("blas_kind", "reference", "sgemm_provider", "/x/blas/libblas.so.3"));
        assertTrue(w.contains("/x/blas/libblas.so.3") && w.contains("libopenblas0"), w);
    }

    @Test
    void aPythonWithoutTheResultLineGivesTheReason(@TempDir Path dir) throws Exception {
        Path exe = dir.resolve("python3");
        Files.writeString(exe, "#!/bin/sh\necho 'ModuleNotFoundError: No module named torch'\nexit 1\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
        ChildProcess.Result r = PeerEnvironment.probe(exe.toString(), Map.of(), dir);
        assertNull(r.json());
        assertTrue(r.tail().startsWith("exit 1") && r.tail().contains("No module named torch"), r.tail());
        ChildProcess.Result missing = PeerEnvironment.probe(dir.resolve("no-such-python").toString(), Map.of(), dir);
        assertNull(missing.json());
        assertTrue(missing.tail().contains("cannot start"), missing.tail());
    }
}
