package dev.graft.model.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.graft.model.LayerGroup;
import dev.graft.model.NamedParameters;
import dev.graft.model.Splittable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scores of a {@link CrfLayer} as trainable parameters, for training a CRF jointly with the network that gives
 * its emissions: the model's loss is the CRF's negative log-likelihood ({@link CrfLayer#logPartition},
 * {@link CrfLayer#pathScore}) over {@link #effective} scores, so one backward pass reaches the transitions and, through
 * the emissions, the head and the encoder. Scores that the initial layer forbids ({@link CrfLayer#FORBIDDEN}) stay
 * forbidden: the effective scores put the constant back wherever the initial layer had it, whatever the parameter
 * learnt there.
 */
public final class CrfScores {

    /** The parameters' names under {@link #withModel}'s prefix. */
    public static final String PREFIX = "crf.";

    private final int tags;
    private final Parameter transitions;
    private final Parameter start;
    private final Parameter end;
    private final float[] allowed;
    private final float[] forbidden;

    private CrfScores(int tags, Parameter transitions, Parameter start, Parameter end, float[] allowed) {
        this.tags = tags;
        this.transitions = transitions;
        this.start = start;
        this.end = end;
        this.allowed = allowed;
        this.forbidden = new float[allowed.length];
        for (int i = 0; i < allowed.length; i++) {
            forbidden[i] = allowed[i] == 0 ? CrfLayer.FORBIDDEN : 0;
        }
    }

    /** Trainable scores starting at {@code initial}'s, their arrays held by {@code manager}. */
    public static CrfScores of(CrfLayer initial, NDManager manager) {
        int c = initial.tags();
        float[] flat = CrfTraining.flatten(initial);
        float[] allowed = new float[flat.length];
        for (int i = 0; i < flat.length; i++) {
            allowed[i] = flat[i] <= CrfLayer.FORBIDDEN ? 0 : 1;
            flat[i] *= allowed[i]; // the parameter itself starts at 0 where the move is forbidden
        }
        return new CrfScores(c,
                parameter("transitions", manager.create(java.util.Arrays.copyOfRange(flat, 0, c * c), new Shape(c, c))),
                parameter("start", manager.create(java.util.Arrays.copyOfRange(flat, c * c, c * c + c), new Shape(c))),
                parameter("end", manager.create(java.util.Arrays.copyOfRange(flat, c * c + c, c * c + 2 * c), new Shape(c))),
                allowed);
    }

    private static Parameter parameter(String name, NDArray value) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        p.setArray(value);
        value.setRequiresGradient(true);
        return p;
    }

    /** The number of tags. */
    public int tags() {
        return tags;
    }

    /** The parameters by name ({@code transitions}, {@code start}, {@code end}). */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("transitions", transitions);
        m.put("start", start);
        m.put("end", end);
        return m;
    }

    /**
     * The scores the CRF computes with, as arrays of {@code scope} (so a training step's arrays go with its scope):
     * {@code [transitions [tags, tags], start [tags], end [tags]]}, forbidden scores at {@link CrfLayer#FORBIDDEN}.
     */
    public NDArray[] effective(NDManager scope) {
        int c = tags;
        return new NDArray[] {
                masked(scope, transitions.getArray(), 0, c * c, new Shape(c, c)),
                masked(scope, start.getArray(), c * c, c, new Shape(c)),
                masked(scope, end.getArray(), c * c + c, c, new Shape(c))};
    }

    private NDArray masked(NDManager scope, NDArray value, int from, int n, Shape shape) {
        NDArray keep = scope.create(java.util.Arrays.copyOfRange(allowed, from, from + n), shape);
        NDArray fixed = scope.create(java.util.Arrays.copyOfRange(forbidden, from, from + n), shape);
        return keep.mul(value).add(fixed);
    }

    /** The layer these scores make now (for decoding, and to save once training is done). */
    public CrfLayer toLayer() {
        int c = tags;
        float[] t = transitions.getArray().toFloatArray();
        float[] s = start.getArray().toFloatArray();
        float[] e = end.getArray().toFloatArray();
        float[][] rows = new float[c][c];
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < c; j++) {
                rows[i][j] = allowed[i * c + j] == 0 ? CrfLayer.FORBIDDEN : t[i * c + j];
            }
        }
        float[] st = new float[c];
        float[] en = new float[c];
        for (int k = 0; k < c; k++) {
            st[k] = allowed[c * c + k] == 0 ? CrfLayer.FORBIDDEN : s[k];
            en[k] = allowed[c * c + c + k] == 0 ? CrfLayer.FORBIDDEN : e[k];
        }
        return new CrfLayer(rows, st, en);
    }

    /**
     * What a learner trains: {@code model}'s parameters and these scores (under {@value #PREFIX}); with layer groups
     * when {@code model} has them, the scores joining its last group (the head's), so they train whenever the head does.
     */
    public NamedParameters withModel(NamedParameters model) {
        if (model instanceof Splittable s) {
            return new Splittable() {
                @Override
                public Map<String, Parameter> namedParameters() {
                    return joined(s);
                }

                @Override
                public List<LayerGroup> layerGroups() {
                    List<LayerGroup> groups = new ArrayList<>(s.layerGroups());
                    LayerGroup head = groups.remove(groups.size() - 1);
                    List<String> names = new ArrayList<>(head.parameters());
                    namedParameters().keySet().stream().filter(n -> n.startsWith(PREFIX)).forEach(names::add);
                    groups.add(new LayerGroup(head.name(), names, head.isHead()));
                    return groups;
                }
            };
        }
        return () -> joined(model);
    }

    private Map<String, Parameter> joined(NamedParameters model) {
        Map<String, Parameter> all = new LinkedHashMap<>(model.namedParameters());
        namedParameters().forEach((n, p) -> all.put(PREFIX + n, p));
        return all;
    }
}
