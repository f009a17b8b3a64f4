package dev.graft.model.bert;

import dev.graft.tensor.onnx.OnnxGraph;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The bundled all-MiniLM-L6-v2 ONNX export and tokenizer, read once per JVM. */
final class MiniLmFixture {

    static final String MODEL = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private static byte[] modelBytes;
    private static OnnxGraph graph;

    private MiniLmFixture() {
    }

    static synchronized byte[] modelBytes() {
        if (modelBytes == null) {
            modelBytes = resource(MODEL);
        }
        return modelBytes;
    }

    static synchronized OnnxGraph graph() throws IOException {
        if (graph == null) {
            graph = OnnxGraph.parse(modelBytes(), MODEL);
        }
        return graph;
    }

    static InputStream open(String name) {
        InputStream in = MiniLmFixture.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("Classpath resource " + name + " not found (langchain4j all-minilm-l6-v2 jar)");
        }
        return in;
    }

    static byte[] resource(String name) {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
