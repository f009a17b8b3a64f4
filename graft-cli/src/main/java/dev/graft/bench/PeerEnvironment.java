package dev.graft.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the PyTorch peer of {@code graft bench} runs with: its versions, build configuration
 * ({@code torch.__config__.show()}), default thread counts, the BLAS library actually loaded (and
 * OpenBLAS's own configuration, core type and threading) and the environment variables that steer
 * threads and kernels. The probe is a short Python script run with the same interpreter and
 * environment as the peer's fine-tune steps; {@link #summary(JsonNode)} keeps the essentials.
 */
final class PeerEnvironment {

    /** The prefix of the probe's result line. */
    static final String PREFIX = "GRAFT-TORCH-ENV ";
    private static final int TIMEOUT_SECONDS = 120;
    private static final Pattern BUILD_SETTING = Pattern.compile("\\b(BLAS_INFO|LAPACK_INFO|USE_MKLDNN|USE_OPENMP|USE_MKL|"
            + "TORCH_VERSION|BUILD_TYPE|PERF_WITH_AVX512)=([^,\\s]*)");
    private static final Pattern CAPABILITY = Pattern.compile("CPU capability usage: (\\S+)");
    private static final Pattern ONEDNN = Pattern.compile("(?:MKL-DNN|oneDNN) v(\\S+)");
    private static final Pattern MKL = Pattern.compile("Math Kernel Library Version (\\S+)");
    private static final Pattern OPENMP = Pattern.compile("OpenMP (\\d+)");
    private static final Pattern BACKEND = Pattern.compile("ATen parallel backend: (.+)");

    private PeerEnvironment() {
    }

    /**
     * Runs the probe with {@code python} in {@code workDir} under {@code env}; the raw result, or null with the reason in
     * the result's tail.
     */
    static ChildProcess.Result probe(String python, Map<String, String> env, Path workDir) throws IOException {
        Path script = workDir.resolve("torch_env.py");
        try (InputStream in = PeerEnvironment.class.getResourceAsStream("torch_env.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        return ChildProcess.run(List.of(python, script.toString()), env, PREFIX, TIMEOUT_SECONDS);
    }

    /** The essentials of a probe result, flat, for {@code bench-results.json}. */
    static Map<String, Object> summary(JsonNode raw) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("python", raw.path("python").asText(null));
        out.put("python_version", raw.path("python_version").asText(null));
        out.put("torch_version", raw.path("torch_version").asText(null));
        out.put("torch_file", raw.path("torch_file").asText(null));
        String config = raw.path("config").asText("");
        Matcher m = BUILD_SETTING.matcher(config);
        while (m.find()) {
            String key = m.group(1).equals("TORCH_VERSION") ? "torch_version_built" : m.group(1).toLowerCase(java.util.Locale.ROOT);
            out.put(key, m.group(2));
        }
        out.put("cpu_capability", first(CAPABILITY, config));
        out.put("onednn_version", first(ONEDNN, config));
        out.put("openmp", first(OPENMP, config));
        String parallel = raw.path("parallel_info").asText("");
        out.put("mkl_version", first(MKL, parallel + "\n" + config));
        out.put("parallel_backend", first(BACKEND, parallel));
        out.put("default_intra_op_threads", raw.path("default_intra_op_threads").asInt(-1));
        out.put("default_inter_op_threads", raw.path("default_inter_op_threads").asInt(-1));
        out.put("mkldnn_available", raw.path("mkldnn_available").asBoolean(false));
        out.put("mkldnn_enabled", raw.path("mkldnn_enabled").asBoolean(false));
        String provider = raw.path("sgemm_provider").asText(null);
        out.put("sgemm_provider", provider);
        out.put("blas_kind", blasKind(provider));
        out.put("blas_libraries", strings(raw.path("blas_libraries")));
        out.put("openmp_libraries", strings(raw.path("openmp_libraries")));
        JsonNode ob = raw.path("openblas");
        if (ob.isObject()) {
            Map<String, Object> o = new LinkedHashMap<>();
            ob.fields().forEachRemaining(e -> o.put(e.getKey(), e.getValue().isNumber() ? e.getValue().numberValue() : e.getValue().asText()));
            out.put("openblas", o);
        } else {
            out.put("openblas", null);
        }
        Map<String, String> env = new LinkedHashMap<>();
        raw.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        out.put("env", env);
        return out;
    }

    /**
     * Which BLAS a library path belongs to: {@code openblas}, {@code blis}, {@code mkl}, {@code atlas}, {@code reference}
     * (netlib's, Debian's {@code libblas3} under {@code .../blas/}), or {@code unknown}.
     */
    static String blasKind(String path) {
        if (path == null) {
            return "unknown";
        }
        String p = path.toLowerCase(java.util.Locale.ROOT);
        for (String kind : List.of("openblas", "blis", "mkl", "atlas")) {
            if (p.contains(kind)) {
                return kind;
            }
        }
        return p.contains("/blas/") || p.matches(".*/libblas\\.so[.0-9]*") ? "reference" : "unknown";
    }

    /**
     * A warning when the peer's float32 products run on the reference BLAS (an unoptimised loop, about 10x slower on
     * the fine-tune step; Debian installs it when libtorch's recommended OpenBLAS is left out), else null.
     */
    static String weakBlasWarning(Map<String, Object> summary) {
        if (!"reference".equals(summary.get("blas_kind"))) {
            return null;
        }
        return "the PyTorch peer's sgemm_ comes from the reference BLAS (" + summary.get("sgemm_provider") + "), about 10x"
                + " slower than OpenBLAS: not a fair peer. Install libopenblas0 (libtorch1.13 recommends it; --no-install-recommends"
                + " leaves it out) or point --python at an interpreter whose torch uses an optimised BLAS.";
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1).strip() : null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }
}
