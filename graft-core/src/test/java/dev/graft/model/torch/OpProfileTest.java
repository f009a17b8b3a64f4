package dev.graft.model.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** libtorch's profiler on a few real ops, aggregated per op and phase. */
class OpProfileTest {

    @TempDir
    Path dir;

    /**
     * Two steps of: forward (matmul, softmax, sum), backward ({@link FreshGradients}), an in-place update; then one op
     * after the last marker.
     */
    @Test
    void realStepsAreCutAtTheMarkersAndSplitIntoPhases() throws Exception {
        Path trace = dir.resolve("trace.json");
        OpTable table;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.randomUniform(-1f, 1f, new Shape(96, 96));
            w.setRequiresGradient(true);
            OpProfile profile = OpProfile.start(trace);
            for (int step = 0; step < 2; step++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    // Graft's backward pass, which runs inside a TorchScript call: its ops still count as backward
                    FreshGradients.backward(w.matMul(w).softmax(-1).sum(), List.of(w));
                }
                w.subi(w.getGradient().mul(0.01f));
                profile.markStep();
            }
            w.exp().close(); // after the last marker: not part of any step
            table = profile.stop();
        }
        assertTrue(Files.size(trace) > 0, "libtorch wrote the trace");
        assertEquals(2, table.steps());
        OpTable.Row mm = table.row("aten::mm");
        // forward w·w once per step; backward two products (grad of each operand) per step
        assertEquals(6, mm.calls());
        assertTrue(mm.phaseMs().get("forward") > 0 && mm.phaseMs().get("backward") > 0, mm.toString());
        assertEquals(0.0, mm.phaseMs().get("update"));
        OpTable.Row softmax = table.row("aten::_softmax");
        assertEquals(2, softmax.calls());
        assertEquals(softmax.selfMs(), softmax.phaseMs().get("forward"), 1e-9);
        OpTable.Row softmaxBack = table.row("aten::_softmax_backward_data");
        assertEquals(softmaxBack.selfMs(), softmaxBack.phaseMs().get("backward"), 1e-9);
        OpTable.Row update = table.row("aten::sub_");
        assertEquals(2, update.calls());
        assertEquals(update.selfMs(), update.phaseMs().get("update"), 1e-9);
        assertNull(table.row(OpProfile.MARKER), "the marker is not an op of the steps");
        assertNull(table.row("aten::exp"), "ops after the last marker are left out");
        // self times: matmul only dispatches to mm, so its own time is a small part of mm's
        assertTrue(table.row("aten::matmul").selfMs() < mm.selfMs(), "nesting subtracts the callee's time");
        assertTrue(table.opMs() <= table.stepMs() + 1e-6, "self times add up to at most the steps' wall time");
        double phases = table.phaseMs().values().stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(table.opMs(), phases, 1e-6);
        assertTrue(table.format(5).contains("aten::mm"));
    }

    @Test
    void selfTimeIsDurationLessDirectChildrenPerThread() throws Exception {
        String trace = """
                [
                {"name": "aten::linear", "ph": "X", "ts": 0.0, "dur": 100.0, "tid": 1},
                {"name": "aten::addmm", "ph": "X", "ts": 10.0, "dur": 80.0, "tid": 1},
                {"name": "aten::copy_", "ph": "X", "ts": 20.0, "dur": 30.0, "tid": 1},
                {"name": "aten::copy_", "ph": "X", "ts": 40.0, "dur": 5.0, "tid": 2},
                {"name": "autograd::engine::evaluate_function: AddmmBackward0", "ph": "X", "ts": 200.0, "dur": 50.0, "tid": 1},
                {"name": "aten::mm", "ph": "X", "ts": 210.0, "dur": 40.0, "tid": 1},
                {"name": "aten::add_", "ph": "X", "ts": 300.0, "dur": 10.0, "tid": 1},
                {"name": "aten::erfinv", "ph": "X", "ts": 400.0, "dur": 4.0, "tid": 1},
                {"name": "aten::empty", "ph": "X", "ts": 401.0, "dur": 1.0, "tid": 1}
                ]
                """;
        OpTable t = OpTable.of(new ObjectMapper().readTree(trace));
        assertEquals(1, t.steps());
        assertEquals(0.400, t.stepMs(), 1e-9);
        assertEquals(0.020, t.row("aten::linear").selfMs(), 1e-9);
        assertEquals(0.050, t.row("aten::addmm").selfMs(), 1e-9);
        assertEquals(0.035, t.row("aten::copy_").selfMs(), 1e-9); // 30 on thread 1 + 5 on thread 2 (its own stack)
        assertEquals(2, t.row("aten::copy_").calls());
        assertEquals(0.040, t.row("aten::mm").phaseMs().get("backward"), 1e-9);
        assertEquals(0.010, t.row("aten::add_").phaseMs().get("update"), 1e-9);
        assertNull(t.row("aten::empty"), "the marker's own callees are not step ops");
        assertEquals(0.105, t.phaseMs().get("forward"), 1e-9);
    }

    @Test
    void refusesAnExistingTraceFile() throws Exception {
        Path existing = Files.writeString(dir.resolve("mine.json"), "keep");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpProfile.start(existing));
        assertTrue(e.getMessage().contains("mine.json"), e.getMessage());
        assertEquals("keep", Files.readString(existing));
    }
}
