package dev.graft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.model.CpuFeatures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The machine facts recorded next to the bench figures. */
class RunEnvironmentTest {

    @Test
    void loadAverageIsTheFirstThreeNumbers() {
        assertEquals(List.of(1.92, 1.33, 1.49), RunEnvironment.parseLoadAverage("1.92 1.33 1.49 3/412 12345\n"));
        assertThrows(IllegalArgumentException.class, () -> RunEnvironment.parseLoadAverage("1.0"));
        List<Double> now = RunEnvironment.loadAverage();
        assertTrue(now.isEmpty() || now.size() == 3);
    }

    @Test
    void kernelFlagsKeepTheMatrixAndVectorExtensionsOnly() {
        CpuFeatures cpu = CpuFeatures.parse("processor\t: 0\nflags\t\t: fpu sse2 avx2 fma avx512f avx512_bf16 amx_tile aes\n");
        assertEquals(List.of("amx_tile", "avx2", "avx512_bf16", "avx512f", "fma"), RunEnvironment.kernelFlags(cpu));
    }

    @Test
    void threadEnvironmentKeepsThreadAndKernelVariables() {
        Map<String, String> env = Map.of("OMP_NUM_THREADS", "2", "OMP_WAIT_POLICY", "PASSIVE", "OPENBLAS_CORETYPE", "Haswell",
                "MKL_CBWR", "AUTO", "HOME", "/root", "PATH", "/usr/bin", "GOMP_SPINCOUNT", "0", "GLIBC_TUNABLES",
                "glibc.malloc.hugetlb=1", "MALLOC_ARENA_MAX", "1");
        assertEquals(List.of("GLIBC_TUNABLES", "GOMP_SPINCOUNT", "MALLOC_ARENA_MAX", "MKL_CBWR", "OMP_NUM_THREADS",
                        "OMP_WAIT_POLICY", "OPENBLAS_CORETYPE"),
                List.copyOf(RunEnvironment.threadEnv(env).keySet()));
    }

    @Test
    void transparentHugePageModeIsTheBracketedChoice() {
        assertEquals("madvise", RunEnvironment.parseBracketed("always [madvise] never\n"));
        assertEquals("always", RunEnvironment.parseBracketed("[always] madvise never"));
        assertEquals("unknown", RunEnvironment.parseBracketed("always madvise never"));
    }
}
