package dev.graft.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.cuda.CudaUtils;
import ai.onnxruntime.OrtProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What this process can compute on: the libtorch build DJL loaded (its version, folder and whether it is a CUDA build),
 * the GPUs it sees, the CPU's bfloat16 flags and ONNX Runtime's execution providers, and what {@code device auto} and
 * {@code precision auto} pick from them. A CUDA build of libtorch is chosen at run time, not by a second build of
 * Graft: {@code bin/graft} passes {@code GRAFT_LIBTORCH} to DJL as {@code PYTORCH_LIBRARY_PATH}.
 *
 * @param libtorchVersion the loaded libtorch's version
 * @param libtorchFolder  the folder it was loaded from
 * @param cudaBuild       whether the engine has CUDA support
 * @param gpus            one line per GPU the engine sees ({@code gpu(0): compute capability 9.0, 80.0 GiB})
 * @param cpuBf16         the CPU's bfloat16 flags ({@link CpuFeatures#bf16Flags()})
 * @param ortVersion      ONNX Runtime's version
 * @param ortProviders    ONNX Runtime's available execution providers
 * @param autoDevice      what {@code device auto} resolves to
 */
public record ComputeDevices(String libtorchVersion, String libtorchFolder, boolean cudaBuild, List<String> gpus,
                             String cpuBf16, String ortVersion, List<String> ortProviders, Device autoDevice) {

    /** Copies the lists. */
    public ComputeDevices {
        gpus = List.copyOf(gpus);
        ortProviders = List.copyOf(ortProviders);
    }

    /** This process's devices (loads the PyTorch engine and ONNX Runtime). */
    public static ComputeDevices current() {
        Engine engine = Engine.getEngine("PyTorch");
        int count = engine.getGpuCount();
        List<String> gpus = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Device d = Device.gpu(i);
            gpus.add(String.format(Locale.ROOT, "%s: compute capability %s, %.1f GiB", d, CudaUtils.getComputeCapability(i),
                    CudaUtils.getGpuMemory(d).getMax() / (double) (1L << 30)));
        }
        List<String> providers = OrtTempDirectory.providers().stream().map(OrtProvider::name).sorted().toList();
        return new ComputeDevices(engine.getVersion(), LibUtils.getLibtorchPath(),
                engine.hasCapability(StandardCapabilities.CUDA), gpus, CpuFeatures.current().bf16Flags(),
                OrtTempDirectory.environment().getVersion(), providers, DeviceChoice.resolve("auto", count));
    }

    /** The report {@code graft devices} prints, one fact a line. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("libtorch ").append(libtorchVersion).append(cudaBuild ? " (CUDA build)" : " (CPU build)").append(", from ")
                .append(libtorchFolder).append('\n');
        b.append("GPUs: ").append(gpus.isEmpty() ? "none" : String.join("; ", gpus)).append('\n');
        b.append("CPU bfloat16: ").append(cpuBf16).append('\n');
        b.append("ONNX Runtime ").append(ortVersion).append(", providers: ").append(String.join(", ", ortProviders)).append('\n');
        b.append("device auto: ").append(autoDevice.isGpu() ? autoDevice + " for text fine-tune, lora and adapter runs"
                + (ortProviders.contains("CUDA") ? " and the frozen pass of text feature extraction" : "") + "; cpu for the rest"
                : "cpu").append('\n');
        b.append("precision auto: ").append(autoDevice.isGpu() ? "fp32 on the GPU; on the CPU " : "")
                .append(cpuBf16.equals("none") ? "fp32" : "bf16 for text encoders that train (question answering: fp32)"
                        + (cpuBf16.contains("amx_bf16") ? " and for frozen sentence vectors" : "")).append('\n');
        return b.toString();
    }
}
