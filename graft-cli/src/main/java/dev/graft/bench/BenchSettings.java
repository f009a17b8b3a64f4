package dev.graft.bench;

import java.nio.file.Path;

/**
 * What one {@code graft bench} run measures and how often.
 *
 * @param quick       small data, 1 warm-up, 3 repetitions
 * @param threads     CPU threads for every engine (libtorch intra-op, ONNX Runtime intra-op, PyTorch)
 * @param warmup      warm-up repetitions, not recorded
 * @param reps        recorded repetitions
 * @param examplesDir the sample data set ({@code examples/support-tickets})
 * @param sharedDir   {@code ../shared} when present (more real texts), else null
 * @param workDir     scratch directory (embedding caches, exported weights)
 * @param python      a python3 that imports torch, or null
 * @param rss         measure peak RSS in child JVMs
 * @param feTexts     support tickets in the feature-extraction corpus; half as many SMS and a quarter as many book
 *                    reviews are added when the shared data is present
 * @param ftSteps     fine-tune steps per repetition (batch 16)
 * @param sections    which sections to run, a subset of {@link #SECTIONS}
 */
public record BenchSettings(boolean quick, int threads, int warmup, int reps, Path examplesDir, Path sharedDir, Path workDir,
                            String python, boolean rss, int feTexts, int ftSteps, java.util.Set<String> sections) {

    /** Every section, in the order they run. */
    public static final java.util.List<String> SECTIONS = java.util.List.of("sgemm", "fe", "ft", "bf16", "profile", "fe10", "rss", "vision");

    /** The sections a run without {@code --sections} measures: all but {@code profile} (minutes more; ask for it). */
    public static final java.util.List<String> DEFAULT_SECTIONS = SECTIONS.stream().filter(x -> !x.equals("profile")).toList();

    /** Validates the section names. */
    public BenchSettings {
        for (String section : sections) {
            if (!SECTIONS.contains(section)) {
                throw new IllegalArgumentException("Unknown bench section '" + section + "'; choose from " + String.join(",", SECTIONS));
            }
        }
        sections = java.util.Set.copyOf(sections);
    }

    /** Whether {@code section} runs. */
    public boolean runs(String section) {
        return sections.contains(section);
    }

    /** Fine-tune batch size (fixed by the issue). */
    public static final int FT_BATCH = 16;
    /** Fixed padding length compared with dynamic padding. */
    public static final int FIXED_LENGTH = 128;
}
