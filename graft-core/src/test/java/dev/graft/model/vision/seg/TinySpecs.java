package dev.graft.model.vision.seg;

import dev.graft.model.vision.MobileNetV2Spec;
import dev.graft.model.vision.MobileNetV2Spec.BlockSpec;
import dev.graft.model.vision.MobileNetV2Spec.Bounds;
import dev.graft.model.vision.MobileNetV2Spec.ConvSpec;
import java.util.ArrayList;
import java.util.List;

/** A narrow MobileNetV2 with the ImageNet architecture's five resolutions (strides 2 to 32), for fast tests. */
public final class TinySpecs {

    private TinySpecs() {
    }

    /** Stem 3→8 (stride 2), five inverted residual blocks ending at strides 2, 4, 8, 16, 32, last conv to 32. */
    public static MobileNetV2Spec mobileNetV2() {
        Bounds relu6 = new Bounds(0, 6);
        int[][] blocks = {{8, 8, 1}, {8, 12, 2}, {12, 16, 2}, {16, 16, 2}, {16, 24, 2}};
        List<BlockSpec> specs = new ArrayList<>();
        for (int[] b : blocks) {
            int in = b[0];
            int out = b[1];
            int stride = b[2];
            int hidden = in * 2;
            specs.add(new BlockSpec(List.of(new ConvSpec(in, hidden, 1, 1, 0, 1, relu6),
                    new ConvSpec(hidden, hidden, 3, stride, 1, hidden, relu6),
                    new ConvSpec(hidden, out, 1, 1, 0, 1, null)), stride == 1 && in == out, null));
        }
        return new MobileNetV2Spec(null, new ConvSpec(3, 8, 3, 2, 1, 1, relu6), specs, new ConvSpec(24, 32, 1, 1, 0, 1, relu6),
                null, null, null, 0);
    }
}
