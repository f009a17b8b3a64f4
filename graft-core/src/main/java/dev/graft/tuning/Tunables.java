package dev.graft.tuning;

import dev.graft.util.Arguments;
import dev.graft.model.peft.PeftMethod;
import dev.graft.model.peft.PeftSpec;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.training.FreezeSchedule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The settings a search may vary and how each value is applied to a strategy's configuration. A
 * new dimension (e.g. a LoRA rank) is one more {@link Knob} in {@link #KNOBS}.
 */
public final class Tunables {

    /**
     * One tunable setting.
     *
     * @param name        its name in a search space
     * @param description one line for help texts
     * @param fe          applies a value to feature extraction, or null when it does not apply there
     * @param ft          applies a value to fine-tuning (full, LoRA or adapters), or null when it does not apply there
     * @param peft        applies a value to the LoRA or adapter spec, or null when it does not set one
     * @param scope       the strategies it applies to
     */
    public record Knob(String name, String description, BiFunction<FeatureExtractionConfig, Object, FeatureExtractionConfig> fe,
                       BiFunction<FineTuneConfig, Object, FineTuneConfig> ft, BiFunction<PeftSpec, Object, PeftSpec> peft,
                       java.util.Set<Strategy> scope) {

        Knob(String name, String description, BiFunction<FeatureExtractionConfig, Object, FeatureExtractionConfig> fe,
             BiFunction<FineTuneConfig, Object, FineTuneConfig> ft) {
            this(name, description, fe, ft, null, fe != null ? java.util.EnumSet.allOf(Strategy.class)
                    : java.util.EnumSet.of(Strategy.FINE_TUNE, Strategy.LORA, Strategy.ADAPTER));
        }
    }

    /** The strategies a search can tune. */
    public enum Strategy {
        /** Frozen backbone, new head. */
        FEATURE_EXTRACTION,
        /** Backbone layers and head. */
        FINE_TUNE,
        /** LoRA updates and head. */
        LORA,
        /** Bottleneck adapters and head. */
        ADAPTER;

        /** The strategy of {@code fineTune} with {@code peft} (null: none). */
        public static Strategy of(boolean fineTune, PeftSpec peft) {
            if (!fineTune) {
                return FEATURE_EXTRACTION;
            }
            return peft == null ? FINE_TUNE : peft.method() == PeftMethod.LORA ? LORA : ADAPTER;
        }

        String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Every tunable setting. */
    public static final List<Knob> KNOBS = List.of(
            new Knob("lr", "head learning rate (fine-tune: the head's; the backbone keeps its ratio unless lr_backbone is searched)",
                    (c, v) -> c.withTraining(c.training().withLearningRate(num(v))),
                    (c, v) -> c.withTraining(c.training().withLearningRate(num(v)))),
            new Knob("weight_decay", "AdamW weight decay (not on biases and norms)",
                    (c, v) -> c.withTraining(c.training().withWeightDecay(num(v))),
                    (c, v) -> c.withTraining(c.training().withWeightDecay(num(v)))),
            new Knob("dropout", "head dropout",
                    (c, v) -> c.withDropout(num(v)),
                    (c, v) -> c.withHead(c.hiddenUnits(), num(v))),
            new Knob("hidden", "units of the head's hidden layer (0 = linear head)",
                    (c, v) -> c.withHiddenUnits((int) Math.round(num(v))),
                    (c, v) -> c.withHead((int) Math.round(num(v)), c.dropout())),
            new Knob("batch_size", "examples per step",
                    (c, v) -> c.withTraining(c.training().withBatchSize((int) Math.round(num(v)))),
                    (c, v) -> c.withTraining(c.training().withBatchSize((int) Math.round(num(v))))),
            new Knob("lr_backbone", "fine-tune: learning rate of the top backbone layer (lora, adapter: of the new modules)", null,
                    (c, v) -> c.withBackboneLr(num(v), c.layerDecay())),
            new Knob("layer_decay", "fine-tune: learning-rate factor per layer going down", null,
                    (c, v) -> c.withBackboneLr(c.backboneLr(), num(v)), null, java.util.EnumSet.of(Strategy.FINE_TUNE)),
            new Knob("unfreeze", "fine-tune: top K backbone layer groups that train, or all", null,
                    (c, v) -> c.withFreeze(new FreezeSchedule(unfreeze(v), c.freeze().headEpochs(), c.freeze().gradual(),
                            c.freeze().freezeEmbeddings())), null, java.util.EnumSet.of(Strategy.FINE_TUNE)),
            new Knob("lora_rank", "lora: rank r of each update (alpha/r keeps its ratio: alpha scales with r)", null, null,
                    (p, v) -> {
                        int r = (int) Math.round(num(v));
                        return new PeftSpec(p.method(), r, p.alpha() * r / p.rank(), p.dropout(), p.targets(), p.adapterSize(),
                                p.trainLayerNorms());
                    }, java.util.EnumSet.of(Strategy.LORA)),
            new Knob("adapter_size", "adapter: bottleneck width", null, null,
                    (p, v) -> new PeftSpec(p.method(), p.rank(), p.alpha(), p.dropout(), p.targets(), (int) Math.round(num(v)),
                            p.trainLayerNorms()), java.util.EnumSet.of(Strategy.ADAPTER)));

    private Tunables() {
    }

    /** The knob called {@code name}. */
    public static Knob knob(String name) {
        return KNOBS.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "search space: unknown setting '" + name + "'. Tunable: " + String.join(", ", KNOBS.stream().map(Knob::name).toList())));
    }

    /** Checks that every dimension of {@code space} applies to {@code strategy}, naming the one that does not. */
    public static void check(SearchSpace space, Strategy strategy) {
        for (SearchSpace.Dimension d : space.dimensions()) {
            Knob k = knob(d.name());
            if (!k.scope().contains(strategy)) {
                throw new IllegalArgumentException("search space: '" + d.name() + "' applies to " + Arguments.name("strategy") + " "
                        + String.join("|", k.scope().stream().map(Strategy::key).toList()) + ", not " + strategy.key()
                        + "; drop it from " + Arguments.name("space") + ".");
            }
        }
    }

    /** {@code base} with {@code params} applied. */
    public static FeatureExtractionConfig apply(FeatureExtractionConfig base, Map<String, Object> params) {
        FeatureExtractionConfig c = base;
        for (Map.Entry<String, Object> e : params.entrySet()) {
            c = knob(e.getKey()).fe().apply(c, e.getValue());
        }
        return c;
    }

    /** {@code base} with the fine-tuning settings among {@code params} applied. */
    public static FineTuneConfig apply(FineTuneConfig base, Map<String, Object> params) {
        FineTuneConfig c = base;
        for (Map.Entry<String, Object> e : params.entrySet()) {
            Knob k = knob(e.getKey());
            if (k.ft() != null) {
                c = k.ft().apply(c, e.getValue());
            }
        }
        return c;
    }

    /** {@code base} (null for full fine-tuning: stays null) with the LoRA/adapter settings among {@code params} applied. */
    public static PeftSpec apply(PeftSpec base, Map<String, Object> params) {
        PeftSpec p = base;
        for (Map.Entry<String, Object> e : params.entrySet()) {
            Knob k = knob(e.getKey());
            if (k.peft() != null && p != null) {
                p = k.peft().apply(p, e.getValue());
            }
        }
        return p;
    }

    /** The values of {@code base} for every dimension of {@code space}: the untuned default trial. */
    public static Map<String, Object> defaults(SearchSpace space, FeatureExtractionConfig fe, FineTuneConfig ft, PeftSpec peft) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (SearchSpace.Dimension d : space.dimensions()) {
            Object v = switch (d.name()) {
                case "lr" -> fe != null ? fe.training().learningRate() : ft.training().learningRate();
                case "weight_decay" -> fe != null ? fe.training().weightDecay() : ft.training().weightDecay();
                case "dropout" -> fe != null ? fe.dropout() : ft.dropout();
                case "hidden" -> (double) (fe != null ? fe.hiddenUnits() : ft.hiddenUnits());
                case "batch_size" -> (double) (fe != null ? fe.training().batchSize() : ft.training().batchSize());
                case "lr_backbone" -> ft.backboneLr();
                case "layer_decay" -> ft.layerDecay();
                case "unfreeze" -> ft.freeze().depth() == FreezeSchedule.ALL ? "all" : Integer.toString(ft.freeze().depth());
                case "lora_rank" -> peft == null ? null : (double) peft.rank();
                case "adapter_size" -> peft == null ? null : (double) peft.adapterSize();
                default -> null;
            };
            if (v != null) {
                m.put(d.name(), d instanceof SearchSpace.Choice ? String.valueOf(v instanceof Double x && x == Math.rint(x) ? (long) (double) x : v) : v);
            }
        }
        return m;
    }

    private static double num(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("search space: '" + v + "' is not a number");
        }
    }

    private static int unfreeze(Object v) {
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        if (s.equals("all")) {
            return FreezeSchedule.ALL;
        }
        return (int) Math.round(num(s));
    }
}
