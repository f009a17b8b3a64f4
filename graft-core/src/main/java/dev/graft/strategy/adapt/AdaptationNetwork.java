package dev.graft.strategy.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.NamedParameters;
import dev.graft.model.head.ClassifierHead;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What domain adaptation trains on frozen embeddings: a {@link ClassifierHead} whose hidden layer is
 * the feature adapter (its {@link ClassifierHead#representation} is what MMD aligns and the domain
 * classifier sees), and for DANN a domain classifier (dense → ReLU → 2 logits). The forward pass is
 * the head's, so validation and prediction see the plain classifier; only the head is saved.
 */
public final class AdaptationNetwork extends AbstractBlock implements NamedParameters {

    /** Hidden width of the domain classifier. */
    public static final int DOMAIN_HIDDEN = 64;

    private final ClassifierHead head;
    private final Linear domainHidden;
    private final Linear domainOut;

    /** A network around {@code head}, with a domain classifier when {@code withDomainClassifier}. */
    public AdaptationNetwork(ClassifierHead head, boolean withDomainClassifier) {
        this.head = addChildBlock("head", head);
        this.domainHidden = withDomainClassifier ? addChildBlock("domain_hidden", Linear.builder().setUnits(DOMAIN_HIDDEN).build()) : null;
        this.domainOut = withDomainClassifier ? addChildBlock("domain_out", Linear.builder().setUnits(2).build()) : null;
    }

    /** Initialises head and domain classifier (seed the engine first). */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, head.config().inputDim()));
    }

    /** The classifier. */
    public ClassifierHead head() {
        return head;
    }

    /** Domain logits {@code [B, 2]} of adapter outputs (index 0 = source, 1 = target). */
    public NDArray domainLogits(ParameterStore ps, NDArray representation, boolean training) {
        if (domainHidden == null) {
            throw new IllegalStateException("this network has no domain classifier");
        }
        NDArray h = Activation.relu(domainHidden.forward(ps, new NDList(representation), training).singletonOrThrow());
        return domainOut.forward(ps, new NDList(h), training).singletonOrThrow();
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> named = new LinkedHashMap<>(head.namedParameters());
        if (domainHidden != null) {
            named.put("domain_hidden.weight", domainHidden.getParameters().get("weight"));
            named.put("domain_hidden.bias", domainHidden.getParameters().get("bias"));
            named.put("domain_out.weight", domainOut.getParameters().get("weight"));
            named.put("domain_out.bias", domainOut.getParameters().get("bias"));
        }
        return named;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return head.forward(ps, inputs, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return head.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        head.initialize(manager, dataType, inputShapes);
        if (domainHidden != null) {
            domainHidden.initialize(manager, dataType, new Shape(1, head.representationDim()));
            domainOut.initialize(manager, dataType, new Shape(1, DOMAIN_HIDDEN));
        }
    }
}
