package dev.graft.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * Where a model computes, from {@code cpu}, {@code cuda} (or {@code cuda:N}) or {@code auto},
 * against the GPUs that DJL's PyTorch engine sees. The engine sees GPUs only when DJL loads a CUDA
 * build of libtorch (a {@code pytorch-native-cu*} jar on the class path instead of
 * {@code pytorch-native-cpu}, or one in DJL's cache); the CPU build sees none.
 */
public final class DeviceChoice {

    private DeviceChoice() {
    }

    /**
     * Resolves {@code value} against {@code gpuCount} GPUs: {@code auto} is the first GPU when there
     * is one, else the CPU.
     *
     * @throws IllegalArgumentException for an unknown value, or a GPU that is not there (naming the argument)
     */
    public static Device resolve(String value, int gpuCount) {
        return resolve(value, () -> gpuCount);
    }

    /**
     * {@link #resolve(String, int)} against the GPUs the PyTorch engine sees in this process; {@code cpu}
     * does not load the engine.
     */
    public static Device resolve(String value) {
        return resolve(value, () -> Engine.getEngine("PyTorch").getGpuCount());
    }

    private static Device resolve(String value, IntSupplier gpus) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("cpu")) {
            return Device.cpu();
        }
        if (v.equals("auto")) {
            return gpus.getAsInt() > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (v.equals("cuda") || v.equals("gpu") || v.startsWith("cuda:")) {
            int index = v.startsWith("cuda:") ? index(value, v.substring(5)) : 0;
            int gpuCount = gpus.getAsInt();
            if (gpuCount == 0) {
                throw new IllegalArgumentException("device " + value + " was requested, but the PyTorch engine sees no GPU (the CPU"
                        + " build of libtorch is loaded, or no CUDA driver is installed); use cpu or auto, or load a CUDA build"
                        + " of libtorch 2.7.1 with GRAFT_LIBTORCH (graft devices shows what is loaded).");
            }
            if (index >= gpuCount) {
                throw new IllegalArgumentException("device " + value + " was requested, but the PyTorch engine sees " + gpuCount
                        + " GPU(s), cuda:0 to cuda:" + (gpuCount - 1) + ".");
            }
            return Device.gpu(index);
        }
        throw new IllegalArgumentException("Unknown device '" + value + "'; use cpu, cuda, cuda:N or auto.");
    }

    private static int index(String value, String digits) {
        try {
            int i = Integer.parseInt(digits);
            if (i >= 0) {
                return i;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException("Unknown device '" + value + "'; a GPU index is a number ≥ 0, as in cuda:0.");
    }
}
