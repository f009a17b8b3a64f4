package dev.graft.bench;

import dev.graft.model.CpuFeatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The machine and process facts a bench figure depends on, beyond its settings: the load average
 * (read at the start and the end of a run, since other work on the cores moves every timing), the
 * CPU's vector and matrix instruction flags, the environment variables that steer OpenMP, MKL,
 * OpenBLAS and oneDNN threads and kernels and glibc's heap, and the kernel's transparent-huge-page mode.
 */
final class RunEnvironment {

    /**
     * Prefixes of the environment variables recorded (OpenMP, MKL, OpenBLAS, BLIS, ATen and oneDNN settings, and glibc's
     * malloc settings and tunables, which {@code bin/graft} sets too).
     */
    static final List<String> ENV_PREFIXES = List.of("OMP_", "GOMP_", "KMP_", "MKL_", "OPENBLAS_", "GOTO", "BLIS_", "ATEN_",
            "DNNL_", "ONEDNN_", "MALLOC_", "GLIBC_TUNABLES");
    /** The CPU flags that decide which matrix kernels run. */
    static final Set<String> KERNEL_FLAGS = Set.of("avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512dq",
            "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8");
    private static final Path LOADAVG = Path.of("/proc/loadavg");
    private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    private RunEnvironment() {
    }

    /** The 1-, 5- and 15-minute load averages, or an empty list where {@code /proc/loadavg} cannot be read. */
    static List<Double> loadAverage() {
        try {
            return Files.isReadable(LOADAVG) ? parseLoadAverage(Files.readString(LOADAVG)) : List.of();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The first three numbers of a {@code /proc/loadavg} line. */
    static List<Double> parseLoadAverage(String text) {
        String[] parts = text.strip().split("\\s+");
        if (parts.length < 3) {
            throw new IllegalArgumentException("not a loadavg line: " + text);
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            out.add(Double.parseDouble(parts[i]));
        }
        return out;
    }

    /** Which of {@link #KERNEL_FLAGS} the CPU has, sorted. */
    static List<String> kernelFlags(CpuFeatures cpu) {
        return cpu.flags().stream().filter(KERNEL_FLAGS::contains).sorted().toList();
    }

    /** The entries of {@code env} whose names start with one of {@link #ENV_PREFIXES}, sorted by name. */
    static Map<String, String> threadEnv(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> {
            if (ENV_PREFIXES.stream().anyMatch(k::startsWith)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * The kernel's transparent-huge-page mode ({@code always}, {@code madvise} or {@code never}), on which glibc's
     * {@code glibc.malloc.hugetlb} tunable depends; "unknown" where it cannot be read.
     */
    static String transparentHugePages() {
        try {
            return Files.isReadable(THP) ? parseBracketed(Files.readString(THP)) : "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The bracketed choice in a sysfs setting such as {@code always [madvise] never}; "unknown" without one. */
    static String parseBracketed(String setting) {
        int open = setting.indexOf('[');
        int close = setting.indexOf(']', open + 1);
        return open < 0 || close < 0 ? "unknown" : setting.substring(open + 1, close);
    }

    /** Graft's own side: engine versions and the thread counts libtorch actually uses. */
    static Map<String, Object> graftSide(int ortThreads) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("libtorch_version", ai.djl.engine.Engine.getEngine("PyTorch").getVersion());
        out.put("libtorch_intra_op_threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
        out.put("libtorch_inter_op_threads", ai.djl.pytorch.jni.JniUtils.getNumInteropThreads());
        out.put("onnxruntime_version", dev.graft.model.OrtTempDirectory.environment().getVersion());
        out.put("ort_intra_op_threads", ortThreads);
        out.put("ort_inter_op_threads", 1);
        out.put("transparent_hugepages", transparentHugePages());
        out.put("env", threadEnv(System.getenv()));
        return out;
    }
}
