package dev.graft.cli;

import dev.graft.bench.BenchReport;
import dev.graft.bench.BenchSettings;
import dev.graft.bench.Benchmarks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft bench}: Graft's pipelines side by side with raw engines and PyTorch, on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure Graft against the machine's limit and its peers, side by side in one run: SGEMM GFLOP/s,",
                "frozen MiniLM feature extraction (Graft vs raw ONNX Runtime vs DJL/libtorch), a fine-tune step (Graft vs",
                "a minimal libtorch loop vs PyTorch), bucketing vs fixed padding, the bf16 fine-tune step vs fp32 (and the",
                "bf16 matmul next to SGEMM), 10-epoch feature extraction vs one",
                "backbone pass, and peak RSS of head-only / top-2 / full fine-tuning. Prints a table and writes JSON."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "1 warm-up, 3 repetitions, small data (about 3 minutes).")
    boolean quick;

    @Option(names = "--out", paramLabel = "FILE", description = "JSON results file (default: ${DEFAULT-VALUE}).",
            defaultValue = "bench-results.json")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for every engine (default: all cores).")
    Integer threads;

    @Option(names = "--reps", paramLabel = "N", description = "Recorded repetitions (default: 3 with --quick, else 5).")
    Integer reps;

    @Option(names = "--warmup", paramLabel = "N", description = "Warm-up repetitions (default: 1 with --quick, else 2).")
    Integer warmup;

    @Option(names = "--examples", paramLabel = "DIR", description = "Sample data set (default: examples/support-tickets of this checkout).")
    Path examples;

    @Option(names = "--shared", paramLabel = "DIR", description = "Shared data with more real texts (default: ../shared when present).")
    Path shared;

    @Option(names = "--python", paramLabel = "EXE", description = "A python3 with torch (default: the first of /usr/bin/python3, python3 that imports torch);"
            + " scripts/pytorch-peer.sh DIR unpacks Debian's PyTorch without root and writes DIR/python3.")
    String python;

    @Option(names = "--no-python", description = "Skip the PyTorch comparison.")
    boolean noPython;

    @Option(names = "--no-rss", description = "Skip the peak-memory child JVMs.")
    boolean noRss;

    @Option(names = "--sections", paramLabel = "LIST", split = ",",
            description = "Run only these sections: sgemm, fe, ft, bf16, profile, fe10, rss, vision (default: all but profile). "
                    + "Ratios need both of their measurements.")
    java.util.List<String> sections;

    @Option(names = "--traces", paramLabel = "DIR",
            description = "Folder for the libtorch traces of the profile section (default: bench-traces next to --out).")
    Path traces;

    @Override
    public Integer call() throws IOException {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        // Must be set before DJL starts its engine; bin/graft passes the same figure.
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp != null && !omp.equals(Integer.toString(n))) {
            System.err.println("warning: OMP_NUM_THREADS=" + omp + " but --threads " + n + "; libtorch uses " + n);
        }
        Path root = checkoutRoot();
        Path ex = examples != null ? examples : root.resolve("examples/support-tickets");
        if (!Files.isRegularFile(ex.resolve("train.csv"))) {
            throw new IllegalArgumentException("No sample data at " + ex + " (train.csv); pass --examples DIR.");
        }
        Path sh = shared != null ? shared : root.resolve("../shared").normalize();
        if (!Files.isDirectory(sh.resolve("data/text"))) {
            sh = null;
        }
        String py = noPython ? null : python != null ? python : findPython();
        Path work = Files.createTempDirectory("graft-bench");
        BenchSettings settings = new BenchSettings(quick, n, warmup != null ? warmup : quick ? 1 : 2,
                reps != null ? reps : quick ? 3 : 5, ex, sh, work, py, !noRss, quick ? 128 : 300, quick ? 4 : 8,
                new java.util.HashSet<>(sections != null ? sections : BenchSettings.DEFAULT_SECTIONS));
        long t0 = System.nanoTime();
        try {
            BenchReport report = new Benchmarks(settings, System.err).run();
            report.setting("wall_seconds", (System.nanoTime() - t0) / 1e9);
            report.write(out);
            dev.graft.bench.ProfileBench.keepTraces(work, traces != null ? traces : out.toAbsolutePath().resolveSibling("bench-traces"));
            System.out.println();
            System.out.print(report.table());
            System.out.println("\nResults: " + out.toAbsolutePath());
        } finally {
            deleteQuietly(work);
        }
        return 0;
    }

    /** The checkout this CLI runs from (the jar is {@code graft-cli/target/graft-cli.jar}), else the working directory. */
    private static Path checkoutRoot() {
        try {
            Path jar = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.getParent().getParent().getParent();
            if (root != null && Files.isDirectory(root.resolve("examples"))) {
                return root;
            }
        } catch (Exception e) {
            // fall back to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    private static String findPython() {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
