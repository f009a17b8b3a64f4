package dev.graft.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * SGD with momentum, matching {@code torch.optim.SGD}: L2 weight decay added to the gradient per
 * group, {@code buf = momentum·buf + g}, optional Nesterov. The default for CNNs.
 */
public final class Sgd extends GroupedOptimizer {

    private final double momentum;
    private final boolean nesterov;

    /** SGD with the given momentum (0 for plain SGD). */
    public Sgd(Map<String, Parameter> parameters, List<ParamGroup> groups, NDManager stateManager, double momentum,
               boolean nesterov) {
        super(parameters, groups, stateManager, 1);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(NDArray w, NDArray g, ParamGroup group, double lr, long step, NDArray[] state) {
        NDArray d = group.weightDecay() > 0 ? g.add(w.mul(group.weightDecay())) : g;
        if (momentum > 0) {
            NDArray buf = state[0];
            if (step == 1) {
                buf.addi(d);
            } else {
                buf.muli(momentum).addi(d);
            }
            d = nesterov ? d.add(buf.mul(momentum)) : buf;
        }
        if (lr > 0) {
            w.subi(d.mul(lr));
        }
    }
}
