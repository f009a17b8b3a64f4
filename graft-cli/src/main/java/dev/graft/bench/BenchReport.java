package dev.graft.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one {@code graft bench} run: measurements, the ratios between them (with their
 * targets), each measurement's GFLOP/s as a fraction of the measured matrix-product peak of its precision, peak memory per
 * fine-tuning configuration, and what could not be measured. Pure aggregation: no timing happens
 * here, so it is unit-tested with made-up timings.
 */
public final class BenchReport {

    /** Key of the SGEMM measurement every GFLOP/s figure is compared with. */
    public static final String SGEMM = "sgemm";
    /** Key of the bfloat16 matrix-product measurement that bf16 steps are compared with. */
    public static final String BF16_PEAK = "sgemm.bf16";

    /** How a ratio compares two measurements. */
    public enum Kind {
        /** numerator throughput / denominator throughput (higher is better for the numerator). */
        THROUGHPUT,
        /** numerator median time / denominator median time (lower is better for the numerator). */
        TIME,
        /**
         * numerator GFLOP/s / denominator GFLOP/s: a step's share of a matrix-product peak, or two steps on different
         * batches compared by the work each did.
         */
        GFLOPS
    }

    /**
     * A ratio between two measurements, and its target.
     *
     * @param name        stable key in the JSON
     * @param numerator   measurement key
     * @param denominator measurement key
     * @param kind        throughput or time ratio
     * @param target      the target value, or NaN for an informational ratio
     * @param atLeast     whether the target is a minimum (else a maximum)
     */
    public record RatioSpec(String name, String numerator, String denominator, Kind kind, double target, boolean atLeast) {
    }

    /** The ratios {@code graft bench} reports. */
    public static final List<RatioSpec> RATIOS = List.of(
            new RatioSpec("fe_graft_vs_raw_ort", "fe.graft", "fe.raw_ort", Kind.THROUGHPUT, 0.9, true),
            new RatioSpec("fe_graft_vs_raw_ort_pretokenised", "fe.graft", "fe.raw_ort_pretokenised", Kind.THROUGHPUT, Double.NaN,
                    true),
            new RatioSpec("fe_djl_vs_raw_ort", "fe.djl", "fe.raw_ort", Kind.THROUGHPUT, Double.NaN, true),
            new RatioSpec("fe_bf16_vs_raw_ort", "fe.djl_bf16", "fe.raw_ort", Kind.THROUGHPUT, Double.NaN, true),
            new RatioSpec("djl_inference_bf16_vs_fp32", "fe.djl_bf16", "fe.djl", Kind.THROUGHPUT, Double.NaN, true),
            // one text a call, as a server answers requests: why it serves a head on an ONNX encoder in fp32, and what
            // settled weights save a loaded model in bf16
            new RatioSpec("one_text_ort_vs_djl_bf16", "fe.one_text.ort", "fe.one_text.djl_bf16", Kind.THROUGHPUT, Double.NaN,
                    true),
            new RatioSpec("one_text_djl_bf16_vs_fp32", "fe.one_text.djl_bf16", "fe.one_text.djl", Kind.THROUGHPUT, Double.NaN,
                    true),
            new RatioSpec("one_text_bf16_settled_vs_casting", "fe.one_text.djl_bf16", "fe.one_text.djl_bf16_casting",
                    Kind.THROUGHPUT, Double.NaN, true),
            new RatioSpec("ft_graft_vs_minimal_libtorch", "ft.graft", "ft.minimal", Kind.THROUGHPUT, 0.95, true),
            new RatioSpec("ft_graft_vs_pytorch", "ft.graft", "ft.pytorch", Kind.THROUGHPUT, 2.0, true),
            // Graft's bf16 step (the bf16 section) against PyTorch's autocast step (the ft section's batches): different
            // batches of the same texts, so compared by GFLOP/s, which counts each batch's padded tokens.
            new RatioSpec("ft_graft_bf16_vs_pytorch_bf16", "ft.bf16", "ft.pytorch.bf16", Kind.GFLOPS, Double.NaN, true),
            new RatioSpec("ft_pytorch_bf16_vs_fp32", "ft.pytorch.bf16", "ft.pytorch", Kind.THROUGHPUT, Double.NaN, true),
            new RatioSpec("ft_bf16_vs_fp32", "ft.bf16", "ft.fp32", Kind.THROUGHPUT, 1.5, true),
            new RatioSpec("ft_bf16_vs_fp32_books", "ft.bf16.books", "ft.fp32.books", Kind.THROUGHPUT, Double.NaN, true),
            new RatioSpec("bf16_matmul_vs_sgemm", BF16_PEAK, SGEMM, Kind.THROUGHPUT, Double.NaN, true),
            new RatioSpec("ft_fp32_fraction_of_sgemm", "ft.graft", SGEMM, Kind.GFLOPS, 0.5, true),
            new RatioSpec("ft_fp32_books_fraction_of_sgemm", "ft.fp32.books", SGEMM, Kind.GFLOPS, Double.NaN, true),
            new RatioSpec("ft_bf16_fraction_of_bf16_peak", "ft.bf16", BF16_PEAK, Kind.GFLOPS, Double.NaN, true),
            new RatioSpec("ft_bf16_books_fraction_of_bf16_peak", "ft.bf16.books", BF16_PEAK, Kind.GFLOPS, Double.NaN, true),
            new RatioSpec("ft_bf16_vs_fp32_lora", "ft.bf16.lora", "ft.fp32.lora", Kind.THROUGHPUT, Double.NaN, true),
            new RatioSpec("ft_fused_vs_composite_attention", "profile.tickets.fp32.fused", "profile.tickets.fp32.composite",
                    Kind.THROUGHPUT, Double.NaN, true),
            new RatioSpec("ft_fused_vs_composite_attention_books", "profile.books.fp32.fused", "profile.books.fp32.composite",
                    Kind.THROUGHPUT, Double.NaN, true),
            new RatioSpec("pad_bucketed_vs_fixed128", "pad.bucketed", "pad.fixed128", Kind.THROUGHPUT, Double.NaN, true),
            new RatioSpec("fe10_warm_vs_one_backbone_pass", "fe10.warm_10_epochs", "fe10.backbone_pass", Kind.TIME, 1.2, false),
            new RatioSpec("fe_closed_form_warm_vs_one_backbone_pass", "fe10.warm_closed_form", "fe10.backbone_pass", Kind.TIME,
                    Double.NaN, false),
            new RatioSpec("vision_forward_djl_vs_ort", "vision.forward_djl", "vision.forward_ort", Kind.THROUGHPUT, Double.NaN, true),
            new RatioSpec("vision_finetune_fused_vs_djl", "vision.finetune_top3", "vision.finetune_top3_djl", Kind.THROUGHPUT, 1.3,
                    true),
            new RatioSpec("vision_finetune_bf16_vs_fp32", "vision.finetune_top3_bf16", "vision.finetune_top3", Kind.THROUGHPUT,
                    Double.NaN, true));

    /** How the FLOP estimates are made (also written to the JSON). */
    public static final String FLOPS_FORMULA = "forward FLOPs of a padded batch [B,T] = B*(2*P*T + L*4*T^2*H), "
            + "P = weight-matrix parameters of the encoder layers = L*(4*H^2 + 2*H*I) (embeddings, biases, norms, "
            + "softmax, GELU and the head are not counted); T is the padded length the engine actually computes; "
            + "a training step is counted as 3x its forward FLOPs (forward + backward); SGEMM n^3 matmul = 2*n^3";

    /**
     * Peak resident memory of one fine-tuning configuration, measured in its own JVM.
     *
     * @param config          {@code head-only}, {@code top-2}, {@code full}, {@code lora}
     * @param trainableParams parameters that receive gradients
     * @param totalParams     all parameters of the model
     * @param steps           training steps taken
     * @param afterLoadMib    VmHWM after loading the model, before training
     * @param peakMib         VmHWM after the steps
     */
    public record PeakRss(String config, long trainableParams, long totalParams, int steps, double afterLoadMib, double peakMib) {
    }

    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final Map<String, Measurement> measurements = new LinkedHashMap<>();
    private final Map<String, String> notAvailable = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> details = new LinkedHashMap<>();
    private final List<PeakRss> peaks = new ArrayList<>();
    private final Map<String, String> peakOf = new LinkedHashMap<>();

    /** Records a setting (threads, repetitions, data sizes). */
    public BenchReport setting(String key, Object value) {
        settings.put(key, value);
        return this;
    }

    /** Adds (or replaces) a measurement. */
    public BenchReport add(Measurement m) {
        measurements.put(m.name(), m);
        return this;
    }

    /** Records that something could not be measured, and why. */
    public BenchReport notAvailable(String key, String why) {
        notAvailable.put(key, why);
        return this;
    }

    /** Extra facts about a measurement or section (token lengths, versions). */
    public BenchReport detail(String section, String key, Object value) {
        details.computeIfAbsent(section, k -> new LinkedHashMap<>()).put(key, value);
        return this;
    }

    /** Adds a peak-memory row. */
    public BenchReport peak(PeakRss p) {
        peaks.add(p);
        return this;
    }

    /**
     * Compares {@code measurement}'s GFLOP/s with the peak measured under {@code peak} instead of {@link #SGEMM} (a bf16
     * step with the bf16 product).
     */
    public BenchReport comparedWith(String measurement, String peak) {
        peakOf.put(measurement, peak);
        return this;
    }

    /** The key of the peak {@code measurement} is compared with: {@link #SGEMM} unless set by {@link #comparedWith}. */
    public String peakOf(String measurement) {
        return peakOf.getOrDefault(measurement, SGEMM);
    }

    /** The measurement with this key, or null. */
    public Measurement measurement(String name) {
        return measurements.get(name);
    }

    /** The value of a ratio, or NaN when one of its measurements is missing. */
    public double ratio(RatioSpec r) {
        Measurement n = measurements.get(r.numerator());
        Measurement d = measurements.get(r.denominator());
        if (n == null || d == null) {
            return Double.NaN;
        }
        return switch (r.kind()) {
            case THROUGHPUT -> n.throughput() / d.throughput();
            case TIME -> n.medianSeconds() / d.medianSeconds();
            case GFLOPS -> n.gflops() / d.gflops();
        };
    }

    /** Whether the ratio meets its target; null when it has no target or could not be computed. */
    public Boolean met(RatioSpec r) {
        double v = ratio(r);
        if (Double.isNaN(v) || Double.isNaN(r.target())) {
            return null;
        }
        return r.atLeast() ? v >= r.target() : v <= r.target();
    }

    /** A measurement's GFLOP/s as a fraction of the SGEMM measurement's, or NaN. */
    public double fractionOfSgemm(Measurement m) {
        return fraction(m, SGEMM);
    }

    /** A measurement's GFLOP/s as a fraction of its own precision's peak ({@link #peakOf}), or NaN (for the peaks themselves). */
    public double fractionOfPeak(Measurement m) {
        return m.name().equals(BF16_PEAK) ? Double.NaN : fraction(m, peakOf(m.name()));
    }

    private double fraction(Measurement m, String peak) {
        Measurement s = measurements.get(peak);
        if (s == null || m.name().equals(peak) || Double.isNaN(m.gflops()) || Double.isNaN(s.gflops())) {
            return Double.NaN;
        }
        return m.gflops() / s.gflops();
    }

    /** The whole report as JSON. */
    public ObjectNode toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.set("settings", json.valueToTree(settings));
        root.put("flops_formula", FLOPS_FORMULA);
        ObjectNode ms = root.putObject("measurements");
        for (Measurement m : measurements.values()) {
            ObjectNode o = ms.putObject(m.name());
            o.put("description", m.description());
            o.put("unit", m.workUnit());
            o.put("work_per_rep", m.workPerRep());
            o.put("reps", m.seconds().size());
            o.put("median_s", m.medianSeconds());
            o.put("min_s", m.minSeconds());
            o.put("max_s", m.maxSeconds());
            o.put("spread", m.spread());
            ArrayNode samples = o.putArray("samples_s");
            m.seconds().forEach(samples::add);
            o.put("throughput_per_s", m.throughput());
            o.put("seconds_per_unit", m.secondsPerUnit());
            putNumber(o, "flops_per_rep", m.flopsPerRep() > 0 ? m.flopsPerRep() : Double.NaN);
            putNumber(o, "gflops", m.gflops());
            putNumber(o, "fraction_of_sgemm", fractionOfSgemm(m));
            o.put("peak", peakOf(m.name()));
            putNumber(o, "fraction_of_peak", fractionOfPeak(m));
        }
        ObjectNode rs = root.putObject("ratios");
        for (RatioSpec r : RATIOS) {
            ObjectNode o = rs.putObject(r.name());
            o.put("numerator", r.numerator());
            o.put("denominator", r.denominator());
            o.put("kind", r.kind().name().toLowerCase(Locale.ROOT));
            putNumber(o, "value", ratio(r));
            putNumber(o, "target", r.target());
            if (!Double.isNaN(r.target())) {
                o.put("target_is", r.atLeast() ? "minimum" : "maximum");
            }
            Boolean met = met(r);
            if (met == null) {
                o.putNull("met");
            } else {
                o.put("met", met);
            }
        }
        ArrayNode pk = root.putArray("peak_rss");
        for (PeakRss p : peaks) {
            ObjectNode o = pk.addObject();
            o.put("config", p.config());
            o.put("trainable_params", p.trainableParams());
            o.put("total_params", p.totalParams());
            o.put("steps", p.steps());
            o.put("after_load_mib", p.afterLoadMib());
            o.put("vmhwm_mib", p.peakMib());
        }
        root.set("details", json.valueToTree(details));
        root.set("not_available", json.valueToTree(notAvailable));
        return root;
    }

    /**
     * Writes {@link #toJson()} to {@code file}, pretty-printed and atomically; an existing file is replaced only when
     * it is an earlier bench result (Graft never overwrites a file it did not write).
     */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.exists(file) && !isBenchResult(file)) {
            throw new IllegalArgumentException(file + " exists and is not an earlier bench result; name another file for the"
                    + " results. Graft never overwrites files it did not write.");
        }
        String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson()) + "\n";
        dev.graft.tensor.io.AtomicFiles.writeAtomically(file.toAbsolutePath(), dev.graft.tensor.io.OnExisting.REPLACE,
                out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static boolean isBenchResult(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > (64L << 20)) {
                return false;
            }
            var node = new ObjectMapper().readTree(file.toFile());
            return node != null && node.has("measurements") && node.has("ratios") && node.has("settings");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A plain-text table of everything. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-22s %-52s %6s %11s %8s %16s %8s %7s%n",
                "measurement", "what", "reps", "median", "spread", "throughput", "GFLOP/s", "%peak"));
        for (Measurement m : measurements.values()) {
            double frac = fractionOfPeak(m);
            sb.append(String.format(Locale.ROOT, "%-22s %-52s %6d %10.4fs %7.1f%% %9.2f %-6s %8s %7s%n",
                    m.name(), clip(m.description(), 52), m.seconds().size(), m.medianSeconds(), 100 * m.spread(),
                    m.throughput(), shortUnit(m.workUnit()), Double.isNaN(m.gflops()) ? "-" : String.format(Locale.ROOT, "%.1f", m.gflops()),
                    Double.isNaN(frac) ? "-" : String.format(Locale.ROOT, "%.2f", frac)));
        }
        sb.append("(%peak: GFLOP/s as a fraction of the measured 2048^2 product of the same precision: " + SGEMM + ", or "
                + BF16_PEAK + " for bf16 steps)\n");
        sb.append(String.format(Locale.ROOT, "%n%-36s %8s %10s %s%n", "ratio", "value", "target", "met"));
        for (RatioSpec r : RATIOS) {
            double v = ratio(r);
            Boolean met = met(r);
            sb.append(String.format(Locale.ROOT, "%-36s %8s %10s %s%n", r.name(),
                    Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v),
                    Double.isNaN(r.target()) ? "-" : (r.atLeast() ? ">= " : "<= ") + r.target(),
                    met == null ? (Double.isNaN(v) ? "not available" : "(info)") : met ? "yes" : "NO"));
        }
        if (!peaks.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%n%-12s %14s %14s %6s %14s %12s%n", "fine-tune", "trainable", "total params",
                    "steps", "after load", "peak RSS"));
            for (PeakRss p : peaks) {
                sb.append(String.format(Locale.ROOT, "%-12s %14d %14d %6d %11.0f MiB %8.0f MiB%n", p.config(), p.trainableParams(),
                        p.totalParams(), p.steps(), p.afterLoadMib(), p.peakMib()));
            }
        }
        if (!notAvailable.isEmpty()) {
            sb.append('\n');
            notAvailable.forEach((k, v) -> sb.append(k).append(": not available (").append(v).append(")\n"));
        }
        return sb.toString();
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    private static String shortUnit(String unit) {
        return switch (unit) {
            case "sentences" -> "sent/s";
            case "examples" -> "ex/s";
            case "steps" -> "step/s";
            case "runs" -> "run/s";
            case "matmuls" -> "mm/s";
            default -> unit + "/s";
        };
    }
}
