package dev.graft.artifact;

import ai.djl.nn.Parameter;
import dev.graft.model.ArrayCopies;
import dev.graft.model.head.ClassifierHead;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.tensor.safetensors.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Reads weights by name from a safetensors file ({@code head.safetensors}, LoRA/adapter weights), checking every name and shape. */
final class HeadWeights {

    private HeadWeights() {
    }

    /**
     * Loads {@code file} into {@code head}; a missing, unexpected or mis-shaped tensor is an error
     * that lists every problem.
     */
    /**
     * The head a saved model's manifest describes, built in {@code manager} with the weights of its head file, after
     * checking that the file stores the task's output names in the same order ({@link HeadLabels}).
     *
     * @param dir          the model directory (the head file is resolved inside it)
     * @param manifestFile named in messages
     */
    static ClassifierHead loadSaved(Path dir, ModelManifest m, dev.graft.task.Task task, Path manifestFile, ai.djl.ndarray.NDManager manager)
            throws IOException {
        Path headFile = ModelDirectory.resolveInside(dir, m.head().file());
        HeadLabels.check(headFile, task.outputNames(), manifestFile);
        ClassifierHead head = new ClassifierHead(new dev.graft.model.head.HeadConfig(m.head().inputDim(), m.head().numClasses(),
                m.head().hiddenUnits(), m.head().dropout()));
        head.initialize(manager);
        load(head, headFile);
        return head;
    }

    static void load(ClassifierHead head, Path file) throws IOException {
        load(head.namedParameters(), file, "Head weights");
    }

    /**
     * Loads {@code file} into {@code params} by name; a missing, unexpected or mis-shaped tensor is an
     * error that names {@code what} and the file and lists every problem.
     */
    static void load(Map<String, Parameter> params, Path file, String what) throws IOException {
        try (SafeTensorsFile st = SafeTensors.open(file)) {
            List<String> problems = new ArrayList<>();
            for (String name : st.names()) {
                if (!params.containsKey(name)) {
                    problems.add("unexpected tensor '" + name + "'");
                }
            }
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                if (!st.contains(e.getKey())) {
                    problems.add("missing tensor '" + e.getKey() + "'");
                    continue;
                }
                TensorData t = st.tensor(e.getKey());
                long[] expected = e.getValue().getArray().getShape().getShape();
                if (!Arrays.equals(expected, t.shape())) {
                    problems.add("tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(expected));
                    continue;
                }
                ArrayCopies.copyInto(e.getValue().getArray(), t.data());
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(what + " " + file + " do not match the manifest: " + String.join("; ", problems));
            }
        }
    }

}
