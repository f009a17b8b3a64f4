package dev.graft.cli;

import dev.graft.model.ComputeDevices;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code graft devices}: the libtorch build, GPUs, CPU bfloat16 flags and ONNX Runtime providers this process sees. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"Show what Graft can compute on: the libtorch build loaded (CPU or CUDA, and its folder), the GPUs it"
                + " sees, the CPU's bfloat16 flags, ONNX Runtime's providers, and what --device auto and --precision auto"
                + " pick. A CUDA build of libtorch 2.7.1 is chosen at run time: set GRAFT_LIBTORCH to its lib folder.", ""})
final class DevicesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(ComputeDevices.current().toText());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
