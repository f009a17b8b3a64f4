package dev.graft.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.graft.data.TaskKind;
import dev.graft.model.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which runs train on a GPU that {@code device} names or {@code auto} finds (text fine-tune, lora and adapter runs of
 * classification, multi-label and regression), and what the others do: checked with the device as resolved on a
 * machine with a GPU, which this one need not have.
 */
class TrainingDeviceTest {

    private static final Device GPU = Device.gpu(0);

    @TempDir
    Path tmp;

    private static TrainingRequest request(String strategy, String device) {
        return TrainingRequest.of(Path.of("train.csv")).strategy(strategy).device(device);
    }

    private static List<String> check(TrainingRequest r, Device resolved) {
        return check(r, resolved, false);
    }

    private static List<String> check(TrainingRequest r, Device resolved, boolean ortCuda) {
        MessageLog log = new MessageLog();
        TrainingRun.checkDevice(r, resolved, ortCuda, log);
        return log.lines;
    }

    @Test
    void textFineTuningLoraAndAdaptersTrainOnTheGpu() {
        for (String strategy : List.of("fine-tune", "lora", "adapter")) {
            for (String device : List.of("cuda", "auto")) {
                TrainingRequest r = request(strategy, device);
                assertTrue(r.trainsOnDevice(false), strategy);
                assertEquals(GPU, r.trainingDevice(GPU, false), strategy);
                List<String> notes = check(r, GPU);
                assertEquals(1, notes.size(), notes.toString());
                assertTrue(notes.get(0).contains("training on gpu(0)"), notes.get(0));
            }
        }
        assertTrue(request("fine-tune", "cuda").task(TaskKind.REGRESSION).trainsOnDevice(false));
        assertTrue(request("lora", "cuda").task(TaskKind.MULTI_LABEL).trainsOnDevice(false));
    }

    @Test
    void otherRunsTrainOnTheCpuRefusingAGpuByNameAndPassingOverOneAutoFound() throws IOException {
        Path images = Files.createDirectories(tmp.resolve("images").resolve("cat"));
        Files.write(images.resolve("a.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        List<TrainingRequest> cpuRuns = List.of(request("feature-extraction", "cuda"),
                request("fine-tune", "cuda").task(TaskKind.TOKEN_CLASSIFICATION),
                request("fine-tune", "cuda").task(TaskKind.QUESTION_ANSWERING),
                TrainingRequest.of(tmp.resolve("images")).strategy("fine-tune").device("cuda"));
        for (TrainingRequest r : cpuRuns) {
            assertEquals(Device.cpu(), r.trainingDevice(GPU, false), r.strategyName() + " " + r.task());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> check(r, GPU));
            assertTrue(e.getMessage().contains("only text fine-tune, lora and adapter runs") && e.getMessage().contains("cpu or auto"),
                    e.getMessage());
            List<String> notes = check(r.device("auto"), GPU);
            assertEquals(1, notes.size(), notes.toString());
            assertTrue(notes.get(0).contains("auto found gpu(0), but this run trains on the CPU") && notes.get(0).contains("using cpu"),
                    notes.get(0));
        }
    }

    @Test
    void textFeatureExtractionRunsItsFrozenPassOnTheGpuWhereOnnxRuntimeHasCuda() {
        TrainingRequest fe = request("feature-extraction", "cuda");
        assertEquals(GPU, fe.trainingDevice(GPU, true));
        List<String> notes = check(fe, GPU, true);
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).contains("the frozen pass runs on gpu(0) (ONNX Runtime's CUDA provider), the head on the CPU"),
                notes.get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> check(fe, GPU, false));
        assertTrue(e.getMessage().contains("GRAFT_ORT_JAR") && e.getMessage().contains("onnxruntime_gpu"), e.getMessage());
        assertEquals(Device.cpu(), fe.trainingDevice(GPU, false), "the CPU build of ONNX Runtime: the frozen pass stays here");
        assertEquals(Device.cpu(), request("feature-extraction", "cuda").precision("bf16").trainingDevice(GPU, true),
                "bf16 frozen passes run on libtorch, on the CPU");
        assertEquals(Device.cpu(), request("feature-extraction", "cuda").task(TaskKind.TOKEN_CLASSIFICATION).trainingDevice(GPU, true));
    }

    @Test
    void theCpuNeedsNoNoteAndAutoPrecisionStaysFp32OnAGpu() {
        assertEquals(List.of(), check(request("fine-tune", "cpu"), Device.cpu()));
        assertEquals(List.of(), check(request("fine-tune", "auto"), Device.cpu()));
        assertEquals(Device.cpu(), request("fine-tune", "auto").trainingDevice(Device.cpu(), true));
        assertEquals(Precision.FP32, request("fine-tune", "auto").precisionValue(GPU), "bf16 on GPUs is unmeasured");
        assertEquals(Precision.BF16, request("fine-tune", "auto").precision("bf16").precisionValue(GPU));
    }
}
