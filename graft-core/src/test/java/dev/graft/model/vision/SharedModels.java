package dev.graft.model.vision;

import dev.graft.data.image.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/** Locates {@code ../shared} and makes natural-looking test images. */
final class SharedModels {

    private SharedModels() {
    }

    static Optional<Path> shared() {
        String root = System.getProperty("graft.repo.root", ".");
        return Stream.of(Path.of(root).resolve("../shared"), Path.of("../shared"), Path.of("../../shared"))
                .filter(p -> Files.isDirectory(p.resolve("models"))).findFirst().map(p -> p.toAbsolutePath().normalize());
    }

    static Optional<Path> mobileNetOnnx() {
        return shared().map(s -> s.resolve("models/mobilenetv2-12-dequantized-fp32.onnx")).filter(Files::isRegularFile);
    }

    /**
     * A natural-ish image: a sky-to-ground gradient, a few smooth blobs of colour, soft edges and
     * mild noise (textures that drive a CNN's features the way photos do).
     */
    static RgbImage natural(int w, int h, long seed) {
        Random r = new Random(seed);
        double[][] blobs = new double[4 + r.nextInt(4)][];
        for (int i = 0; i < blobs.length; i++) {
            blobs[i] = new double[] {r.nextDouble() * w, r.nextDouble() * h, (0.05 + r.nextDouble() * 0.25) * Math.min(w, h),
                    r.nextDouble() * 255, r.nextDouble() * 255, r.nextDouble() * 255};
        }
        double[] top = {r.nextDouble() * 255, r.nextDouble() * 255, r.nextDouble() * 255};
        double[] bottom = {r.nextDouble() * 255, r.nextDouble() * 255, r.nextDouble() * 255};
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double t = y / (double) h;
                double[] c = new double[3];
                for (int k = 0; k < 3; k++) {
                    c[k] = top[k] * (1 - t) + bottom[k] * t;
                }
                for (double[] b : blobs) {
                    double d = Math.hypot(x - b[0], y - b[1]) / b[2];
                    double a = 1 / (1 + Math.exp((d - 1) * 8));
                    for (int k = 0; k < 3; k++) {
                        c[k] = c[k] * (1 - a) + b[3 + k] * a;
                    }
                }
                double stripe = 12 * Math.sin((x + 2 * y) * 0.15 + seed);
                for (int k = 0; k < 3; k++) {
                    double v = c[k] + stripe + r.nextGaussian() * 6;
                    px[(y * w + x) * 3 + k] = (byte) Math.max(0, Math.min(255, Math.round(v)));
                }
            }
        }
        return new RgbImage(w, h, px);
    }
}
