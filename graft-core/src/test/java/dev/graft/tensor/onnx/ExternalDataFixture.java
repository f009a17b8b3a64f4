package dev.graft.tensor.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rewrites a real ONNX model so that one initializer keeps its data in an external file, the way
 * {@code onnx.save_model(..., save_as_external_data=True)} stores it: the raw bytes go to {@code dataFile} and the
 * tensor gets {@code external_data {key: "location", value: LOCATION}} and {@code data_location: EXTERNAL}.
 */
public final class ExternalDataFixture {

    private ExternalDataFixture() {
    }

    /**
     * @param model       a ModelProto whose graph has initializer {@code initializer} with {@code raw_data}
     * @param location    the location to record (relative to the model's folder, or absolute)
     * @param dataFile    where the initializer's bytes are written
     * @return the rewritten model
     */
    public static byte[] moveInitializerToFile(byte[] model, String initializer, String location, Path dataFile)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(model.length);
        boolean[] moved = {false};
        forEachField(model, 0, model.length, (field, wire, start, payloadStart, end) -> {
            if (field != 7 || wire != 2) {
                out.write(model, start, end - start);
                return;
            }
            ByteArrayOutputStream graph = new ByteArrayOutputStream(end - payloadStart);
            forEachField(model, payloadStart, end, (gf, gw, gs, gp, ge) -> {
                if (gf == 5 && gw == 2 && !moved[0] && initializer.equals(tensorName(model, gp, ge))) {
                    ProtoWriter t = new ProtoWriter();
                    forEachField(model, gp, ge, (tf, tw, ts, tp, te) -> {
                        if (tf == 9) {
                            byte[] raw = new byte[te - tp];
                            System.arraycopy(model, tp, raw, 0, raw.length);
                            Files.write(dataFile, raw);
                        } else {
                            t.raw(java.util.Arrays.copyOfRange(model, ts, te));
                        }
                    });
                    t.message(13, new ProtoWriter().string(1, "location").string(2, location)).varint(14, 1);
                    graph.writeBytes(new ProtoWriter().message(5, t).toBytes());
                    moved[0] = true;
                } else {
                    graph.write(model, gs, ge - gs);
                }
            });
            out.writeBytes(new ProtoWriter().bytes(7, graph.toByteArray()).toBytes());
        });
        if (!moved[0]) {
            throw new IllegalArgumentException("no initializer '" + initializer + "' in the model");
        }
        return out.toByteArray();
    }

    private interface FieldVisitor {
        void visit(int field, int wire, int start, int payloadStart, int end) throws IOException;
    }

    private static String tensorName(byte[] b, int from, int to) throws IOException {
        String[] name = {null};
        forEachField(b, from, to, (f, w, s, p, e) -> {
            if (f == 8 && w == 2) {
                name[0] = new String(b, p, e - p, StandardCharsets.UTF_8);
            }
        });
        return name[0];
    }

    private static void forEachField(byte[] b, int from, int to, FieldVisitor v) throws IOException {
        int[] pos = {from};
        while (pos[0] < to) {
            int start = pos[0];
            long key = varint(b, pos);
            int wire = (int) (key & 7);
            int payloadStart;
            switch (wire) {
                case 0 -> {
                    varint(b, pos);
                    payloadStart = pos[0];
                }
                case 1 -> {
                    payloadStart = pos[0];
                    pos[0] += 8;
                }
                case 5 -> {
                    payloadStart = pos[0];
                    pos[0] += 4;
                }
                case 2 -> {
                    int len = (int) varint(b, pos);
                    payloadStart = pos[0];
                    pos[0] += len;
                }
                default -> throw new IOException("wire type " + wire);
            }
            v.visit((int) (key >>> 3), wire, start, payloadStart, pos[0]);
        }
    }

    private static long varint(byte[] b, int[] pos) {
        long r = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b[pos[0]++];
            r |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return r;
            }
        }
    }
}
