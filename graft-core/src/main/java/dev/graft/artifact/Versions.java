package dev.graft.artifact;

import dev.graft.model.CpuFeatures;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Versions of Graft and the libraries that produced a model, for provenance. */
public final class Versions {

    private Versions() {
    }

    /** Graft's own version, from the build. */
    public static String graft() {
        try (InputStream in = Versions.class.getResourceAsStream("/dev/graft/graft.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Graft, DJL, the DJL engine (libtorch), ONNX Runtime, Java and OS versions, and the CPU's bfloat16 flags
     * ({@code cpu_bf16}: what {@code precision auto} chose from).
     */
    public static Map<String, String> all() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("graft", graft());
        v.put("djl", safe(ai.djl.engine.Engine::getDjlVersion));
        v.put("libtorch", safe(() -> ai.djl.engine.Engine.getInstance().getVersion()));
        v.put("onnxruntime", safe(() -> dev.graft.model.OrtTempDirectory.environment().getVersion()));
        v.put("java", System.getProperty("java.version"));
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        v.put("cpu_bf16", CpuFeatures.current().bf16Flags());
        return v;
    }

    private static String safe(java.util.function.Supplier<String> s) {
        try {
            return s.get();
        } catch (RuntimeException | LinkageError e) {
            return "unavailable";
        }
    }
}
