package dev.graft.model.vision;

import dev.graft.model.bert.LoadReport;
import dev.graft.tensor.TensorData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads EfficientNet checkpoints in either published layout into {@link EfficientNet}'s (timm) names: one loader,
 * two name maps. timm names are used as they are; torchvision's are renamed:
 * <pre>
 * features.0.0 / features.0.1                    → conv_stem / bn1
 * features.{s+1}.{b}.block.{k}.0 / .1            → blocks.{s}.{b}.{conv, bn} of part k
 * features.{s+1}.{b}.block.{k}.fc1 / fc2         → blocks.{s}.{b}.se.conv_reduce / conv_expand
 * features.{n+1}.0 / features.{n+1}.1            → conv_head / bn2
 * </pre>
 * where part k runs over (conv_pw, bn1), (conv_dw, bn2), se, (conv_pwl, bn3) in an expanded block and over
 * (conv_dw, bn1), se, (conv_pw, bn2) in a stage without expansion.
 */
public final class EfficientNetWeights {

    /** The two name layouts. */
    public enum Layout {
        /** timm ({@code conv_stem}, {@code blocks.s.b.conv_dw}, ...): Graft's own names. */
        TIMM,
        /** torchvision ({@code features.i.j.block.k...}). */
        TORCHVISION
    }

    private EfficientNetWeights() {
    }

    /** The layout of a checkpoint, recognised by its stem convolution's name. */
    public static Layout layout(Map<String, TensorData> tensors) {
        if (tensors.containsKey("conv_stem.weight")) {
            return Layout.TIMM;
        }
        if (tensors.containsKey("features.0.0.weight")) {
            return Layout.TORCHVISION;
        }
        List<String> first = tensors.keySet().stream().limit(5).toList();
        throw new IllegalArgumentException("not an EfficientNet checkpoint: it has neither conv_stem.weight (timm) nor"
                + " features.0.0.weight (torchvision); its first tensors are " + first);
    }

    /**
     * Loads {@code tensors} (either layout) into {@code net}; the ImageNet classifier and BatchNorm counters are
     * ignored. Throws {@link dev.graft.model.bert.WeightLoadException} naming every missing, unexpected or mis-shaped
     * tensor (in Graft's names).
     */
    public static LoadReport load(EfficientNet net, Map<String, TensorData> tensors) {
        return VisionWeights.load(net, toTimm(tensors, net.spec()), EfficientNet::ignoredCheckpointEntry);
    }

    /** The checkpoint under timm's names (unchanged if it already uses them; names no rule matches are kept as they are). */
    public static Map<String, TensorData> toTimm(Map<String, TensorData> tensors, EfficientNetSpec spec) {
        if (layout(tensors) == Layout.TIMM) {
            return tensors;
        }
        Map<String, TensorData> out = new LinkedHashMap<>();
        tensors.forEach((n, t) -> {
            String m = torchvisionToTimm(n, spec);
            out.put(m, new TensorData(m, t.shape(), t.data()));
        });
        return out;
    }

    /** The timm name of a torchvision EfficientNet tensor name ({@code name} itself when no rule applies). */
    public static String torchvisionToTimm(String name, EfficientNetSpec spec) {
        String[] p = name.split("\\.");
        if (p.length < 2) {
            return name;
        }
        if (p[0].equals("classifier")) {
            return name; // ignored: the ImageNet classifier
        }
        if (!p[0].equals("features") || !isInt(p[1])) {
            return name;
        }
        int i = Integer.parseInt(p[1]);
        int stages = spec.stages().size();
        if (i == 0 || i == stages + 1) {
            if (p.length != 4 || !(p[2].equals("0") || p[2].equals("1"))) {
                return name;
            }
            String conv = i == 0 ? "conv_stem" : "conv_head";
            String bn = i == 0 ? "bn1" : "bn2";
            return (p[2].equals("0") ? conv : bn) + "." + p[3];
        }
        if (i > stages || p.length < 6 || !isInt(p[2]) || !p[3].equals("block") || !isInt(p[4])) {
            return name;
        }
        int s = i - 1;
        String prefix = "blocks." + s + "." + p[2] + ".";
        List<String[]> parts = parts(spec.stages().get(s).expand() != 1, spec.seRatio() > 0);
        int k = Integer.parseInt(p[4]);
        if (k >= parts.size()) {
            return name;
        }
        String[] part = parts.get(k);
        String rest = String.join(".", java.util.Arrays.copyOfRange(p, 6, p.length));
        if (part.length == 1) { // squeeze-excitation: fc1 / fc2
            return switch (p[5]) {
                case "fc1" -> prefix + "se.conv_reduce." + rest;
                case "fc2" -> prefix + "se.conv_expand." + rest;
                default -> name;
            };
        }
        return switch (p[5]) {
            case "0" -> prefix + part[0] + "." + rest;
            case "1" -> prefix + part[1] + "." + rest;
            default -> name;
        };
    }

    /** torchvision's sub-modules of a block, in order: {conv, bn} pairs and {"se"}. */
    private static List<String[]> parts(boolean expanded, boolean se) {
        List<String[]> l = new ArrayList<>();
        if (expanded) {
            l.add(new String[] {"conv_pw", "bn1"});
            l.add(new String[] {"conv_dw", "bn2"});
        } else {
            l.add(new String[] {"conv_dw", "bn1"});
        }
        if (se) {
            l.add(new String[] {"se"});
        }
        l.add(expanded ? new String[] {"conv_pwl", "bn3"} : new String[] {"conv_pw", "bn2"});
        return l;
    }

    private static boolean isInt(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }
}
