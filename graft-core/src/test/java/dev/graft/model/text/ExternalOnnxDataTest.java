package dev.graft.model.text;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.onnx.ExternalDataFixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A text model whose ONNX file keeps an initializer in an external file ({@code ../../x} or an absolute path) is
 * refused before ONNX Runtime or the DJL importer reads it: otherwise the model would depend on a file outside its
 * folder that its checksum does not cover.
 */
class ExternalOnnxDataTest {

    private static final String INITIALIZER = "embeddings.LayerNorm.bias";
    private static byte[] minilm;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readMiniLm() throws IOException {
        try (InputStream in = ExternalOnnxDataTest.class.getClassLoader().getResourceAsStream(TextModels.MINILM.onnxResource())) {
            minilm = in.readAllBytes();
        }
    }

    /** {@code tmp/models/evil} holding MiniLM with {@link #INITIALIZER} moved to {@code location} ({@code data}). */
    private Path modelWithExternalData(String location, Path data) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("models").resolve("evil"));
        Files.write(dir.resolve(TextModelSpec.ONNX_FILE), ExternalDataFixture.moveInitializerToFile(minilm, INITIALIZER, location, data));
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(TextModels.MINILM.tokenizerResource())) {
            Files.copy(in, dir.resolve(TextModelSpec.TOKENIZER_FILE));
        }
        return dir;
    }

    private static void assertNamesFileInitializerAndLocation(RuntimeException e, Path dir, String location) {
        String m = e.getMessage();
        assertTrue(m.contains(dir.resolve(TextModelSpec.ONNX_FILE).toString()) && m.contains("initializer '" + INITIALIZER + "'")
                && m.contains("'" + location + "'") && m.contains("external file"), m);
    }

    @Test
    void onnxWithExternalDataOutsideTheModelIsRefused() throws IOException {
        Path dir = modelWithExternalData("../../outside.bin", tmp.resolve("outside.bin"));
        TextModelSpec spec = TextModels.resolve(dir.toString());
        RuntimeException e = assertThrows(RuntimeException.class, () -> OnnxTextEncoder.open(spec, 1, 4).close());
        assertNamesFileInitializerAndLocation(e, dir, "../../outside.bin");
        e = assertThrows(RuntimeException.class, () -> SentenceEncoders.open(spec).close());
        assertNamesFileInitializerAndLocation(e, dir, "../../outside.bin");
    }

    @Test
    void onnxWithExternalDataAtAnAbsolutePathIsRefusedByEveryReader() throws IOException {
        Path data = tmp.resolve("elsewhere.bin").toAbsolutePath();
        Path dir = modelWithExternalData(data.toString(), data);
        TextModelSpec spec = TextModels.resolve(dir.toString());
        RuntimeException e = assertThrows(RuntimeException.class, () -> OnnxTextEncoder.open(spec, 1, 4).close());
        assertNamesFileInitializerAndLocation(e, dir, data.toString());
        e = assertThrows(RuntimeException.class, () -> DjlTextEncoder.open(spec, 4).close());
        assertNamesFileInitializerAndLocation(e, dir, data.toString());
    }
}
