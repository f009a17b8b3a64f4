package dev.graft.model.torch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the smallest TorchScript archive that {@code torch::jit::load} accepts: one module class
 * without parameters, given as TorchScript source, whose only attribute is {@code training}.
 *
 * <p>The layout is {@code torch.jit.save}'s: {@code archive/data.pkl} (the module object, pickle
 * protocol 2), {@code archive/code/__torch__.py} (the class source, compiled by libtorch on load),
 * {@code archive/constants.pkl} (an empty tuple) and {@code archive/version}; entries are stored
 * uncompressed.
 */
public final class TorchScriptArchive {

    private static final String ROOT = "archive/";

    private TorchScriptArchive() {
    }

    /**
     * The archive of module class {@code className}, defined in {@code source} (TorchScript, the
     * class deriving from {@code Module} and declaring {@code training : bool}).
     */
    public static byte[] write(String className, String source) {
        if (!className.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("className must be an identifier, got '" + className + "'");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, "data.pkl", modulePickle(className));
            put(zip, "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            put(zip, "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            put(zip, "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** {@code __torch__.<className>()} with {@code {'training': True}} as its state, pickle protocol 2. */
    private static byte[] modulePickle(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {(byte) 0x80, 2});                                        // PROTO 2
        p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        p.writeBytes(new byte[] {')', (byte) 0x81, '}', '('});                             // EMPTY_TUPLE NEWOBJ EMPTY_DICT MARK
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.writeBytes(new byte[] {'X', (byte) key.length, 0, 0, 0});                       // BINUNICODE
        p.writeBytes(key);
        p.writeBytes(new byte[] {(byte) 0x88, 'u', 'b', '.'});                             // NEWTRUE SETITEMS BUILD STOP
        return p.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(ROOT + name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
