package dev.graft.cli;

import ai.djl.ndarray.NDManager;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.vision.ResNet;
import dev.graft.model.vision.ResNetSpec;
import dev.graft.model.vision.VisionBackbones;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/** Tiny image data for CLI tests: a 4-wide random ResNet-18 backbone folder and noisy red/green/blue images. */
final class TinyImages {

    private TinyImages() {
    }

    /** A seeded random ResNet-18 of width 4 saved as a backbone folder under {@code dir}, with 32×32 preprocessing. */
    static Path backbone(Path dir) throws Exception {
        return backbone(dir, 32);
    }

    /** As {@link #backbone(Path)}, resizing the shorter side to {@code shortestEdge} before the 32×32 centre crop. */
    static Path backbone(Path dir, int shortestEdge) throws Exception {
        Path b = Files.createDirectories(dir.resolve("backbone"));
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(1);
            ResNet net = new ResNet(ResNetSpec.resnet18().withWidth(4));
            net.initialize(m);
            VisionBackbones.save(net, b, Map.of("id", "tiny-resnet", "license", "MIT"));
        }
        new PreprocessorConfig(shortestEdge, 32, 32, 1 / 255.0, true, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})
                .write(b.resolve(PreprocessorConfig.FILE));
        return b;
    }

    /** {@code count} 32×32 noisy images of red, green or blue under {@code dir/name}, labelled by colour in a CSV. */
    static Path colours(Path dir, String name, int count, long seed) throws Exception {
        Random r = new Random(seed);
        String[] labels = {"red", "green", "blue"};
        StringBuilder csv = new StringBuilder("image,label\n");
        for (int i = 0; i < count; i++) {
            int c = i % 3;
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int[] v = {r.nextInt(60), r.nextInt(60), r.nextInt(60)};
                    v[c] = 150 + r.nextInt(100);
                    img.setRGB(x, y, new Color(v[0], v[1], v[2]).getRGB());
                }
            }
            Path file = dir.resolve(name).resolve(i + ".png");
            Files.createDirectories(file.getParent());
            ImageIO.write(img, "png", file.toFile());
            csv.append(name).append('/').append(i).append(".png,").append(labels[c]).append('\n');
        }
        return Files.writeString(dir.resolve(name + ".csv"), csv);
    }
}
