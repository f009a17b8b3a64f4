package dev.graft.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.model.text.OnnxTextEncoder;
import dev.graft.model.text.Pooling;
import dev.graft.model.text.TextModelVariants;
import dev.graft.model.text.TextModels;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureDumpTest {

    @TempDir
    Path dir;

    private static final String[] GOOD = {"great product, works well", "love it, five stars", "excellent and sturdy",
        "really happy with this", "best purchase this year", "does exactly what it says"};
    private static final String[] BAD = {"broke after a day", "terrible, want a refund", "cheap plastic, avoid",
        "stopped working quickly", "waste of money", "arrived damaged and late"};

    private Path tsv(String name, int copies) throws IOException {
        StringBuilder b = new StringBuilder("text\tlabel\n");
        for (int c = 0; c < copies; c++) {
            for (int i = 0; i < GOOD.length; i++) {
                b.append(GOOD[i]).append(" #").append(c).append("\tpos\n").append(BAD[i]).append(" #").append(c).append("\tneg\n");
            }
        }
        return Files.writeString(dir.resolve(name), b.toString());
    }

    /** name → (header, data) of each array. */
    private static Map<String, Object[]> read(Path npz) throws IOException {
        Map<String, Object[]> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                byte[] b = zip.getInputStream(e).readAllBytes();
                int len = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
                ByteBuffer data = ByteBuffer.wrap(b, 10 + len, b.length - 10 - len).slice().order(ByteOrder.LITTLE_ENDIAN);
                out.put(e.getName().replace(".npy", ""), new Object[] {new String(b, 10, len, StandardCharsets.US_ASCII).trim(), data});
            }
        }
        return out;
    }

    @Test
    void writesTheSplitsTrainMakesWithTheRequestedPooling() throws IOException {
        Path train = tsv("train.tsv", 4);
        Path test = tsv("test.tsv", 1);
        Path out = dir.resolve("features.npz");
        // the default precision, auto, keeps cls+mean (which only ONNX Runtime computes) on ONNX Runtime in fp32
        TrainingRequest request = TrainingRequest.of(train).testFile(test).model("minilm").pooling("cls+mean");
        FeatureDump.Result r = FeatureDump.write(request, out, new RunListener() { });
        assertEquals(768, r.dimension());
        assertEquals("cls+mean", r.pooling());
        assertEquals(48, r.rows().get("train") + r.rows().get("val"), "train and validation come from the training file");
        assertEquals(12, r.rows().get("test"));

        Map<String, Object[]> a = read(out);
        assertEquals(List.of("train_x", "train_y", "val_x", "val_y", "test_x", "test_y", "labels", "model", "pooling", "precision"),
                new ArrayList<>(a.keySet()));
        assertTrue(((String) a.get("test_x")[0]).contains("'shape': (12, 768)"), (String) a.get("test_x")[0]);
        assertTrue(((String) a.get("labels")[0]).contains("'<U3'"), (String) a.get("labels")[0]);
        ByteBuffer labels = (ByteBuffer) a.get("labels")[1];
        int y0 = ((ByteBuffer) a.get("test_y")[1]).getInt(0);
        int at = y0 * 12;
        assertEquals("pos", new String(new int[] {labels.getInt(at), labels.getInt(at + 4), labels.getInt(at + 8)}, 0, 3),
                "test row 0, a positive review, has the index of the class pos");

        float[] expected;
        try (OnnxTextEncoder e = OnnxTextEncoder.open(TextModelVariants.withPooling(TextModels.resolve("minilm"),
                Pooling.parse("cls+mean", "test")), 1, 4)) {
            expected = e.encode(List.of(GOOD[0] + " #0"), Progress.NONE)[0];
        }
        ByteBuffer x = (ByteBuffer) a.get("test_x")[1];
        for (int d = 0; d < 768; d++) {
            assertEquals(expected[d], x.getFloat(d * 4), 1e-4, "dimension " + d);
        }
    }

    /** The one string of a {@code <Un} array of one element. */
    private static String string(Object[] entry) {
        String header = (String) entry[0];
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("'<U(\\d+)'").matcher(header);
        assertTrue(m.find(), header);
        ByteBuffer b = (ByteBuffer) entry[1];
        int[] cps = new int[Integer.parseInt(m.group(1))];
        for (int i = 0; i < cps.length; i++) {
            cps[i] = b.getInt(4 * i);
        }
        return new String(cps, 0, cps.length).replace("\0", "");
    }

    @Test
    void aDumpUnderTheDefaultPrecisionRecordsThePassTrainingUses() throws IOException {
        Path train = tsv("train.tsv", 4);
        TrainingRequest byDefault = TrainingRequest.of(train).model("minilm");
        Path out = dir.resolve("default.npz");
        MessageLog log = new MessageLog();
        FeatureDump.write(byDefault, out, log);
        List<String> notes = log.lines;
        String precision = byDefault.frozenTextPrecision().key();
        assertEquals(precision, string(read(out).get("precision")));
        assertEquals(precision.equals("bf16") ? 1 : 0, notes.stream().filter(n -> n.contains("precision auto")).count(),
                "a note where auto chose bf16, none elsewhere: " + notes);
    }

    @Test
    void refusesAnExistingFileAnotherTaskAndPoolingForImages() throws IOException {
        Path train = tsv("train.tsv", 4);
        Path mine = Files.writeString(dir.resolve("mine.npz"), "keep me");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureDump.write(TrainingRequest.of(train), mine, new RunListener() { }));
        assertTrue(e.getMessage().contains(mine.toString()) && e.getMessage().contains("exists"), e.getMessage());
        assertEquals("keep me", Files.readString(mine));
        e = assertThrows(IllegalArgumentException.class,
                () -> FeatureDump.write(TrainingRequest.of(train), dir.resolve("f.csv"), new RunListener() { }));
        assertTrue(e.getMessage().contains(".npz"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FeatureDump.write(TrainingRequest.of(train).tta("flip"), dir.resolve("f.npz"), new RunListener() { }));
        assertTrue(e.getMessage().contains("applies to images"), e.getMessage());
    }
}
