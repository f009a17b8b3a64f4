package dev.graft.run;

import dev.graft.model.peft.PeftMethod;
import dev.graft.util.Arguments;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The strategies a run can be asked for by name: feature-extraction, fine-tune, lora and adapter built in; a Java
 * caller registers more, or replaces a built-in one, with {@link #register}.
 */
public final class Strategies {

    private static final Map<String, TrainingStrategy> REGISTRY = new LinkedHashMap<>();

    static {
        register(new FeatureExtractionStrategy());
        register(new FineTuneStrategy());
        register(new FineTuneStrategy(PeftMethod.LORA));
        register(new FineTuneStrategy(PeftMethod.ADAPTER));
    }

    private Strategies() {
    }

    /** Registers {@code strategy} under its name, replacing one registered there before (process-wide). */
    public static synchronized void register(TrainingStrategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        REGISTRY.put(strategy.name(), strategy);
    }

    /** The strategy registered as {@code name}; refuses an unknown name, listing the known ones. */
    public static synchronized TrainingStrategy named(String name) {
        TrainingStrategy s = REGISTRY.get(name);
        if (s == null) {
            throw new IllegalArgumentException("Unknown " + Arguments.name("strategy") + " '" + name + "'. Available: "
                    + String.join(", ", names()) + ".");
        }
        return s;
    }

    /** The registered names, built-in ones first. */
    public static synchronized List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /** The names of the strategies that train image models. */
    public static synchronized List<String> imageNames() {
        List<String> names = new ArrayList<>();
        REGISTRY.values().stream().filter(TrainingStrategy::supportsImages).forEach(s -> names.add(s.name()));
        return names;
    }
}
