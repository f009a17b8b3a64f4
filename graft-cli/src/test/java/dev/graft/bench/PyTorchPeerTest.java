package dev.graft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the PyTorch peer's configurations are chosen and its result is recorded (made-up timings; nothing is timed). */
class PyTorchPeerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void configurationsCoverAllThreadsOneThreadAndAOneThreadBlas() {
        List<PyTorchPeer.Config> two = PyTorchPeer.configs(2, false);
        assertEquals(List.of("t2-blas2", "t2-blas1", "t1-blas1"), two.stream().map(PyTorchPeer.Config::name).toList());
        assertEquals(2, two.get(1).threads());
        assertEquals(1, two.get(1).blasThreads());
        assertFalse(two.stream().anyMatch(PyTorchPeer.Config::bf16), "no autocast where the CPU emulates bfloat16");
        assertEquals(List.of(new PyTorchPeer.Config("t1-blas1", 1, 1, true)), PyTorchPeer.configs(1, false));
    }

    @Test
    void aCpuWithNativeBf16AlsoRunsThePeerUnderAutocast() {
        List<PyTorchPeer.Config> two = PyTorchPeer.configs(2, true);
        assertEquals(List.of("t2-blas2", "t2-blas1", "t1-blas1", "t2-bf16"), two.stream().map(PyTorchPeer.Config::name).toList());
        assertEquals(new PyTorchPeer.Config("t2-bf16", 2, 1, true, true), two.get(3));
        assertEquals(1, two.stream().filter(PyTorchPeer.Config::bf16).count());
    }

    @Test
    void theAutocastConfigurationIsReportedApartFromTheFloat32Fastest() throws Exception {
        // the bf16 configuration is the fastest overall, but ft.pytorch (Graft's fp32 ratio) stays the fastest fp32 one
        JsonNode result = JSON.readTree("""
                {"torch_version": "1.13.0a0", "blas_thread_control": true,
                 "configs": {
                   "t2-blas1": {"name": "t2-blas1", "threads": 2, "blas_threads": 1, "mkldnn": true, "rep_seconds": [1.2, 1.0, 1.1]},
                   "t1-blas1": {"name": "t1-blas1", "threads": 1, "blas_threads": 1, "mkldnn": true, "rep_seconds": [1.6, 1.6, 1.6]},
                   "t2-bf16": {"name": "t2-bf16", "threads": 2, "blas_threads": 1, "mkldnn": true, "autocast": "bf16",
                               "rep_seconds": [0.5, 0.55, 0.6]}}}
                """);
        BenchReport report = new BenchReport();
        report.add(new Measurement("ft.graft", "graft", "steps", 4, 8e10, List.of(0.55, 0.55, 0.55)));
        // Graft's bf16 step timed on other batches: 4 steps of 6e10 FLOPs in 0.4 s = 150 GFLOP/s
        report.add(new Measurement("ft.bf16", "graft bf16", "steps", 4, 6e10, List.of(0.4, 0.4, 0.4)));
        Measurement fastest = PyTorchPeer.record(report, result, 4, 8e10);
        assertEquals("ft.pytorch.t2-blas1", fastest.name());
        assertEquals(1.1, report.measurement("ft.pytorch").medianSeconds(), 1e-12);
        assertEquals(0.55, report.measurement("ft.pytorch.bf16").medianSeconds(), 1e-12);
        assertTrue(report.measurement("ft.pytorch.bf16").description().contains("t2-bf16"));
        assertTrue(report.measurement("ft.pytorch.t2-bf16").description().contains("autocast bfloat16"));
        assertEquals(2.0, ratio(report, "ft_graft_vs_pytorch"), 1e-12, "fp32 against fp32");
        assertEquals(2.0, ratio(report, "ft_pytorch_bf16_vs_fp32"), 1e-12);
        // the peer's 8e10 FLOPs in 0.55 s = 145.45 GFLOP/s against Graft's 150
        assertEquals(150.0 / (80.0 / 0.55), ratio(report, "ft_graft_bf16_vs_pytorch_bf16"), 1e-9);
        JsonNode configs = report.toJson().path("details").path("peer").path("configs");
        assertEquals("bf16", configs.path("t2-bf16").path("autocast").asText());
        assertEquals("none", configs.path("t2-blas1").path("autocast").asText());
        assertEquals("t2-blas1", report.toJson().path("details").path("peer").path("fastest").asText());
    }

    @Test
    void aConfigurationTheTorchCouldNotRunIsLeftOut() throws Exception {
        JsonNode result = JSON.readTree("""
                {"torch_version": "1.9.0", "configs": {
                   "t1-blas1": {"name": "t1-blas1", "threads": 1, "blas_threads": 1, "rep_seconds": [1.6, 1.6]},
                   "t1-bf16": {"name": "t1-bf16", "threads": 1, "blas_threads": 1, "autocast": "bf16", "rep_seconds": []}}}
                """);
        BenchReport report = new BenchReport();
        PyTorchPeer.record(report, result, 4, 8e10);
        assertNull(report.measurement("ft.pytorch.bf16"));
        assertNull(report.measurement("ft.pytorch.t1-bf16"));
        assertEquals(1.6, report.measurement("ft.pytorch").medianSeconds(), 1e-12);
    }

    private static double ratio(BenchReport report, String name) {
        return report.ratio(BenchReport.RATIOS.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow());
    }

    @Test
    void everyConfigurationIsReportedAndTheRatioUsesTheFastest() throws Exception {
        JsonNode result = JSON.readTree("""
                {"torch_version": "1.13.0a0", "blas_thread_control": true,
                 "configs": {
                   "t2-blas2": {"name": "t2-blas2", "threads": 2, "blas_threads": 2, "mkldnn": true, "rep_seconds": [2.0, 2.4, 2.2]},
                   "t2-blas1": {"name": "t2-blas1", "threads": 2, "blas_threads": 1, "mkldnn": true, "rep_seconds": [1.2, 1.0, 1.1]},
                   "t1-blas1": {"name": "t1-blas1", "threads": 1, "blas_threads": 1, "mkldnn": true, "rep_seconds": [1.6, 1.6, 1.6]}},
                 "profile": {"t2-blas1": {"total_self_ms_per_step": 270.0,
                   "ops": [{"op": "aten::addmm", "calls_per_step": 37, "self_ms_per_step": 80.5}]}}}
                """);
        BenchReport report = new BenchReport();
        report.add(new Measurement("ft.graft", "graft", "steps", 4, 8e10, List.of(0.55, 0.55, 0.55)));
        Measurement fastest = PyTorchPeer.record(report, result, 4, 8e10);
        assertEquals("ft.pytorch.t2-blas1", fastest.name());
        assertEquals(1.1, report.measurement("ft.pytorch").medianSeconds(), 1e-12);
        assertEquals(List.of(1.2, 1.0, 1.1), report.measurement("ft.pytorch").seconds());
        assertEquals(2.2, report.measurement("ft.pytorch.t2-blas2").medianSeconds(), 1e-12);
        assertEquals(1.6, report.measurement("ft.pytorch.t1-blas1").medianSeconds(), 1e-12);
        assertTrue(report.measurement("ft.pytorch").description().contains("t2-blas1"));
        BenchReport.RatioSpec ratio = BenchReport.RATIOS.stream().filter(r -> r.name().equals("ft_graft_vs_pytorch")).findFirst()
                .orElseThrow();
        assertEquals(2.0, report.ratio(ratio), 1e-12, "Graft vs the fastest peer, not the default one");
        JsonNode peer = report.toJson().path("details").path("peer");
        assertEquals("t2-blas1", peer.path("fastest").asText());
        assertEquals(3, peer.path("configs").size());
        assertEquals(1, peer.path("configs").path("t2-blas1").path("blas_threads").asInt());
        assertEquals(275.0, peer.path("configs").path("t2-blas1").path("median_ms_per_step").asDouble(), 1e-9);
        assertEquals("aten::addmm", peer.path("profile").path("t2-blas1").path("ops").get(0).path("op").asText());
        assertEquals("1.13.0a0", peer.path("torch_version").asText());
    }

    @Test
    void aResultWithoutConfigurationsIsAnError() throws Exception {
        JsonNode empty = JSON.readTree("{\"torch_version\": \"1.13.0a0\", \"configs\": {}}");
        assertThrows(IllegalStateException.class, () -> PyTorchPeer.record(new BenchReport(), empty, 4, 0));
        assertTrue(new BenchReport().toJson().path("details").path("peer").isMissingNode());
    }
}
