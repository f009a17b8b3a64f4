package dev.graft.artifact;

import ai.djl.nn.Parameter;
import dev.graft.model.ArrayCopies;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadArrays;
import dev.graft.model.head.HeadConfig;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.tensor.safetensors.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads weights by name from a safetensors file ({@code head.safetensors}, LoRA/adapter weights), checking every name and shape. */
final class HeadWeights {

    private HeadWeights() {
    }

    /**
     * The head a saved model's manifest describes, in plain arrays read from its head file (no tensor engine), after
     * checking that the file stores the task's output names in the same order ({@link HeadLabels}) and holds exactly the
     * head's tensors with their shapes.
     *
     * @param dir          the model directory (the head file is resolved inside it)
     * @param manifestFile named in messages
     */
    static HeadArrays readSaved(Path dir, ModelManifest m, dev.graft.task.Task task, Path manifestFile) throws IOException {
        Path headFile = ModelDirectory.resolveInside(dir, m.head().file());
        HeadLabels.check(headFile, task.outputNames(), manifestFile);
        HeadConfig config = new HeadConfig(m.head().inputDim(), m.head().numClasses(), m.head().hiddenUnits(), m.head().dropout());
        return HeadArrays.of(config, read(HeadArrays.shapes(config), headFile, "Head weights"));
    }

    /**
     * {@link #readSaved} as a DJL head built in {@code manager} (which loads the engine), for a model whose backbone runs
     * on libtorch anyway.
     */
    static ClassifierHead loadSaved(Path dir, ModelManifest m, dev.graft.task.Task task, Path manifestFile, ai.djl.ndarray.NDManager manager)
            throws IOException {
        return readSaved(dir, m, task, manifestFile).toBlock(manager);
    }

    /**
     * Loads {@code file} into {@code params} by name; a missing, unexpected or mis-shaped tensor is an
     * error that names {@code what} and the file and lists every problem.
     */
    static void load(Map<String, Parameter> params, Path file, String what) throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        params.forEach((name, p) -> shapes.put(name, p.getArray().getShape().getShape()));
        read(shapes, file, what).forEach((name, values) -> ArrayCopies.copyInto(params.get(name).getArray(), values));
    }

    /**
     * Reads exactly the tensors {@code shapes} names from {@code file}, checking each shape; a missing, unexpected or
     * mis-shaped tensor is an error that names {@code what} and the file and lists every problem.
     *
     * @return the values by name, in the order of {@code shapes}
     */
    static Map<String, float[]> read(Map<String, long[]> shapes, Path file, String what) throws IOException {
        try (SafeTensorsFile st = SafeTensors.open(file)) {
            List<String> problems = new ArrayList<>();
            for (String name : st.names()) {
                if (!shapes.containsKey(name)) {
                    problems.add("unexpected tensor '" + name + "'");
                }
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                if (!st.contains(e.getKey())) {
                    problems.add("missing tensor '" + e.getKey() + "'");
                    continue;
                }
                TensorData t = st.tensor(e.getKey());
                if (!Arrays.equals(e.getValue(), t.shape())) {
                    problems.add("tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape()) + ", expected "
                            + Arrays.toString(e.getValue()));
                    continue;
                }
                out.put(e.getKey(), t.data());
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(what + " " + file + " do not match the manifest: " + String.join("; ", problems));
            }
            return out;
        }
    }

}
