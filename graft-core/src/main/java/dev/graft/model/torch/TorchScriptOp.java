package dev.graft.model.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * One TorchScript module that Graft writes ({@link TorchScriptArchive}) and runs through DJL's
 * {@code IValueUtils.forward} with autograd on, so libtorch differentiates what it computes.
 *
 * <p>Each call switches libtorch's TorchScript graph optimiser off for the calling thread (a
 * thread-local libtorch setting; Graft runs no other TorchScript): the module is then interpreted
 * as written, with libtorch's own autograd, whatever the input shapes.
 */
final class TorchScriptOp {

    /** Array names that DJL's {@code IValueUtils} would read as list, tuple or dict markers. */
    private static final Pattern PLAIN_NAME = Pattern.compile("\\w*");

    private final PtSymbolBlock module;

    /** Compiles module class {@code className} from {@code source}; kept for the life of the process (kilobytes). */
    TorchScriptOp(String className, String source) {
        NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try {
            module = JniUtils.loadModule((PtNDManager) manager,
                    new ByteArrayInputStream(TorchScriptArchive.write(className, source)), false, false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load Graft's TorchScript module " + className + ": " + e.getMessage(), e);
        }
    }

    /** The module's single output for {@code inputs} (in that order), in the first input's manager. */
    NDArray forward(NDArray... inputs) {
        NDManager step = inputs[0].getManager();
        NDList in = new NDList(inputs.length);
        for (NDArray a : inputs) {
            in.add(plain(a, step));
        }
        JniUtils.setGraphExecutorOptimize(false);
        return IValueUtils.forward(module, in, true).singletonOrThrow();
    }

    /** {@code a}, or an unnamed view of it in {@code step} when DJL would read its name as structure. */
    private static NDArray plain(NDArray a, NDManager step) {
        String name = a.getName();
        if (name == null || PLAIN_NAME.matcher(name).matches()) {
            return a;
        }
        NDArray view = a.reshape(a.getShape());
        view.attach(step);
        return view;
    }
}
