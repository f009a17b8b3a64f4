package dev.graft.training.optim;

import java.util.List;

/**
 * Parameters that share optimiser settings, as in PyTorch's parameter groups.
 *
 * @param name        for logs ({@code head}, {@code no_decay}, {@code layer.5})
 * @param parameters  stable parameter names in this group
 * @param lrScale     multiplier on the scheduled learning rate (differential learning rates)
 * @param weightDecay decoupled weight decay for this group
 */
public record ParamGroup(String name, List<String> parameters, double lrScale, double weightDecay) {

    /** Validates the fields. */
    public ParamGroup {
        parameters = List.copyOf(parameters);
        if (!(lrScale >= 0)) {
            throw new IllegalArgumentException("group '" + name + "': lrScale must be ≥ 0, got " + lrScale);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("group '" + name + "': weightDecay must be ≥ 0, got " + weightDecay);
        }
    }

    /** True for parameters that conventionally get no weight decay: biases and normalisation weights. */
    public static boolean isNoDecay(String parameterName) {
        String n = parameterName.toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".bias") || n.equals("bias") || n.contains("layernorm") || n.contains("norm.")
                || n.contains(".bn") || n.startsWith("bn");
    }

    /**
     * Splits parameter names into a decayed group and a no-decay group (biases and norms), both at
     * {@code lrScale}.
     */
    public static List<ParamGroup> withDecayRule(String name, List<String> names, double lrScale, double weightDecay) {
        List<String> decay = names.stream().filter(n -> !isNoDecay(n)).toList();
        List<String> noDecay = names.stream().filter(ParamGroup::isNoDecay).toList();
        return List.of(new ParamGroup(name, decay, lrScale, weightDecay),
                new ParamGroup(name + ".no_decay", noDecay, lrScale, 0.0));
    }
}
