package dev.graft.strategy;

import ai.djl.ndarray.NDManager;
import dev.graft.model.vision.ResNet;
import dev.graft.model.vision.ResNetSpec;
import dev.graft.model.vision.VisionBackbones;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A ResNet-18 four channels wide with seeded random weights, saved as a backbone folder: trains in seconds. */
final class TinyResNet {

    private TinyResNet() {
    }

    /** Writes the backbone into {@code dir} (created) and returns it. */
    static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            dev.graft.training.Learner.seed(1);
            ResNet net = new ResNet(ResNetSpec.resnet18().withWidth(4));
            net.initialize(m);
            VisionBackbones.save(net, dir, Map.of("id", "tiny-resnet", "license", "MIT"));
        }
        return dir;
    }
}
