package dev.graft.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.graft.model.bert.BertForMaskedLm;
import java.util.List;

/**
 * The {@link Learner} for masked-language modelling on {@link MaskedLmBatches}: the same loop,
 * optimiser, schedule, clipping and checkpoints; the loss is the cross-entropy of the masked
 * tokens only (the model decodes only those, and the batches' labels are their original ids), and
 * validation reports the masked-token loss and accuracy on a fixed masking of held-out texts
 * (macro-F1: NaN, there are no classes). Monitor {@link Monitor#LOSS}.
 */
public final class MaskedLmLearner extends Learner {

    private final BertForMaskedLm model;

    /** A learner for {@code model}; the plan's groups are the model's {@link BertForMaskedLm#layerGroups()}. */
    public MaskedLmLearner(BertForMaskedLm model, TrainConfig config, TrainingPlan plan, List<TrainingListener> listeners) {
        super(model, model, config, plan, listeners);
        if (config.monitor() != Monitor.LOSS) {
            throw new IllegalArgumentException("masked-language-model training selects epochs by validation loss; monitor "
                    + config.monitor().key() + " is not defined for it");
        }
        this.model = model;
    }

    /** Mean masked-token cross-entropy and masked-token accuracy over {@code val} (inference mode, fixed masks). */
    @Override
    protected Validation validate(BatchSource val) {
        NDManager base = model.namedParameters().values().iterator().next().getArray().getManager();
        double nll = 0;
        long correct = 0;
        long count = 0;
        for (int[] idx : val.inferenceBatches(config().batchSize())) {
            try (NDManager step = base.newSubManager()) {
                NDList inputs = val.inputs(step, idx);
                NDArray targets = val.labels(step, idx);
                NDArray logits = model.forward(new ParameterStore(step, false), inputs, false).singletonOrThrow();
                int vocab = (int) logits.getShape().get(1);
                NDArray logp = logits.logSoftmax(-1);
                nll -= logp.mul(targets.oneHot(vocab).toType(logp.getDataType(), false)).sum().getFloat();
                correct += logits.argMax(1).eq(targets).sum().toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
                count += targets.size();
            }
        }
        return new Validation(nll / Math.max(1, count), correct / (double) Math.max(1, count), Double.NaN);
    }
}
