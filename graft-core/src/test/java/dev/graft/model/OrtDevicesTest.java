package dev.graft.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.graft.model.text.OnnxTextEncoder;
import dev.graft.model.text.SentenceEncoders;
import dev.graft.model.text.TextModels;
import java.util.EnumSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Which ONNX Runtime provider a frozen pass runs on, and the message when a GPU is asked of the CPU build. */
class OrtDevicesTest {

    @Test
    void theCpuUsesTheCpuProviderAndAGpuUsesCudasWhereItIsLoaded() {
        assertFalse(OrtDevices.usesCuda(Device.cpu(), EnumSet.of(OrtProvider.CPU)));
        assertFalse(OrtDevices.usesCuda(Device.cpu(), EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA)));
        assertTrue(OrtDevices.usesCuda(Device.gpu(1), EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OrtDevices.usesCuda(Device.gpu(0), EnumSet.of(OrtProvider.CPU)));
        assertTrue(e.getMessage().contains("GRAFT_ORT_JAR") && e.getMessage().contains("onnxruntime_gpu")
                && e.getMessage().contains("gpu(0)"), e.getMessage());
    }

    @Test
    void theCpuBuildLoadedHereRefusesAGpuPassWithThatMessage() {
        Assumptions.assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "a GPU build is loaded");
        assertFalse(OrtDevices.cudaAvailable());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxTextEncoder.open(TextModels.resolve("minilm"), 1, 4, Device.gpu(0)).close());
        assertTrue(e.getMessage().contains("onnxruntime_gpu"), e.getMessage());
        IllegalArgumentException bf16 = assertThrows(IllegalArgumentException.class,
                () -> SentenceEncoders.open(TextModels.resolve("minilm"), 1, 4, Precision.BF16, Device.gpu(0)).close());
        assertTrue(bf16.getMessage().contains("runs an ONNX export in fp32") && bf16.getMessage().contains("in bf16"),
                bf16.getMessage());
    }
}
