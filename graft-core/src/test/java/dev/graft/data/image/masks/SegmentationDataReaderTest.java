package dev.graft.data.image.masks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.DataException;
import dev.graft.data.image.ImageDecodeException;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentationDataReaderTest {

    @TempDir
    Path dir;

    static void gray(Path file, int w, int h, int[] values) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSamples(0, 0, w, h, 0, values);
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    private void pair(String name, int w, int h, int[] mask) throws IOException {
        gray(dir.resolve("images").resolve(name + ".png"), w, h, new int[w * h]);
        gray(dir.resolve("masks").resolve(name + ".png"), w, h, mask);
    }

    @Test
    void readsBinaryMasksWrittenAs0And255Or0And1() throws IOException {
        pair("a", 2, 2, new int[] {0, 255, 255, 0});
        pair("b", 2, 2, new int[] {1, 0, 0, 1});
        SegmentationDataset d = SegmentationDataReader.read(dir, MaskClasses.binary(-1), false);
        assertEquals(2, d.size());
        assertArrayEquals(new int[] {0, 1, 1, 0}, d.mask(0).classes());
        assertArrayEquals(new int[] {1, 0, 0, 1}, d.mask(1).classes());
        assertEquals(List.of("background", "foreground"), d.classes().names());
        assertEquals(255, d.classes().values()[1]);
    }

    @Test
    void pairsByBaseNameWhateverTheExtension() throws IOException {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        Files.createDirectories(dir.resolve("images"));
        ImageIO.write(img, "bmp", dir.resolve("images/x.bmp").toFile());
        gray(dir.resolve("masks/x.png"), 2, 2, new int[] {0, 0, 0, 255});
        SegmentationDataset d = SegmentationDataReader.read(dir, MaskClasses.binary(-1), false);
        assertEquals(dir.resolve("masks/x.png"), d.examples().get(0).mask());
    }

    @Test
    void ignoreValueBecomesIgnoreAndUnknownValuesNameTheFile() throws IOException {
        pair("a", 2, 2, new int[] {0, 255, 7, 0});
        DataException e = assertThrows(DataException.class, () -> SegmentationDataReader.read(dir, MaskClasses.binary(-1), false));
        assertTrue(e.getMessage().contains("a.png") && e.getMessage().contains("value 7") && e.getMessage().contains("x=0, y=1"),
                e.getMessage());
        SegmentationDataset d = SegmentationDataReader.read(dir, MaskClasses.of(List.of("bg", "cell"), new int[] {0, 255}, 7), false);
        assertArrayEquals(new int[] {0, 1, LabelMask.IGNORE, 0}, d.mask(0).classes());
    }

    @Test
    void missingMaskIsAnErrorOrACountedSkip() throws IOException {
        pair("a", 2, 2, new int[] {0, 255, 255, 0});
        gray(dir.resolve("images/lonely.png"), 2, 2, new int[4]);
        DataException e = assertThrows(DataException.class, () -> SegmentationDataReader.read(dir, MaskClasses.binary(-1), false));
        assertTrue(e.getMessage().contains("lonely.png") && e.getMessage().contains("has no mask"), e.getMessage());
        SegmentationDataset d = SegmentationDataReader.read(dir, MaskClasses.binary(-1), true);
        assertEquals(1, d.size());
        assertEquals(1, d.skipped());
    }

    @Test
    void sizeMismatchNamesBothFiles() throws IOException {
        gray(dir.resolve("images/a.png"), 3, 2, new int[6]);
        gray(dir.resolve("masks/a.png"), 2, 2, new int[4]);
        DataException e = assertThrows(DataException.class, () -> SegmentationDataReader.read(dir, MaskClasses.binary(-1), false));
        assertTrue(e.getMessage().contains("masks/a.png is 2x2") && e.getMessage().contains("is 3x2"), e.getMessage());
    }

    @Test
    void paletteMasksAreReadAsIndicesWithNamedClasses() throws IOException {
        byte[] r = {0, (byte) 255, 0};
        byte[] g = {0, 0, (byte) 255};
        byte[] b = {0, 0, 0};
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 3, r, g, b));
        WritableRaster raster = img.getRaster();
        raster.setSamples(0, 0, 3, 1, 0, new int[] {2, 1, 0});
        Files.createDirectories(dir.resolve("masks"));
        ImageIO.write(img, "png", dir.resolve("masks/p.png").toFile());
        gray(dir.resolve("images/p.png"), 3, 1, new int[3]);
        Path classes = dir.resolve("classes.txt");
        Files.writeString(classes, "# palette indices\nbackground\nroad\ngrass\n");
        SegmentationDataset d = SegmentationDataReader.read(dir, MaskClasses.read(classes, -1), false);
        assertArrayEquals(new int[] {2, 1, 0}, d.mask(0).classes());
        assertEquals(List.of("background", "road", "grass"), d.classes().names());
    }

    @Test
    void grayWithAlphaReadsTheGrayChannelAndColourMasksAreRefused() throws IOException {
        BufferedImage ga = new BufferedImage(new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), true, false,
                java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_BYTE),
                java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 2, 1, 2, null), false, null);
        ga.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {255, 0});
        ga.getRaster().setSamples(0, 0, 2, 1, 1, new int[] {255, 255});
        Path f = dir.resolve("ga.png");
        ImageIO.write(ga, "png", f.toFile());
        assertArrayEquals(new int[] {255, 0}, MaskDecoder.rawValues(f).classes());
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        Path c = dir.resolve("rgb.png");
        ImageIO.write(rgb, "png", c.toFile());
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> MaskDecoder.rawValues(c));
        assertTrue(e.getMessage().contains("rgb.png") && e.getMessage().contains("colour"), e.getMessage());
    }

    @Test
    void csvOfPathsRelativeToItsFolder() throws IOException {
        pair("a", 2, 2, new int[] {0, 255, 255, 0});
        Path csv = dir.resolve("pairs.csv");
        Files.writeString(csv, "image,mask\nimages/a.png,masks/a.png\n");
        SegmentationDataset d = SegmentationDataReader.read(csv, MaskClasses.binary(-1), false);
        assertEquals(1, d.size());
        Files.writeString(csv, "images/a.png,masks/nope.png\n");
        DataException e = assertThrows(DataException.class, () -> SegmentationDataReader.read(csv, MaskClasses.binary(-1), false));
        assertTrue(e.getMessage().contains("pairs.csv line 1") && e.getMessage().contains("nope.png"), e.getMessage());
    }

    @Test
    void seededSplitIsRepeatableAndDisjoint() throws IOException {
        for (int i = 0; i < 10; i++) {
            pair("s" + i, 2, 2, new int[] {0, 255, 0, 0});
        }
        SegmentationDataset d = SegmentationDataReader.read(dir, MaskClasses.binary(-1), false);
        SegmentationDataset.Split a = d.split(0.2, 0.2, 7);
        SegmentationDataset.Split b = d.split(0.2, 0.2, 7);
        assertEquals(a.val().examples(), b.val().examples());
        assertEquals(6, a.train().size());
        assertEquals(2, a.val().size());
        assertEquals(2, a.test().size());
        java.util.Set<SegmentationExample> all = new java.util.HashSet<>(a.train().examples());
        all.addAll(a.val().examples());
        all.addAll(a.test().examples());
        assertEquals(10, all.size());
    }
}
