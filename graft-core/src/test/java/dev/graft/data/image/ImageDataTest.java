package dev.graft.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.DataException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image decoding, data set reading and preprocessing. */
class ImageDataTest {

    @TempDir
    Path tmp;

    static BufferedImage halves(int w, int h, Color left, Color right, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setColor(left);
        g.fillRect(0, 0, w / 2, h);
        g.setColor(right);
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        return img;
    }

    @Test
    void grayscaleIsReplicatedWithoutGammaConversion() throws Exception {
        BufferedImage g = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSample(1, 2, 0, 128);
        Path f = tmp.resolve("g.png");
        ImageIO.write(g, "png", f.toFile());
        RgbImage rgb = ImageDecoder.decode(f);
        assertEquals(128, rgb.get(1, 2, 0));
        assertEquals(128, rgb.get(1, 2, 1));
        assertEquals(128, rgb.get(1, 2, 2));
        assertEquals(0, rgb.get(0, 0, 0));
    }

    @Test
    void paletteAlphaBmpAndGifBecomeRgb() throws Exception {
        byte[] r = {(byte) 255, 0};
        byte[] gr = {0, 0};
        byte[] b = {0, (byte) 255};
        BufferedImage pal = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, gr, b));
        Graphics2D pg = pal.createGraphics();
        pg.setColor(Color.RED);
        pg.fillRect(0, 0, 4, 2);
        pg.setColor(Color.BLUE);
        pg.fillRect(3, 1, 1, 1);
        pg.dispose();
        Path gif = tmp.resolve("p.gif");
        ImageIO.write(pal, "gif", gif.toFile());
        RgbImage p = ImageDecoder.decode(gif);
        BufferedImage back = ImageIO.read(gif.toFile());
        assertTrue(back.getColorModel() instanceof IndexColorModel, "the GIF is palette-based");
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                int rgb = back.getRGB(x, y);
                assertEquals((rgb >> 16) & 0xFF, p.get(x, y, 0));
                assertEquals((rgb >> 8) & 0xFF, p.get(x, y, 1));
                assertEquals(rgb & 0xFF, p.get(x, y, 2));
            }
        }
        assertEquals(255, p.get(0, 0, 0));

        BufferedImage argb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00336699); // fully transparent: the colour is kept, alpha dropped (PIL convert("RGB"))
        argb.setRGB(1, 1, 0xFF102030);
        Path png = tmp.resolve("a.png");
        ImageIO.write(argb, "png", png.toFile());
        RgbImage a = ImageDecoder.decode(png);
        assertEquals(0x33, a.get(0, 0, 0));
        assertEquals(0x66, a.get(0, 0, 1));
        assertEquals(0x30, a.get(1, 1, 2));

        Path bmp = tmp.resolve("x.bmp");
        ImageIO.write(halves(8, 4, Color.GREEN, Color.BLACK, BufferedImage.TYPE_INT_RGB), "bmp", bmp.toFile());
        RgbImage x = ImageDecoder.decode(bmp);
        assertEquals(255, x.get(0, 0, 1));
        assertEquals(0, x.get(7, 3, 1));
    }

    @Test
    void cmykIsColourConverted() {
        var cs = com.twelvemonkeys.imageio.color.ColorSpaces.getColorSpace(com.twelvemonkeys.imageio.color.ColorSpaces.CS_GENERIC_CMYK);
        ComponentColorModel cm = new ComponentColorModel(cs, false, false, java.awt.Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
        raster.setPixel(0, 0, new int[] {0, 0, 0, 0}); // no ink: white
        raster.setPixel(1, 0, new int[] {0, 0, 0, 255}); // full black ink
        RgbImage rgb = ImageDecoder.toRgb(new BufferedImage(cm, raster, false, null));
        assertTrue(rgb.get(0, 0, 0) > 230 && rgb.get(0, 0, 1) > 230 && rgb.get(0, 0, 2) > 230, "white");
        assertTrue(rgb.get(1, 0, 0) < 80 && rgb.get(1, 0, 1) < 80 && rgb.get(1, 0, 2) < 80, "black");
    }

    @Test
    void exifOrientationIsApplied() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(halves(16, 8, Color.RED, Color.BLUE, BufferedImage.TYPE_INT_RGB), "jpg", bytes);
        byte[] jpeg = bytes.toByteArray();
        // APP1 "Exif\0\0" + little-endian TIFF with one IFD entry: Orientation (0x0112) SHORT = 6 (rotate 90° clockwise)
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0};
        int len = 2 + 6 + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len, 'E', 'x', 'i', 'f', 0, 0});
        out.write(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        assertEquals(6, ExifOrientation.read(out.toByteArray()));
        Path f = tmp.resolve("o.jpg");
        Files.write(f, out.toByteArray());
        RgbImage img = ImageDecoder.decode(f);
        assertEquals(8, img.width());
        assertEquals(16, img.height());
        assertTrue(img.get(4, 2, 0) > 200 && img.get(4, 2, 2) < 60, "top is the red left half");
        assertTrue(img.get(4, 13, 2) > 200 && img.get(4, 13, 0) < 60, "bottom is the blue right half");
    }

    @Test
    void folderSkipsHiddenAndNonImagesAndReportsCorruptFiles() throws Exception {
        Path root = tmp.resolve("data");
        for (String c : new String[] {"cat", "dog"}) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < 3; i++) {
                ImageIO.write(halves(8, 8, Color.WHITE, c.equals("cat") ? Color.BLACK : Color.GRAY, BufferedImage.TYPE_INT_RGB), "png",
                        root.resolve(c).resolve(i + ".png").toFile());
            }
        }
        Files.writeString(root.resolve("cat/.DS_Store"), "x");
        Files.writeString(root.resolve("cat/notes.txt"), "x");
        Files.createDirectories(root.resolve(".git"));
        byte[] good = Files.readAllBytes(root.resolve("dog/0.png"));
        Files.write(root.resolve("dog/truncated.png"), java.util.Arrays.copyOf(good, good.length / 2));
        assertTrue(ImageDataReader.isImageData(root));
        ImageDataset d = ImageDataReader.read(root);
        assertEquals(7, d.size());
        assertEquals(2, d.skippedHidden());
        assertEquals(1, d.skippedOther());
        ImageDataset v = d.verify(2, false);
        assertEquals(6, v.size());
        assertTrue(v.corrupt().keySet().iterator().next().toString().endsWith("truncated.png"));
        assertTrue(v.notices().get(0).contains("truncated.png"), v.notices().toString());
        DataException e = assertThrows(DataException.class, () -> d.verify(1, true));
        assertTrue(e.getMessage().contains("truncated.png"), e.getMessage());
    }

    private static void images(Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            ImageIO.write(halves(8, 8, Color.WHITE, new Color(i * 40, 0, 0), BufferedImage.TYPE_INT_RGB), "png",
                    dir.resolve(i + ".png").toFile());
        }
    }

    @Test
    void graftModelFoldersAndUnfinishedSavesInsideTheDataAreNotClasses() throws Exception {
        Path root = tmp.resolve("data");
        images(root.resolve("cat"), 2);
        images(root.resolve("dog"), 2);
        // a model saved into the data folder (its plots are PNGs), one saved inside a class folder, and an unfinished save
        images(root.resolve("my-model/plots"), 3);
        Files.writeString(root.resolve("my-model/graft-model.json"), "{}");
        images(root.resolve("cat/old-model/plots"), 1);
        Files.writeString(root.resolve("cat/old-model/graft-model.json"), "{}");
        images(root.resolve(".my-model.partial-12ab/plots"), 2);

        ImageDataset d = ImageDataReader.read(root);
        assertEquals(List.of("cat", "dog"), d.classes());
        assertEquals(4, d.size());
        assertEquals(List.of(root.resolve("cat/old-model").toAbsolutePath().normalize(), root.resolve("my-model").toAbsolutePath().normalize()),
                d.skippedModels().stream().sorted().toList());
        assertEquals(1, d.skippedHidden());
        assertEquals(List.of("note: " + root + ": skipped 2 Graft model folder(s) saved inside the data (cat/old-model, my-model;"
                + " a model is not a class), 1 hidden file(s) or folder(s)"), d.verify(1, false).notices());

        Path onlyModels = tmp.resolve("models-only");
        images(onlyModels.resolve("m/plots"), 1);
        Files.writeString(onlyModels.resolve("m/graft-model.json"), "{}");
        assertFalse(ImageDataReader.isImageData(onlyModels), "a folder holding only a model is not image data");
    }

    @Test
    void maxTrainBelowTheNumberOfClassesIsRefusedAndRoundingNeverExceedsTheCap() throws Exception {
        Path root = tmp.resolve("many");
        for (String c : List.of("a", "b", "c", "d", "e")) {
            images(root.resolve(c), 3);
        }
        ImageDataset d = ImageDataReader.read(root);
        DataException e = assertThrows(DataException.class, () -> d.subsample(4, 1));
        assertTrue(e.getMessage().contains("5 classes, more than the 4 examples allowed"), e.getMessage());
        ImageDataset s = d.subsample(7, 1); // 7/15 of 3 rounds to 1 per class: 5
        assertTrue(s.size() <= 7 && s.classes().size() == 5, s.size() + " " + s.classes());
        ImageDataset t = d.subsample(14, 1); // 14/15 of 3 rounds to 3 per class: 15, one over the cap
        assertEquals(14, t.size());
    }

    @Test
    void validationShareThatGivesNoImagesIsRefusedBeforeTraining() throws Exception {
        Path root = tmp.resolve("tiny");
        images(root.resolve("a"), 2);
        images(root.resolve("b"), 2);
        ImageDataset d = ImageDataReader.read(root);
        DataException e = assertThrows(DataException.class, () -> d.split(0.1, 0, 1));
        assertTrue(e.getMessage().contains("gives the validation split no images"), e.getMessage());
    }

    @Test
    void classFoldersWithoutImagesAreNamedInAWarning() throws Exception {
        Path root = tmp.resolve("data");
        images(root.resolve("cat"), 2);
        images(root.resolve("dog"), 2);
        Files.createDirectories(root.resolve("empty"));
        Files.createDirectories(root.resolve("notes-only"));
        Files.writeString(root.resolve("notes-only/readme.txt"), "x");
        ImageDataset d = ImageDataReader.read(root);
        assertEquals(List.of("empty", "notes-only"), d.emptyClasses());
        assertEquals(List.of("cat", "dog"), d.classes());
        List<String> notices = d.verify(1, false).notices();
        assertEquals("warning: " + root + ": ignored 2 class folder(s) without a readable image: empty, notes-only",
                notices.get(notices.size() - 1));

        // a class whose only image cannot be decoded is named too, after the check
        Files.createDirectories(root.resolve("bird"));
        Files.write(root.resolve("bird/broken.png"), new byte[] {1, 2, 3});
        ImageDataset v = ImageDataReader.read(root).verify(1, false);
        assertEquals(List.of("bird", "empty", "notes-only"), v.emptyClasses());
        assertEquals(List.of("cat", "dog"), v.classes());
    }

    @Test
    void fewerThanTwoClassesWithImagesIsAnErrorNamingTheEmptyFolders() throws Exception {
        Path root = tmp.resolve("data");
        images(root.resolve("cat"), 2);
        Files.createDirectories(root.resolve("dog"));
        DataException e = assertThrows(DataException.class, () -> ImageDataReader.read(root));
        assertEquals(root + " has images of only one class [cat] (class folder(s) without a readable image: dog); a classifier"
                + " needs at least two class folders (or labels) with images.", e.getMessage());

        Files.write(root.resolve("dog/broken.png"), new byte[] {1, 2, 3});
        ImageDataset d = ImageDataReader.read(root);
        DataException after = assertThrows(DataException.class, () -> d.verify(1, false));
        assertTrue(after.getMessage().contains("only one class [cat] (class folder(s) without a readable image: dog)"), after.getMessage());
    }

    @Test
    void imageSizeBelowTheBackbonesMinimumIsRefused() {
        PreprocessorConfig imagenet = PreprocessorConfig.imagenet();
        for (int size : new int[] {-1, 0, 1, 31}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> imagenet.withImageSize(size));
            assertEquals("image size must be at least 32 pixels (the image backbones, MobileNetV2, ResNet and EfficientNet,"
                    + " downsample by 32), got " + size + ".", e.getMessage());
        }
        PreprocessorConfig small = imagenet.withImageSize(32);
        assertEquals(new PreprocessorConfig(37, 32, 32, imagenet.rescaleFactor(), true, imagenet.mean(), imagenet.std()), small);
        assertEquals(new PreprocessorConfig(110, 96, 96, imagenet.rescaleFactor(), true, imagenet.mean(), imagenet.std()),
                imagenet.withImageSize(96));
    }

    @Test
    void csvPathsAreRelativeToTheCsvAndMissingFilesAreNamed() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("csv/img"));
        ImageIO.write(halves(8, 8, Color.WHITE, Color.BLACK, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("a.png").toFile());
        ImageIO.write(halves(8, 8, Color.BLACK, Color.WHITE, BufferedImage.TYPE_INT_RGB), "jpg", dir.resolve("b.jpg").toFile());
        Path csv = tmp.resolve("csv/labels.csv");
        Files.writeString(csv, "path,label\nimg/a.png,x\nimg/b.jpg,y\n");
        assertTrue(ImageDataReader.isImageData(csv));
        ImageDataset d = ImageDataReader.read(csv);
        assertEquals(2, d.size());
        assertEquals(dir.resolve("a.png").toAbsolutePath().normalize(), d.examples().get(0).file());
        Files.writeString(csv, "path,label\nimg/a.png,x\nimg/missing.png,y\n");
        DataException e = assertThrows(DataException.class, () -> ImageDataReader.read(csv));
        assertTrue(e.getMessage().contains("img/missing.png"), e.getMessage());
        Path text = tmp.resolve("text.csv");
        Files.writeString(text, "text,label\nhello there,a\n");
        assertFalse(ImageDataReader.isImageData(text));
    }

    @Test
    void evaluationIsResizeAndCentreCropAndTrainingIsSeeded() {
        PreprocessorConfig cfg = new PreprocessorConfig(32, 28, 28, 1 / 255.0, true, new float[] {0.5f, 0.5f, 0.5f},
                new float[] {0.5f, 0.5f, 0.5f});
        byte[] px = new byte[40 * 20 * 3];
        java.util.Arrays.fill(px, (byte) 255);
        RgbImage white = new RgbImage(40, 20, px);
        ImagePipeline p = new ImagePipeline(cfg, Augmentation.standard());
        float[] v = p.evaluate(white);
        assertEquals(3 * 28 * 28, v.length);
        for (float f : v) {
            assertEquals(1.0f, f, 1e-5f); // (1 - 0.5) / 0.5
        }
        RgbImage noisy = dev.graft.data.image.ImageDataTest.noise(50, 40, 1);
        float[] a = p.train(noisy, new SplittableRandom(7));
        float[] b = p.train(noisy, new SplittableRandom(7));
        float[] c = p.train(noisy, new SplittableRandom(8));
        assertArrayEquals(a, b);
        assertNotEquals(java.util.Arrays.hashCode(a), java.util.Arrays.hashCode(c));
        assertArrayEquals(p.evaluate(noisy), new ImagePipeline(cfg, Augmentation.none()).train(noisy, new SplittableRandom(1)));
    }

    @Test
    void preprocessorConfigRoundTripsThroughHuggingFaceJson() throws Exception {
        Path f = tmp.resolve(PreprocessorConfig.FILE);
        PreprocessorConfig.imagenet().write(f);
        assertEquals(PreprocessorConfig.imagenet(), PreprocessorConfig.read(f));
        Files.writeString(f, "{\"do_resize\":true,\"size\":{\"shortest_edge\":288},\"crop_size\":{\"height\":256,\"width\":256},"
                + "\"image_mean\":[0.5,0.5,0.5],\"image_std\":[0.5,0.5,0.5]}");
        PreprocessorConfig c = PreprocessorConfig.read(f);
        assertEquals(288, c.shortestEdge());
        assertEquals(256, c.cropWidth());
        assertEquals(0.5f, c.mean()[0]);
    }

    static RgbImage noise(int w, int h, long seed) {
        byte[] px = new byte[w * h * 3];
        new java.util.Random(seed).nextBytes(px);
        return new RgbImage(w, h, px);
    }
}
