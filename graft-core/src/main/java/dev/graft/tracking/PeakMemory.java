package dev.graft.tracking;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak memory: peak resident set size ({@code VmHWM} in {@code /proc/self/status}) on Linux, which
 * includes native memory (libtorch, ONNX Runtime); elsewhere the JVM heap's peak use (the sum of the heap pools'
 * peaks), which misses native memory.
 *
 * @param bytes  the peak in bytes
 * @param source {@code "VmHWM"} or {@code "jvm-heap-peak"}
 */
public record PeakMemory(long bytes, String source) {

    /** Measures now. */
    public static PeakMemory measure() {
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            try {
                for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                    if (line.startsWith("VmHWM:")) {
                        String[] parts = line.substring(6).trim().split("\\s+");
                        long kb = Long.parseLong(parts[0]);
                        return new PeakMemory(kb * 1024, "VmHWM");
                    }
                }
            } catch (IOException | RuntimeException e) {
                // fall through to the JVM's figure
            }
        }
        long heap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                heap += pool.getPeakUsage().getUsed();
            }
        }
        return new PeakMemory(heap, "jvm-heap-peak");
    }

    /**
     * Starts a new peak measurement: resets the kernel's peak RSS of this process (writing 5 to
     * {@code /proc/self/clear_refs}, Linux ≥ 4.0) and the JVM heap pools' peaks, so that the next
     * {@link #measure()} reports the peak since now.
     *
     * @return whether the resident-set peak could be reset (false: a later measure still includes earlier peaks)
     */
    public static boolean reset() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            try {
                pool.resetPeakUsage();
            } catch (RuntimeException e) {
                // a pool that cannot reset keeps its peak
            }
        }
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The peak in MiB. */
    public double mebibytes() {
        return bytes / (1024.0 * 1024.0);
    }

    /** Puts {@code peak_rss_mb} and {@code peak_memory_source} into a {@code metrics.json} document. */
    public void putInto(java.util.Map<String, Object> metrics) {
        metrics.put("peak_rss_mb", Math.round(mebibytes()));
        metrics.put("peak_memory_source", source);
    }
}
