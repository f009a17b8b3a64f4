package dev.graft.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code cpu|cuda|auto} against an injected GPU count, and the engine this build loads. */
class DeviceChoiceTest {

    @Test
    void autoPicksTheFirstGpuWhenThereIsOneElseTheCpu() {
        assertEquals(Device.gpu(0), DeviceChoice.resolve("auto", 2));
        assertEquals(Device.cpu(), DeviceChoice.resolve("auto", 0));
    }

    @Test
    void cpuIsAlwaysTheCpu() {
        assertEquals(Device.cpu(), DeviceChoice.resolve("cpu", 4));
        assertEquals(Device.cpu(), DeviceChoice.resolve("CPU", 0));
    }

    @Test
    void cudaNamesAGpuThatMustBeThere() {
        assertEquals(Device.gpu(0), DeviceChoice.resolve("cuda", 1));
        assertEquals(Device.gpu(1), DeviceChoice.resolve("cuda:1", 2));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("cuda", 0));
        assertTrue(none.getMessage().contains("sees no GPU") && none.getMessage().contains("use cpu or auto"), none.getMessage());
        IllegalArgumentException tooHigh = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("cuda:2", 2));
        assertTrue(tooHigh.getMessage().contains("cuda:0 to cuda:1"), tooHigh.getMessage());
    }

    @Test
    void unknownValuesAreRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("tpu", 1));
        assertTrue(e.getMessage().contains("cpu, cuda, cuda:N or auto"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("cuda:x", 1));
        assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("cuda:-1", 1));
    }

    @Test
    void theCpuBuildSeesNoGpu() {
        // pytorch-native-cpu is what the build bundles: auto is the CPU, cuda is a clear error
        Assumptions.assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "a CUDA build of libtorch is loaded");
        assertEquals(Device.cpu(), DeviceChoice.resolve("auto"));
        assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("cuda"));
    }
}
