// Inference throughput of one text model three ways, in one JVM, one after the other (never two engines at once):
// Graft's own predictor (TextClassifier: libtorch for a fine-tuned encoder, ONNX Runtime + head for feature extraction),
// the exported fp32 ONNX graph and the int8 graph, both on ONNX Runtime alone. Checks the outputs agree, prints texts/s.
//
//   GRAFT_HOME=... jshell --class-path "graft-cli/target/graft-cli.jar:$(ls graft-cli/target/lib/*.jar | tr '\n' ':')" \
//     -R-Dmodel=MODEL_DIR -R-Dfp32=MODEL.onnx -R-Dint8=MODEL-int8.onnx -R-Ddata=dev.tsv -R-Dcolumn=sentence \
//     -R-Dn=200 -R-Dthreads=2 examples/onnx-export/throughput.jsh
import dev.graft.artifact.TextClassifier;
import dev.graft.artifact.export.ExportedTextModel;
import dev.graft.artifact.export.OnnxExport;
import dev.graft.data.DataOptions;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextExample;
import dev.graft.tensor.onnx.OnnxModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;

System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("threads", "2"));
System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
int threads = Integer.getInteger("threads", 2);
int n = Integer.getInteger("n", 200);
var options = DataOptions.defaults().withTextColumn(System.getProperty("column", "text"));
var examples = TextDataReader.read(Path.of(System.getProperty("data")), options).examples();
java.util.List<String> texts = examples.stream().map(TextExample::text).limit(n).toList();
java.util.List<String> warm = texts.subList(0, Math.min(16, texts.size()));

float[][] timed(String what, java.util.function.Function<java.util.List<String>, float[][]> f) {
    f.apply(warm);
    long t0 = System.nanoTime();
    float[][] out = f.apply(texts);
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(java.util.Locale.ROOT, "%-28s %4d texts in %6.2f s = %6.1f texts/s%n", what, texts.size(), s, texts.size() / s);
    return out;
}

float[][] onnx(String what, Path file) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    var pre = new com.fasterxml.jackson.databind.ObjectMapper().readTree(OnnxModelInfo.of(bytes).metadata().get("graft.preprocessing"));
    Path tokenizer = file.resolveSibling(pre.get("tokenizer").asText());
    try (var m = ExportedTextModel.open(bytes, tokenizer, pre.get("max_length").asInt(), threads)) {
        return timed(what, t -> m.outputs(t));
    }
}

float[][] graft;
try (var c = TextClassifier.load(Path.of(System.getProperty("model")))) {
    graft = timed("Graft (" + c.strategy() + ")", t -> c.probabilities(t));
}
float[][] fp32 = onnx("ONNX Runtime fp32", Path.of(System.getProperty("fp32")));
float[][] int8 = onnx("ONNX Runtime int8", Path.of(System.getProperty("int8")));
System.out.printf(java.util.Locale.ROOT, "max |Δ| fp32 vs Graft %.2e, int8 vs fp32 %.3g%n", OnnxExport.maxDifference(graft, fp32),
        OnnxExport.maxDifference(fp32, int8));
/exit
