package dev.graft.data.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads the EXIF {@code Orientation} tag (0x0112) from a JPEG's APP1 segment and applies it, so
 * photos from phones come out upright as every viewer shows them. Bounded: every offset is checked
 * against the segment; anything malformed means "no orientation" (1).
 */
public final class ExifOrientation {

    private ExifOrientation() {
    }

    /** The orientation (1–8) declared in JPEG bytes, or 1 when absent, unreadable or not a JPEG. */
    public static int read(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            return 1;
        }
        int pos = 2;
        while (pos + 4 <= jpeg.length) {
            if ((jpeg[pos] & 0xFF) != 0xFF) {
                return 1;
            }
            int marker = jpeg[pos + 1] & 0xFF;
            if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 || marker == 0xFF) {
                pos += marker == 0xFF ? 1 : 2;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return 1; // start of scan: no more metadata
            }
            int len = ((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF);
            if (len < 2 || pos + 2 + len > jpeg.length) {
                return 1;
            }
            if (marker == 0xE1 && len >= 16 && jpeg[pos + 4] == 'E' && jpeg[pos + 5] == 'x' && jpeg[pos + 6] == 'i'
                    && jpeg[pos + 7] == 'f' && jpeg[pos + 8] == 0 && jpeg[pos + 9] == 0) {
                int o = fromTiff(jpeg, pos + 10, len - 8);
                if (o != 0) {
                    return o;
                }
            }
            pos += 2 + len;
        }
        return 1;
    }

    private static int fromTiff(byte[] b, int start, int length) {
        ByteBuffer buf = ByteBuffer.wrap(b, start, length).slice();
        if (length < 8) {
            return 0;
        }
        if (buf.get(0) == 'I' && buf.get(1) == 'I') {
            buf.order(ByteOrder.LITTLE_ENDIAN);
        } else if (buf.get(0) == 'M' && buf.get(1) == 'M') {
            buf.order(ByteOrder.BIG_ENDIAN);
        } else {
            return 0;
        }
        if ((buf.getShort(2) & 0xFFFF) != 42) {
            return 0;
        }
        long ifd = buf.getInt(4) & 0xFFFFFFFFL;
        if (ifd + 2 > length) {
            return 0;
        }
        int entries = buf.getShort((int) ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int e = (int) ifd + 2 + i * 12;
            if (e + 12 > length) {
                return 0;
            }
            if ((buf.getShort(e) & 0xFFFF) == 0x0112) {
                int type = buf.getShort(e + 2) & 0xFFFF;
                int value = type == 3 ? buf.getShort(e + 8) & 0xFFFF : type == 4 ? buf.getInt(e + 8) : 0;
                return value >= 1 && value <= 8 ? value : 0;
            }
        }
        return 0;
    }

    /** {@code image} turned upright according to EXIF {@code orientation} (1 = unchanged). */
    public static RgbImage apply(RgbImage image, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        byte[] out = new byte[ow * oh * 3];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                // (sx, sy): the source pixel shown at (x, y) in the upright image
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; } // 8
                }
                System.arraycopy(image.rgb(), (sy * w + sx) * 3, out, (y * ow + x) * 3, 3);
            }
        }
        return new RgbImage(ow, oh, out);
    }
}
