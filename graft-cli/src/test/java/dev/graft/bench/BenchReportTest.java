package dev.graft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.model.bert.BertConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The aggregation and ratio arithmetic of {@code graft bench}, on made-up timings (nothing is timed here). */
class BenchReportTest {

    private static BenchReport fakeReport() {
        BenchReport r = new BenchReport().setting("threads", 2).setting("quick", true);
        // SGEMM: 4 matmuls of 2*2048^3 FLOPs per rep, median 0.4 s -> 171.8 GFLOP/s
        r.add(new Measurement("sgemm", "matmul", "matmuls", 4, 4 * Flops.sgemm(2048), List.of(0.5, 0.4, 0.3)));
        // 100 sentences: Graft median 0.5 s (200/s), raw 0.4 s (250/s) -> 0.8
        r.add(new Measurement("fe.graft", "graft", "sentences", 100, 1e11, List.of(0.6, 0.5, 0.45)));
        r.add(new Measurement("fe.raw_ort", "raw", "sentences", 100, 1e11, List.of(0.4, 0.41, 0.39)));
        r.add(new Measurement("fe.djl", "djl", "sentences", 100, 1e11, List.of(1.0, 1.0, 1.0)));
        // 4 steps: Graft median 2.0 s, minimal 1.9 s -> 0.95; PyTorch 5.0 s -> 2.5
        r.add(new Measurement("ft.graft", "graft", "steps", 4, 0, List.of(2.0, 2.2, 1.8)));
        r.add(new Measurement("ft.minimal", "minimal", "steps", 4, 0, List.of(1.9, 1.9, 1.9)));
        r.add(new Measurement("ft.pytorch", "torch", "steps", 4, 0, List.of(5.0, 5.0, 5.0)));
        r.add(new Measurement("pad.bucketed", "b", "examples", 64, 0, List.of(1.0)));
        r.add(new Measurement("pad.fixed128", "f", "examples", 64, 0, List.of(3.0)));
        // 10 epochs warm 0.3 s vs pass 1.5 s -> 0.2
        r.add(new Measurement("fe10.warm_10_epochs", "w", "runs", 1, 0, List.of(0.3, 0.3, 0.3)));
        r.add(new Measurement("fe10.backbone_pass", "p", "sentences", 300, 0, List.of(1.5, 1.5, 1.5)));
        r.peak(new BenchReport.PeakRss("full", 22_000_000, 22_700_000, 3, 900, 2100));
        r.notAvailable("vision_images_per_s", "not built");
        return r;
    }

    @Test
    void statisticsOfRepetitions() {
        Measurement m = new Measurement("x", "x", "sentences", 100, 2e9, List.of(0.6, 0.5, 0.45, 0.4));
        assertEquals(0.475, m.medianSeconds(), 1e-12);
        assertEquals(0.4, m.minSeconds(), 1e-12);
        assertEquals(0.6, m.maxSeconds(), 1e-12);
        assertEquals(0.2 / 0.475, m.spread(), 1e-12);
        assertEquals(100 / 0.475, m.throughput(), 1e-9);
        assertEquals(2e9 / 0.475 / 1e9, m.gflops(), 1e-9);
        assertTrue(Double.isNaN(new Measurement("y", "y", "runs", 1, 0, List.of(1.0)).gflops()));
        assertThrows(IllegalArgumentException.class, () -> new Measurement("z", "z", "runs", 1, 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Measurement("z", "z", "runs", 1, 0, List.of(0.0)));
    }

    @Test
    void ratiosAndTargetsFromMeasuredValues() {
        BenchReport r = fakeReport();
        assertEquals(0.8, r.ratio(spec("fe_graft_vs_raw_ort")), 1e-12);
        assertFalse(r.met(spec("fe_graft_vs_raw_ort")));
        assertEquals(0.4, r.ratio(spec("fe_djl_vs_raw_ort")), 1e-12);
        assertEquals(null, r.met(spec("fe_djl_vs_raw_ort")), "informational ratios have no verdict");
        assertEquals(0.95, r.ratio(spec("ft_graft_vs_minimal_libtorch")), 1e-12);
        assertTrue(r.met(spec("ft_graft_vs_minimal_libtorch")));
        assertEquals(2.5, r.ratio(spec("ft_graft_vs_pytorch")), 1e-12);
        assertTrue(r.met(spec("ft_graft_vs_pytorch")));
        assertEquals(3.0, r.ratio(spec("pad_bucketed_vs_fixed128")), 1e-12);
        assertEquals(0.2, r.ratio(spec("fe10_warm_vs_one_backbone_pass")), 1e-12);
        assertTrue(r.met(spec("fe10_warm_vs_one_backbone_pass")));
        double sgemm = 4 * Flops.sgemm(2048) / 0.4 / 1e9;
        assertEquals(1e11 / 0.5 / 1e9 / sgemm, r.fractionOfSgemm(r.measurement("fe.graft")), 1e-12);
    }

    @Test
    void missingMeasurementGivesNoRatio() {
        BenchReport r = new BenchReport();
        r.add(new Measurement("ft.graft", "graft", "steps", 4, 0, List.of(2.0)));
        assertTrue(Double.isNaN(r.ratio(spec("ft_graft_vs_pytorch"))));
        assertEquals(null, r.met(spec("ft_graft_vs_pytorch")));
    }

    @Test
    void jsonIsWellFormedWithTheExpectedKeys(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/bench-results.json");
        fakeReport().write(file);
        JsonNode root = new ObjectMapper().readTree(Files.readString(file));
        assertEquals(Set.of("settings", "flops_formula", "measurements", "ratios", "peak_rss", "details", "not_available"),
                names(root));
        JsonNode fe = root.path("measurements").path("fe.graft");
        for (String k : List.of("median_s", "min_s", "max_s", "spread", "samples_s", "throughput_per_s", "gflops",
                "fraction_of_sgemm", "peak", "fraction_of_peak", "reps", "unit")) {
            assertTrue(fe.has(k), k);
        }
        assertEquals(200.0, fe.path("throughput_per_s").asDouble(), 1e-9);
        assertEquals(3, fe.path("samples_s").size());
        assertTrue(root.path("measurements").path("ft.graft").path("gflops").isNull(), "no FLOP estimate -> null");
        JsonNode ratio = root.path("ratios").path("fe_graft_vs_raw_ort");
        assertEquals(0.8, ratio.path("value").asDouble(), 1e-12);
        assertEquals(0.9, ratio.path("target").asDouble(), 1e-12);
        assertEquals("minimum", ratio.path("target_is").asText());
        assertFalse(ratio.path("met").asBoolean());
        assertEquals("maximum", root.path("ratios").path("fe10_warm_vs_one_backbone_pass").path("target_is").asText());
        assertTrue(root.path("ratios").path("fe_djl_vs_raw_ort").path("met").isNull());
        assertEquals(BenchReport.RATIOS.size(), root.path("ratios").size());
        assertEquals(2100.0, root.path("peak_rss").get(0).path("vmhwm_mib").asDouble());
        assertEquals(22_000_000L, root.path("peak_rss").get(0).path("trainable_params").asLong());
        assertTrue(root.path("not_available").has("vision_images_per_s"));
        String table = fakeReport().table();
        assertTrue(table.contains("fe_graft_vs_raw_ort") && table.contains("NO") && table.contains("vision_images_per_s"));
    }

    @Test
    void bf16StepsAreComparedWithTheBf16PeakAndFp32StepsWithSgemm() throws Exception {
        BenchReport r = fakeReport();
        // bf16 product: 4 matmuls per rep, median 0.2 s -> twice the SGEMM rate
        r.add(new Measurement(BenchReport.BF16_PEAK, "bf16", "matmuls", 4, 4 * Flops.sgemm(2048), List.of(0.2, 0.2, 0.2)));
        r.add(new Measurement("ft.graft", "graft", "steps", 4, 4e10, List.of(2.0, 2.0, 2.0)));
        r.add(new Measurement("ft.bf16", "bf16 step", "steps", 4, 4e10, List.of(1.0, 1.0, 1.0)));
        r.add(new Measurement("ft.fp32", "fp32 step", "steps", 4, 4e10, List.of(2.0, 2.0, 2.0)));
        r.comparedWith("ft.bf16", BenchReport.BF16_PEAK);
        double sgemm = 4 * Flops.sgemm(2048) / 0.4 / 1e9;
        double bf16Peak = 4 * Flops.sgemm(2048) / 0.2 / 1e9;
        assertEquals(BenchReport.SGEMM, r.peakOf("ft.graft"));
        assertEquals(BenchReport.BF16_PEAK, r.peakOf("ft.bf16"));
        assertEquals(20 / sgemm, r.fractionOfPeak(r.measurement("ft.graft")), 1e-12);
        assertEquals(40 / bf16Peak, r.fractionOfPeak(r.measurement("ft.bf16")), 1e-12);
        assertEquals(40 / sgemm, r.fractionOfSgemm(r.measurement("ft.bf16")), 1e-12);
        assertEquals(20 / sgemm, r.ratio(spec("ft_fp32_fraction_of_sgemm")), 1e-12);
        assertEquals(20 / sgemm >= 0.5, r.met(spec("ft_fp32_fraction_of_sgemm")));
        assertEquals(40 / bf16Peak, r.ratio(spec("ft_bf16_fraction_of_bf16_peak")), 1e-12);
        assertEquals(2.0, r.ratio(spec("ft_bf16_vs_fp32")), 1e-12);
        assertTrue(r.met(spec("ft_bf16_vs_fp32")));
        assertEquals(2.0, r.ratio(spec("bf16_matmul_vs_sgemm")), 1e-12);
        JsonNode ms = r.toJson().path("measurements");
        assertEquals(BenchReport.BF16_PEAK, ms.path("ft.bf16").path("peak").asText());
        assertEquals(40 / bf16Peak, ms.path("ft.bf16").path("fraction_of_peak").asDouble(), 1e-12);
        assertEquals(BenchReport.SGEMM, ms.path("ft.fp32").path("peak").asText());
        assertTrue(ms.path(BenchReport.BF16_PEAK).path("fraction_of_peak").isNull(), "a peak is not a fraction of itself");
        assertTrue(r.table().contains(String.format(java.util.Locale.ROOT, "%.2f", 40 / bf16Peak)));
    }

    @Test
    void flopEstimateFollowsTheDocumentedFormula() {
        BertConfig minilm = new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12, 0);
        double p = 6 * (4.0 * 384 * 384 + 2.0 * 384 * 1536);
        assertEquals(p, Flops.layerWeights(minilm), 1e-6);
        assertEquals(32 * (2 * p * 64 + 6 * 4.0 * 64 * 64 * 384), Flops.forward(minilm, 32, 64), 1e-3);
    }

    private static BenchReport.RatioSpec spec(String name) {
        return BenchReport.RATIOS.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    private static Set<String> names(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }
}
