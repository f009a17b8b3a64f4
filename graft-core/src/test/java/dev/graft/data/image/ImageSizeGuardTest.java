package dev.graft.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.DataException;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decode guard: an image over {@link ImagePixelLimit} is refused from its header, and memory is never a data error. */
class ImageSizeGuardTest {

    @TempDir
    Path tmp;

    @AfterEach
    void resetLimit() {
        ImagePixelLimit.reset();
        System.clearProperty(ImagePixelLimit.PROPERTY);
    }

    @Test
    void oversizedImageIsRefusedFromItsHeaderBeforeDecoding() throws Exception {
        // a header claiming 20000×20000 followed by pixel data that is not even a zlib stream: refusing it as too
        // large (not as corrupt) shows that the header was checked before any decoding
        byte[] png = ImageHeaders.png(20000, 20000, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Path file = tmp.resolve("bomb.png");
        ImageTooLargeException e = assertThrows(ImageTooLargeException.class, () -> ImageDecoder.decode(png, file));
        assertEquals(20000, e.width());
        assertEquals(20000, e.height());
        assertEquals(ImagePixelLimit.DEFAULT, e.limit());
        assertTrue(e.getMessage().startsWith("Cannot decode image " + file + ": too large: 20000×20000 = 400,000,000 pixels, over the"
                + " limit of 64,000,000; downscale it, or raise the limit with the Java system property graft.image.maxPixels,"
                + " e.g. GRAFT_JAVA_OPTS=\"-Xmx7g -Dgraft.image.maxPixels=400000000\""), e.getMessage());

        ImagePixelLimit.set(400_000_000L); // allowed: now the decoder gets to the garbage
        ImageDecodeException corrupt = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(png, file));
        assertTrue(!(corrupt instanceof ImageTooLargeException) && corrupt.reason().startsWith("corrupt or truncated"), corrupt.getMessage());
    }

    @Test
    void decompressionBombInAFolderIsSkippedAndCountedWithoutBeingDecoded() throws Exception {
        Path root = tmp.resolve("data");
        for (String c : List.of("a", "b")) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < 2; i++) {
                ImageIO.write(ImageDataTest.halves(8, 8, Color.WHITE, c.equals("a") ? Color.BLACK : Color.GRAY,
                        BufferedImage.TYPE_INT_RGB), "png", root.resolve(c).resolve(i + ".png").toFile());
            }
        }
        byte[] bomb = ImageHeaders.blackPng(20000, 20000); // a valid image: 400 MB of pixels in a file this small
        assertTrue(bomb.length < 1_000_000, "bytes: " + bomb.length);
        Path bombFile = root.resolve("b/bomb.png");
        Files.write(bombFile, bomb);

        ImageDataset d = ImageDataReader.read(root);
        long start = System.nanoTime();
        ImageDataset v = d.verify(2, false);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(4, v.size(), "the bomb is left out, the other images kept");
        assertEquals(List.of(bombFile.toAbsolutePath().normalize()), List.copyOf(v.corrupt().keySet()));
        assertTrue(v.corrupt().values().iterator().next().startsWith("too large: 20000×20000"), v.corrupt().toString());
        assertTrue(v.notices().get(0).contains("skipped 1 unreadable image(s): " + bombFile.toAbsolutePath().normalize()
                + " (too large: 20000×20000"), v.notices().toString());
        assertTrue(seconds < 5, "refused from the header, not decoded (" + seconds + " s)");

        DataException strict = assertThrows(DataException.class, () -> d.verify(1, true));
        assertTrue(strict.getMessage().startsWith("Image " + bombFile.toAbsolutePath().normalize() + " cannot be decoded: too large:"
                + " 20000×20000 = 400,000,000 pixels, over the limit of 64,000,000"), strict.getMessage());
    }

    @Test
    void everyImageFormatGoesThroughThePixelLimit() throws Exception {
        BufferedImage img = ImageDataTest.halves(64, 48, Color.RED, Color.BLUE, BufferedImage.TYPE_INT_RGB);
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        for (String format : List.of("png", "jpg", "bmp", "gif")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(img, format, out), format);
            files.put(format, out.toByteArray());
        }
        files.put("webp", ImageHeaders.webp(64, 48));
        ImagePixelLimit.set(64 * 48 - 1);
        for (var f : files.entrySet()) {
            ImageTooLargeException e = assertThrows(ImageTooLargeException.class,
                    () -> ImageDecoder.decode(f.getValue(), Path.of("x." + f.getKey())), f.getKey());
            assertEquals(64, e.width(), f.getKey());
            assertEquals(48, e.height(), f.getKey());
        }
        ImagePixelLimit.set(64 * 48); // exactly at the limit: decoded as before
        for (String format : List.of("png", "jpg", "bmp", "gif")) {
            RgbImage rgb = ImageDecoder.decode(files.get(format), Path.of("x." + format));
            assertEquals(64, rgb.width(), format);
        }
    }

    @Test
    void pixelLimitComesFromTheSettingThenTheSystemPropertyThenTheDefault() {
        assertEquals(64_000_000L, ImagePixelLimit.get());
        System.setProperty(ImagePixelLimit.PROPERTY, "100_000_000");
        assertEquals(100_000_000L, ImagePixelLimit.get());
        ImagePixelLimit.set(5_000);
        assertEquals(5_000L, ImagePixelLimit.get());
        ImagePixelLimit.reset();
        assertEquals(100_000_000L, ImagePixelLimit.get());

        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> ImagePixelLimit.set(1L << 40));
        assertTrue(tooBig.getMessage().contains("maxPixels must be between 1 and 715,827,882"), tooBig.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImagePixelLimit.set(0));

        // a bad setting is a configuration error, never an image that fails to decode
        System.setProperty(ImagePixelLimit.PROPERTY, "lots");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ImageDecoder.decode(new byte[] {1, 2, 3}, Path.of("a.png")));
        assertEquals("The system property graft.image.maxPixels must be a whole number of pixels (e.g. 64000000), got 'lots'.",
                bad.getMessage());
    }

    @Test
    void outOfMemoryWhileCheckingImagesFailsInsteadOfSkippingTheImage() throws Exception {
        Path root = tmp.resolve("d");
        for (String c : List.of("a", "b")) {
            Files.createDirectories(root.resolve(c));
            ImageIO.write(ImageDataTest.halves(8, 8, Color.WHITE, Color.BLACK, BufferedImage.TYPE_INT_RGB), "png",
                    root.resolve(c).resolve("1.png").toFile());
        }
        ImageDataset d = ImageDataReader.read(root);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.verify(1, false, (bytes, file) -> {
            throw new OutOfMemoryError("Java heap space");
        }));
        assertInstanceOf(OutOfMemoryError.class, e.getCause());
        assertTrue(e.getMessage().startsWith("Out of Java heap while decoding " + root.resolve("a/1.png").toAbsolutePath().normalize()),
                e.getMessage());
        assertTrue(e.getMessage().contains("Give Java more memory"), e.getMessage());

        // nor is a bug in the decoding code taken for a bad image
        assertThrows(ArithmeticException.class, () -> d.verify(1, false, (bytes, file) -> {
            throw new ArithmeticException("bug");
        }));
    }
}
