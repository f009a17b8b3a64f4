package dev.graft.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The instruction-set flags of this machine's CPU, as Linux reports them in {@code /proc/cpuinfo}.
 * Elsewhere (macOS, Windows) no flags are known, and {@link #nativeBf16()} is false: choosing
 * bfloat16 there takes an explicit request.
 *
 * @param flags the lower-case flag names (e.g. {@code avx512_bf16}); empty when unknown
 */
public record CpuFeatures(Set<String> flags) {

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    /** Copies the flags. */
    public CpuFeatures {
        flags = Set.copyOf(flags);
    }

    /** This machine's flags (none when {@code /proc/cpuinfo} cannot be read). */
    public static CpuFeatures current() {
        try {
            return Files.isReadable(CPUINFO) ? parse(Files.readString(CPUINFO)) : new CpuFeatures(Set.of());
        } catch (IOException | RuntimeException e) {
            return new CpuFeatures(Set.of());
        }
    }

    /** The flags of the first {@code flags} line of {@code cpuinfo} (none when it has no such line). */
    public static CpuFeatures parse(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (key.equals("flags")) {
                Set<String> f = new TreeSet<>(Arrays.asList(line.substring(colon + 1).trim().toLowerCase(Locale.ROOT).split("\\s+")));
                f.remove("");
                return new CpuFeatures(f);
            }
        }
        return new CpuFeatures(Set.of());
    }

    /**
     * Whether the CPU multiplies bfloat16 matrices in hardware: x86 {@code avx512_bf16} or
     * {@code amx_bf16}, which oneDNN (under libtorch) uses. ARM's {@code bf16} is not counted: it
     * has not been measured to pay.
     */
    public boolean nativeBf16() {
        return flags.contains("avx512_bf16") || flags.contains("amx_bf16");
    }

    /** Whether the CPU lists {@code amx_bf16}: Intel's matrix tiles, on which oneDNN's bfloat16 products run fastest. */
    public boolean amxBf16() {
        return flags.contains("amx_bf16");
    }

    /** The bfloat16 flags the CPU lists ({@code amx_bf16}, {@code avx512_bf16}), comma-separated; {@code none} without any. */
    public String bf16Flags() {
        String f = String.join(",", flags.stream().filter(x -> x.equals("amx_bf16") || x.equals("avx512_bf16")).sorted().toList());
        return f.isEmpty() ? "none" : f;
    }
}
