package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft train}, {@code predict} and {@code evaluate} on image CSVs with {@code --task multi-label} (label ids
 * through {@code --label-names}) and {@code --task regression}, with a tiny random ResNet backbone folder.
 */
@ExtendWith(PrivateGraftHome.class)
class ImageTaskCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A narrow random ResNet-18 backbone directory with a 32-pixel preprocessing. */
    private Path backbone() throws Exception {
        return TinyImages.backbone(dir);
    }

    /** A 32×32 PNG of one colour with pixel noise. */
    private static void png(Path file, int red, int green, int blue, Random r) throws Exception {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int n = r.nextInt(21) - 10;
                img.setRGB(x, y, new Color(clamp(red + n), clamp(green + n), clamp(blue + n)).getRGB());
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /**
     * {@code count} images whose bright channels are their labels, listed by id (0 red, 1 green, 2 blue; separated by
     * '|'); the image paths go to {@code paths} when not null.
     */
    private Path colours(String name, int count, long seed, List<String> paths) throws Exception {
        Random r = new Random(seed);
        StringBuilder csv = new StringBuilder("image,labels\n");
        for (int i = 0; i < count; i++) {
            int mask = 1 + r.nextInt(7);
            int[] level = new int[3];
            List<String> ids = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                boolean on = (mask & (1 << c)) != 0;
                level[c] = on ? 150 + r.nextInt(106) : r.nextInt(41);
                if (on) {
                    ids.add(Integer.toString(c));
                }
            }
            Path file = dir.resolve(name).resolve(i + ".png");
            png(file, level[0], level[1], level[2], r);
            csv.append(name).append('/').append(i).append(".png,").append(String.join("|", ids)).append('\n');
            if (paths != null) {
                paths.add(file.toString());
            }
        }
        Path file = dir.resolve(name + ".csv");
        Files.writeString(file, csv);
        return file;
    }

    /** {@code count} grey images whose brightness (0 to 1) is the target. */
    private Path greys(String name, int count, long seed, List<String> paths, List<Double> values) throws Exception {
        Random r = new Random(seed);
        StringBuilder csv = new StringBuilder("path,target\n");
        for (int i = 0; i < count; i++) {
            int grey = r.nextInt(256);
            Path file = dir.resolve(name).resolve(i + ".png");
            png(file, grey, grey, grey, r);
            csv.append(name).append('/').append(i).append(".png,").append(String.format(Locale.ROOT, "%.4f", grey / 255.0)).append('\n');
            if (paths != null) {
                paths.add(file.toString());
                values.add(grey / 255.0);
            }
        }
        Path file = dir.resolve(name + ".csv");
        Files.writeString(file, csv);
        return file;
    }

    @Test
    void multiLabelImagesTrainPredictAndEvaluate() throws Exception {
        Path names = dir.resolve("names.txt");
        Files.writeString(names, "red\ngreen\nblue\n");
        Path train = colours("train", 90, 1, null);
        List<String> paths = new ArrayList<>();
        Path test = colours("test", 30, 2, paths);
        Path model = dir.resolve("ml");
        CliHarness.Result trained = CliHarness.run("train", "--train", train.toString(), "--test", test.toString(), "--task",
                "multi-label", "--label-separator", "|", "--label-names", names.toString(), "--model", backbone().toString(),
                "--epochs", "120", "--patience", "0", "--no-track", "--out", model.toString());
        assertEquals(0, trained.code(), trained::toString);
        assertTrue(trained.err().contains("task multi-label"), trained.err());
        assertTrue(trained.out().contains("micro_f1"), trained.out());
        JsonNode metrics = JSON.readTree(model.resolve("metrics.json").toFile());
        assertTrue(metrics.get("test").get("micro_f1").asDouble() > 0.85, metrics.get("test").toString());
        assertTrue(metrics.get("baselines") == null, "the classifier baselines are not run for multi-label models");
        JsonNode manifest = JSON.readTree(model.resolve("graft-model.json").toFile());
        assertEquals("image-multi-label", manifest.get("task").asText());
        assertEquals(List.of("red", "green", "blue"), JSON.convertValue(manifest.get("labels"), List.class), "the names file's order");

        Path input = dir.resolve("inputs.txt");
        Files.write(input, paths);
        CliHarness.Result json = CliHarness.run("predict", "--model", model.toString(), "--input", input.toString(), "--json");
        assertEquals(0, json.code(), json::toString);
        List<String> lines = json.out().lines().toList();
        assertEquals(paths.size(), lines.size());
        List<String> truth = Files.readAllLines(test).subList(1, paths.size() + 1);
        int exact = 0;
        for (int i = 0; i < lines.size(); i++) {
            JsonNode p = JSON.readTree(lines.get(i));
            assertEquals(paths.get(i), p.get("image").asText());
            assertEquals(3, p.get("probabilities").size());
            List<String> predicted = new ArrayList<>();
            p.get("labels").forEach(l -> predicted.add(l.asText()));
            for (String l : predicted) {
                assertTrue(p.get("probabilities").get(l).asDouble() > 0, l);
            }
            List<String> gold = new ArrayList<>();
            for (String id : truth.get(i).substring(truth.get(i).indexOf(',') + 1).split("\\|")) {
                gold.add(List.of("red", "green", "blue").get(Integer.parseInt(id)));
            }
            if (new java.util.HashSet<>(gold).equals(new java.util.HashSet<>(predicted))) {
                exact++;
            }
        }
        assertTrue(exact >= paths.size() * 0.6, exact + " of " + paths.size() + " label sets exactly right");
        CliHarness.Result plain = CliHarness.run("predict", "--model", model.toString(), "--input", input.toString());
        assertEquals(0, plain.code(), plain::toString);
        String first = plain.out().lines().findFirst().orElseThrow();
        assertTrue(first.matches("((red|green|blue):[01]\\.\\d{3},?)+\\t.*0\\.png|-\\t.*0\\.png"), first);

        CliHarness.Result eval = CliHarness.run("evaluate", "--model", model.toString(), "--data", test.toString(), "--json");
        assertEquals(0, eval.code(), eval::toString);
        assertEquals(metrics.get("test").get("micro_f1").asDouble(), JSON.readTree(eval.out()).get("micro_f1").asDouble(), 1e-6,
                "evaluate reads the ids through the saved label names and scores as training did");

        Path other = dir.resolve("other.csv");
        Files.writeString(other, "path,labels\ntest/0.png,red|violet\n");
        CliHarness.Result unknown = CliHarness.run("evaluate", "--model", model.toString(), "--data", other.toString());
        assertNotEquals(0, unknown.code());
        assertTrue(unknown.err().contains(other + " line 2") && unknown.err().contains("violet"), unknown.err());
    }

    @Test
    void regressionImagesTrainPredictAndEvaluate() throws Exception {
        Path train = greys("train", 80, 3, null, null);
        List<String> paths = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        Path test = greys("test", 25, 4, paths, values);
        Path model = dir.resolve("reg");
        Path backbone = backbone();
        CliHarness.Result trained = CliHarness.run("train", "--train", train.toString(), "--test", test.toString(), "--task",
                "regression", "--target-name", "brightness", "--model", backbone.toString(), "--epochs", "120",
                "--patience", "0", "--no-track", "--out", model.toString());
        assertEquals(0, trained.code(), trained::toString);
        assertTrue(trained.out().contains("pearson"), trained.out());
        JsonNode manifest = JSON.readTree(model.resolve("graft-model.json").toFile());
        assertEquals("image-regression", manifest.get("task").asText());
        assertEquals("brightness", manifest.get("labels").get(0).asText());

        Path input = dir.resolve("inputs.txt");
        Files.write(input, paths);
        CliHarness.Result plain = CliHarness.run("predict", "--model", model.toString(), "--input", input.toString());
        assertEquals(0, plain.code(), plain::toString);
        List<String> lines = plain.out().lines().toList();
        assertEquals(paths.size(), lines.size());
        double[] predicted = new double[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            String[] cols = lines.get(i).split("\t");
            assertEquals(paths.get(i), cols[1]);
            predicted[i] = Double.parseDouble(cols[0]);
        }
        double err = 0;
        for (int i = 0; i < predicted.length; i++) {
            err += Math.abs(predicted[i] - values.get(i));
        }
        assertTrue(err / predicted.length < 0.1, "mean absolute error " + err / predicted.length + " on a 0-1 scale");
        CliHarness.Result json = CliHarness.run("predict", "--model", model.toString(), "--input", input.toString(), "--json");
        assertEquals(predicted[0], JSON.readTree(json.out().lines().findFirst().orElseThrow()).get("value").asDouble(), 1e-4);

        // the same images as rows of the test CSV (paths relative to it), predicted into a file with every column kept
        Path rows = dir.resolve("predicted.csv");
        CliHarness.Result file = CliHarness.run("predict", "--model", model.toString(), "--input", test.toString(), "--output",
                rows.toString(), "-q");
        assertEquals(0, file.code(), file::toString);
        List<String> written = Files.readAllLines(rows);
        assertEquals("path,target,value", written.get(0));
        assertEquals(paths.size() + 1, written.size());
        assertEquals("test/0.png", written.get(1).split(",")[0]);
        assertEquals(predicted[0], Double.parseDouble(written.get(1).split(",")[2]), 1e-4, "rows predict as lines do");

        CliHarness.Result eval = CliHarness.run("evaluate", "--model", model.toString(), "--data", test.toString(), "--json");
        assertEquals(0, eval.code(), eval::toString);
        assertTrue(JSON.readTree(eval.out()).get("pearson").asDouble() > 0.9, eval.out());
        CliHarness.Result table = CliHarness.run("evaluate", "--model", model.toString(), "--data", test.toString());
        assertTrue(table.out().contains("(regression)") && table.out().contains("rmse"), table.out());

        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "path,target\ntest/0.png,0.5\ntest/1.png,n/a\n");
        CliHarness.Result refused = CliHarness.run("evaluate", "--model", model.toString(), "--data", bad.toString());
        assertNotEquals(0, refused.code());
        assertTrue(refused.err().contains(bad + " line 3") && refused.err().contains("not a finite number"), refused.err());

        Path folders = dir.resolve("folders");
        for (String c : new String[] {"a", "b"}) {
            png(folders.resolve(c).resolve("1.png"), 10, 10, 10, new Random(1));
        }
        CliHarness.Result folder = CliHarness.run("train", "--train", folders.toString(), "--task", "regression", "--model",
                backbone.toString(), "--no-track", "--out", dir.resolve("never").toString());
        assertNotEquals(0, folder.code());
        assertTrue(folder.err().contains("CSV"), folder.err());
        assertTrue(!Files.exists(dir.resolve("never")), "nothing written");
    }
}
