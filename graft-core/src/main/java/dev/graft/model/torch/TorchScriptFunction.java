package dev.graft.model.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A differentiable function of tensors written in TorchScript by Graft (a module without parameters, archived by
 * {@link TorchScriptArchive}) and run through DJL's {@code IValueUtils.forward} with autograd on: libtorch records the
 * ops the module runs, so gradients flow through it inside a {@code GradientCollector}. This is how Graft reaches
 * libtorch ops that DJL 0.36's JNI lacks (bfloat16 casts, memory formats).
 *
 * <p>Each call switches libtorch's TorchScript graph optimiser off for the calling thread (a thread-local libtorch
 * setting; Graft runs no other TorchScript): the module is then interpreted as written, with libtorch's own autograd,
 * whatever the input shapes.
 */
public final class TorchScriptFunction {

    /** Array names that DJL's {@code IValueUtils} would read as list, tuple or dict markers. */
    private static final Pattern PLAIN_NAME = Pattern.compile("\\w*");

    private final PtSymbolBlock module;

    private TorchScriptFunction(PtSymbolBlock module) {
        this.module = module;
    }

    /**
     * Compiles module class {@code className} from {@code source} (TorchScript, see {@link TorchScriptArchive#write});
     * the module lives for the rest of the process (a few kilobytes), so callers keep one per distinct source.
     */
    public static TorchScriptFunction compile(String className, String source) {
        NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try {
            return new TorchScriptFunction(JniUtils.loadModule((PtNDManager) manager,
                    new ByteArrayInputStream(TorchScriptArchive.write(className, source)), false, false));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load Graft's TorchScript module " + className + ": " + e.getMessage(), e);
        }
    }

    /**
     * The TorchScript source of a module class without parameters, as {@link TorchScriptArchive#write} takes it: its
     * {@code forward} takes the named tensors, in order, and runs {@code body} (statements without the method's
     * indentation, nested blocks indented by two spaces; the last returns a Tensor).
     */
    public static String moduleSource(String className, List<String> tensorArgs, List<String> body) {
        return moduleSource(className, tensorArgs, "Tensor", body);
    }

    /**
     * As {@link #moduleSource(String, List, List)}, with arguments that may give their type ({@code "lr: float"},
     * {@code "grads: List[Tensor]"}; a bare name is a Tensor) and {@code forward}'s return type.
     */
    public static String moduleSource(String className, List<String> args, String returnType, List<String> body) {
        StringBuilder b = new StringBuilder()
                .append("class ").append(className).append("(Module):\n")
                .append("  __parameters__ = []\n")
                .append("  __buffers__ = []\n")
                .append("  training : bool\n")
                .append("  def forward(self: __torch__.").append(className);
        for (String arg : args) {
            b.append(",\n    ").append(arg.contains(":") ? arg : arg + ": Tensor");
        }
        b.append(") -> ").append(returnType).append(":\n");
        for (String line : body) {
            b.append("    ").append(line).append('\n');
        }
        return b.toString();
    }

    /**
     * The module's single output for these inputs (in the order of its {@code forward} arguments), in the first input's
     * manager.
     */
    public NDArray apply(NDArray... inputs) {
        NDManager step = inputs[0].getManager();
        NDList in = new NDList(inputs.length);
        for (NDArray a : inputs) {
            in.add(plain(a, step));
        }
        JniUtils.setGraphExecutorOptimize(false);
        return IValueUtils.forward(module, in, true).singletonOrThrow();
    }

    /**
     * Runs the module without autograd, for modules that update tensors in place or reduce them to a number, and
     * returns its result: a {@link Boolean}, {@link Double} or {@link Long} for TorchScript's {@code bool},
     * {@code float} or {@code int}. Arguments map to TorchScript types: {@link NDArray} to {@code Tensor},
     * {@link Double} to {@code float}, {@link Long} to {@code int}, {@link Boolean} to {@code bool}, and a non-empty
     * {@link List} of arrays, doubles or such lists to {@code List[Tensor]}, {@code List[float]} or a list of lists.
     */
    public Object call(Object... arguments) {
        List<IValue> values = new ArrayList<>(arguments.length);
        try {
            IValue[] args = new IValue[arguments.length];
            for (int i = 0; i < arguments.length; i++) {
                args[i] = value(arguments[i], values);
            }
            JniUtils.setGraphExecutorOptimize(false);
            try (IValue result = IValueUtils.runMethod(module, "forward", args)) {
                if (result.isBoolean()) {
                    return result.toBoolean();
                }
                if (result.isDouble()) {
                    return result.toDouble();
                }
                if (result.isLong()) {
                    return result.toLong();
                }
                throw new IllegalStateException("Graft's TorchScript module returned a " + result.getType()
                        + ", not a bool, float or int");
            }
        } finally {
            values.forEach(IValue::close);
        }
    }

    /** {@code a} as an IValue, added with any nested ones it was built from to {@code made}, which the caller closes. */
    private static IValue value(Object a, List<IValue> made) {
        IValue v;
        if (a instanceof NDArray array) {
            v = IValue.from((PtNDArray) array);
        } else if (a instanceof List<?> list) {
            if (list.isEmpty()) {
                throw new IllegalArgumentException("an empty list has no TorchScript element type");
            }
            Object first = list.get(0);
            if (first instanceof NDArray) {
                v = IValue.listFrom(list.stream().map(e -> (PtNDArray) e).toArray(PtNDArray[]::new));
            } else if (first instanceof Double) {
                v = IValue.listFrom(list.stream().mapToDouble(e -> (Double) e).toArray());
            } else {
                v = IValue.listFrom(list.stream().map(e -> value(e, made)).toArray(IValue[]::new));
            }
        } else if (a instanceof Double d) {
            v = IValue.from(d.doubleValue());
        } else if (a instanceof Long l) {
            v = IValue.from(l.longValue());
        } else if (a instanceof Boolean b) {
            v = IValue.from(b.booleanValue());
        } else {
            throw new IllegalArgumentException("no TorchScript type for a " + a.getClass().getName());
        }
        made.add(v);
        return v;
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
