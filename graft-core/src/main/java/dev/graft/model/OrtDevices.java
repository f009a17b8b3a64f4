package dev.graft.model;

import ai.djl.Device;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.Set;

/**
 * Where ONNX Runtime runs a frozen pass: its CPU provider, or its CUDA provider for a GPU device. The CUDA provider is
 * in ONNX Runtime's GPU build ({@code com.microsoft.onnxruntime:onnxruntime_gpu}), chosen at run time like libtorch's:
 * {@code bin/graft} puts the jar {@code GRAFT_ORT_JAR} names ahead of the CPU build on the class path.
 */
public final class OrtDevices {

    private OrtDevices() {
    }

    /** Whether the loaded ONNX Runtime has its CUDA provider. */
    public static boolean cudaAvailable() {
        return cudaIn(OrtTempDirectory.providers());
    }

    /** Whether {@code providers} holds CUDA's. */
    static boolean cudaIn(Set<OrtProvider> providers) {
        return providers.contains(OrtProvider.CUDA);
    }

    /**
     * Whether a session for {@code device} runs on CUDA, given ONNX Runtime's {@code available} providers: yes for a GPU,
     * no for the CPU.
     *
     * @throws IllegalArgumentException for a GPU when CUDA's provider is not among {@code available}, saying how to load it
     */
    static boolean usesCuda(Device device, Set<OrtProvider> available) {
        if (!device.isGpu()) {
            return false;
        }
        if (!cudaIn(available)) {
            throw new IllegalArgumentException("ONNX Runtime's CUDA provider is needed for a frozen pass on " + device + ", but"
                    + " the loaded ONNX Runtime has only " + available + " (the CPU build). Set GRAFT_ORT_JAR to the"
                    + " com.microsoft.onnxruntime:onnxruntime_gpu 1.22 jar, or compute on the cpu.");
        }
        return true;
    }

    /**
     * Sets {@code options} to run on {@code device}: nothing for the CPU, CUDA's provider on the GPU's index otherwise.
     *
     * @throws IllegalArgumentException for a GPU without CUDA's provider ({@link #usesCuda})
     */
    public static void configure(OrtSession.SessionOptions options, Device device) throws OrtException {
        if (usesCuda(device, OrtTempDirectory.providers())) {
            options.addCUDA(device.getDeviceId());
        }
    }
}
