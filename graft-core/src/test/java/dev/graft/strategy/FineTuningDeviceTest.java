package dev.graft.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import dev.graft.data.DatasetSplits;
import dev.graft.data.Splits;
import dev.graft.model.text.TextModelSpec;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fine-tuning on a device: the model, its batches, gradients and the classifier it returns live on the device the
 * strategy was given, on every device the PyTorch engine sees (the CPU always; GPU 0 as well when a CUDA build of
 * libtorch is loaded, where the same run must also match the CPU's).
 */
class FineTuningDeviceTest {

    private static TextModelSpec backbone;
    private static DatasetSplits splits;

    @BeforeAll
    static void tinyModelAndData() throws IOException {
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-work")), "device");
        backbone = SmallModels.tinyBert(work.resolve("tiny-bert"), 5);
        splits = Splits.withDatasets(SmallModels.refundsAndCrashes("train", 16, 0), SmallModels.refundsAndCrashes("val", 8, 100),
                SmallModels.refundsAndCrashes("test", 8, 200), 1);
    }

    static Stream<Device> devices() {
        return Engine.getEngine("PyTorch").getGpuCount() > 0 ? Stream.of(Device.cpu(), Device.gpu(0)) : Stream.of(Device.cpu());
    }

    private static FineTuning strategy() {
        FineTuneConfig c = FineTuneConfig.defaults();
        return new FineTuning(c.withTraining(c.training().withEpochs(1).withBatchSize(8).withSeed(11)));
    }

    @ParameterizedTest
    @MethodSource("devices")
    void modelBatchesAndGradientsLiveOnTheGivenDevice(Device device) {
        try (FineTuning.Prepared p = strategy().on(device).prepare(backbone, splits, List.of())) {
            assertEquals(device, p.manager().getDevice());
            for (Parameter w : p.model().encoder().namedParameters().values()) {
                assertEquals(device, w.getArray().getDevice(), w.getName());
            }
            NDList batch = p.train().inputs(p.manager(), new int[] {0, 1, 2});
            batch.forEach(a -> assertEquals(device, a.getDevice()));
            batch.close();
            p.learner().fit(p.train(), p.val());
            for (Parameter w : p.model().encoder().namedParameters().values()) {
                assertEquals(device, w.getArray().getDevice(), w.getName());
                if (w.requiresGradient() && w.getArray().hasGradient()) {
                    assertEquals(device, w.getArray().getGradient().getDevice(), w.getName() + " gradient");
                }
            }
            float[][] val = p.learner().predictProbabilities(p.val());
            assertEquals(8, val.length);
            for (float[] row : val) {
                assertEquals(1.0, row[0] + row[1], 1e-5);
            }
        }
    }

    @Test
    void aGpuRunMatchesTheCpuRunAndIsRecorded() {
        FineTuning cpu = strategy();
        assertFalse(cpu.describe().containsKey("device"), "CPU runs keep their settings (and checkpoint fingerprints)");
        assertEquals(Device.cpu(), cpu.device());
        FineTuning gpu = cpu.on(Device.gpu(0));
        assertEquals("gpu(0)", gpu.describe().get("device"));
        assertEquals(Device.gpu(0), gpu.device());
        assertEquals(cpu.config(), gpu.config());
        if (Engine.getEngine("PyTorch").getGpuCount() == 0) {
            return; // the run itself needs a GPU
        }
        try (TrainingOutcome a = cpu.fit(backbone, splits, Progress.NONE, List.of(), null, 1, false);
             TrainingOutcome b = gpu.fit(backbone, splits, Progress.NONE, List.of(), null, 1, false)) {
            float[][] x = a.classifier().probabilities(splits.test().orElseThrow(), Progress.NONE);
            float[][] y = b.classifier().probabilities(splits.test().orElseThrow(), Progress.NONE);
            for (int i = 0; i < x.length; i++) {
                for (int k = 0; k < x[i].length; k++) {
                    assertEquals(x[i][k], y[i][k], 1e-3, "test probability " + i + "," + k);
                }
            }
            assertTrue(b.fit().history().size() >= 1);
        }
    }
}
