package dev.graft.model.peft;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.model.ArrayCopies;
import dev.graft.model.bert.BertLinear;
import dev.graft.model.bert.BertModel;
import dev.graft.model.bert.LinearDelta;
import dev.graft.tensor.TensorData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The LoRA updates or adapters attached to one {@link BertModel} by a {@link PeftSpec}: the new
 * parameters by stable name ({@code encoder.layer.0.attention.self.query.lora_A.weight},
 * {@code encoder.layer.0.output.dense.adapter.up.weight}, names relative to the BERT model), the
 * pretrained parameters that train with them (LayerNorms, when the spec says so), and merging of
 * LoRA into the pretrained weights.
 */
public final class PeftModules {

    /** The layers adapters follow: the attention-output and feed-forward-output projections. */
    static final List<String> ADAPTER_SITES = List.of("attention.output.dense", "output.dense");

    private final PeftSpec spec;
    private final BertModel model;
    private final Map<String, BertLinear> decorated;
    private final Map<String, LinearDelta> deltas;
    private final Map<String, Parameter> parameters;
    private final List<String> trainedBase;
    private boolean attached = true;

    private PeftModules(PeftSpec spec, BertModel model, Map<String, BertLinear> decorated, Map<String, LinearDelta> deltas,
                        Map<String, Parameter> parameters, List<String> trainedBase) {
        this.spec = spec;
        this.model = model;
        this.decorated = decorated;
        this.deltas = deltas;
        this.parameters = parameters;
        this.trainedBase = trainedBase;
    }

    /**
     * Decorates {@code model}'s linear layers as {@code spec} says, with new parameters initialised in
     * {@code manager} (seed the engine first for a repeatable start). The model then computes what it
     * computed before, up to the adapters' near-zero start (LoRA: exactly).
     *
     * @throws IllegalStateException when the model is already decorated
     */
    public static PeftModules attach(BertModel model, PeftSpec spec, NDManager manager) {
        Map<String, BertLinear> decorated = new LinkedHashMap<>();
        Map<String, LinearDelta> deltas = new LinkedHashMap<>();
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (int i = 0; i < model.numLayers(); i++) {
            Map<String, BertLinear> linears = model.layers().get(i).linears();
            List<String> sites = spec.method() == PeftMethod.LORA
                    ? spec.targets().stream().map(LoraTarget::layerName).toList() : ADAPTER_SITES;
            for (String site : sites) {
                BertLinear linear = linears.get(site);
                String name = "encoder.layer." + i + "." + site;
                if (linear.delta() != null) {
                    throw new IllegalStateException(name + " is already decorated; attach parameter-efficient modules once");
                }
                Map<String, Parameter> own;
                LinearDelta delta;
                if (spec.method() == PeftMethod.LORA) {
                    LoraDelta d = new LoraDelta(linear.inFeatures(), linear.outFeatures(), spec.rank(), (float) spec.scale(),
                            (float) spec.dropout(), manager);
                    own = d.namedParameters();
                    delta = d;
                } else {
                    BottleneckAdapter d = new BottleneckAdapter(linear.outFeatures(), spec.adapterSize(), manager);
                    own = d.namedParameters();
                    delta = d;
                }
                own.forEach((k, v) -> params.put(name + "." + k, v));
                decorated.put(name, linear);
                deltas.put(name, delta);
            }
        }
        for (Map.Entry<String, BertLinear> e : decorated.entrySet()) {
            e.getValue().decorate(deltas.get(e.getKey()));
        }
        List<String> trainedBase = spec.trainLayerNorms()
                ? model.namedParameters().keySet().stream().filter(n -> n.toLowerCase(Locale.ROOT).contains("layernorm")).toList()
                : List.of();
        return new PeftModules(spec, model, decorated, deltas, Collections.unmodifiableMap(params), trainedBase);
    }

    /** The spec these modules were built from. */
    public PeftSpec spec() {
        return spec;
    }

    /** The new parameters by name relative to the BERT model. */
    public Map<String, Parameter> namedParameters() {
        return parameters;
    }

    /** Pretrained parameters (names relative to the BERT model) that train with the new ones: LayerNorms, or none. */
    public List<String> trainedBaseParameters() {
        return trainedBase;
    }

    /** Every parameter that trains in the encoder: the new ones, then {@link #trainedBaseParameters()}. */
    public List<String> trainableNames() {
        List<String> out = new ArrayList<>(parameters.keySet());
        out.addAll(trainedBase);
        return out;
    }

    /** Number of values in the new parameters. */
    public long parameterCount() {
        return parameters.values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    /** The trained values to save: the new parameters and the trained pretrained ones. */
    public List<TensorData> tensors() {
        Map<String, Parameter> base = model.namedParameters();
        List<TensorData> out = new ArrayList<>();
        for (String n : trainableNames()) {
            Parameter p = parameters.containsKey(n) ? parameters.get(n) : base.get(n);
            out.add(new TensorData(n, p.getArray().getShape().getShape(), p.getArray().toFloatArray()));
        }
        return out;
    }

    /** Every parameter {@link #tensors()} writes, by name (new and trained pretrained ones). */
    public Map<String, Parameter> savedParameters() {
        Map<String, Parameter> base = model.namedParameters();
        Map<String, Parameter> out = new LinkedHashMap<>(parameters);
        trainedBase.forEach(n -> out.put(n, base.get(n)));
        return out;
    }

    /** Whether {@link #merge()} can fold these modules into the pretrained weights (LoRA can; adapters add layers). */
    public boolean mergeable() {
        return spec.method() == PeftMethod.LORA;
    }

    /**
     * Folds LoRA into the pretrained weights, {@code W ← W + (alpha/r)·B·A}, and removes the
     * decorations: the model then is a plain BERT computing the same function.
     *
     * @throws UnsupportedOperationException for adapters, which add nonlinear layers no weight can absorb
     */
    public void merge() {
        if (!mergeable()) {
            throw new UnsupportedOperationException("Bottleneck adapters cannot be merged into the pretrained weights: they add"
                    + " layers with a GELU between two projections, which no single weight matrix can absorb. Use the adapter"
                    + " model directory as it is (graft predict/evaluate load it); only LoRA models can be merged.");
        }
        checkAttached();
        for (Map.Entry<String, BertLinear> e : decorated.entrySet()) {
            Parameter w = e.getValue().namedParameters().get("weight");
            float[] update = ((LoraDelta) deltas.get(e.getKey())).update();
            float[] values = w.getArray().toFloatArray();
            for (int i = 0; i < values.length; i++) {
                values[i] += update[i];
            }
            ArrayCopies.copyInto(w.getArray(), values);
        }
        detach();
    }

    /** Removes the decorations, leaving the pretrained layers as they are. */
    public void detach() {
        decorated.values().forEach(l -> l.decorate(null));
        attached = false;
    }

    private void checkAttached() {
        if (!attached) {
            throw new IllegalStateException("these modules were already merged or detached");
        }
    }
}
