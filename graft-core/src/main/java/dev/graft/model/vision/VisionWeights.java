package dev.graft.model.vision;

import ai.djl.nn.Parameter;
import dev.graft.model.ArrayCopies;
import dev.graft.model.bert.LoadReport;
import dev.graft.model.bert.WeightLoadException;
import dev.graft.tensor.TensorData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Copies named tensors into a vision module's parameters and buffers, reporting what did not match. */
public final class VisionWeights {

    private VisionWeights() {
    }

    /** Parameters and buffers of {@code backbone} together, by name. */
    public static Map<String, Parameter> all(VisionBackbone backbone) {
        Map<String, Parameter> m = new LinkedHashMap<>(backbone.namedParameters());
        m.putAll(backbone.namedBuffers());
        if (backbone instanceof MobileNetV2 mb) {
            m.putAll(mb.classifierParameters());
        }
        return m;
    }

    /**
     * Loads {@code tensors} into {@code backbone}; tensors for which {@code ignore} holds are left out
     * (and listed as ignored). Throws when anything is missing, unexpected or mis-shaped.
     */
    public static LoadReport load(VisionBackbone backbone, Map<String, TensorData> tensors, Predicate<String> ignore) {
        Map<String, Parameter> targets = all(backbone);
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        List<LoadReport.ShapeMismatch> mismatched = new ArrayList<>();
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            if (ignore.test(e.getKey())) {
                ignored.add(e.getKey());
                continue;
            }
            Parameter p = targets.get(e.getKey());
            if (p == null) {
                unexpected.add(e.getKey());
                continue;
            }
            long[] expected = p.getArray().getShape().getShape();
            if (!Arrays.equals(expected, e.getValue().shape())) {
                mismatched.add(new LoadReport.ShapeMismatch(e.getKey(), expected, e.getValue().shape()));
                continue;
            }
            ArrayCopies.copyInto(p.getArray(), e.getValue().data());
            loaded.add(e.getKey());
        }
        for (String n : targets.keySet()) {
            if (!tensors.containsKey(n)) {
                missing.add(n);
            }
        }
        if (backbone instanceof MobileNetV2 mb) {
            missing.removeAll(mb.classifierParameters().keySet()); // the ImageNet classifier is optional
        }
        LoadReport report = new LoadReport(loaded, missing, unexpected, mismatched).withIgnored(ignored);
        if (!report.isClean()) {
            throw new WeightLoadException(report);
        }
        return report;
    }

    /** Every parameter and buffer as named tensors (the ImageNet classifier left out unless {@code withClassifier}). */
    public static List<TensorData> export(VisionBackbone backbone, boolean withClassifier) {
        Map<String, Parameter> m = new LinkedHashMap<>(backbone.namedParameters());
        m.putAll(backbone.namedBuffers());
        if (withClassifier && backbone instanceof MobileNetV2 mb) {
            m.putAll(mb.classifierParameters());
        }
        List<TensorData> out = new ArrayList<>();
        m.forEach((n, p) -> out.add(new TensorData(n, p.getArray().getShape().getShape(), p.getArray().toFloatArray())));
        return out;
    }
}
