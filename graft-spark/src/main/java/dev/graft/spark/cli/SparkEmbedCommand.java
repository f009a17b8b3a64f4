package dev.graft.spark.cli;

import dev.graft.model.vision.VisionBackbones;
import dev.graft.spark.GraftEmbedder;
import dev.graft.spark.SparkData;
import dev.graft.spark.SparkSessions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft spark-embed}: pretrained embeddings of a text or image column, computed on Spark. */
@Command(name = "spark-embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Add a pretrained embedding (array<float>) to every row of the input, on Spark; write Parquet.",
                "",
                "Texts: a sentence encoder (--model minilm by default). Images: --image-column COLUMN (paths or image bytes) or an",
                "image folder as --input, with an image backbone (--model mobilenetv2 by default, or a backbone directory); the",
                "embedding is the backbone's pooled features, as `graft train --strategy feature-extraction` computes them.",
                "",
                "Rows with a null or empty text, or a missing or corrupt image, get a null embedding and a message in the 'error'",
                "column; they do not fail the job.",
                ""})
public final class SparkEmbedCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "CSV, TSV, JSONL or Parquet (file, directory or glob).")
    String input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Parquet directory to write (all input columns + embedding + error).")
    String output;

    @Option(names = "--model", paramLabel = "NAME|DIR",
            description = "Pretrained model (default: minilm for texts, mobilenetv2 for images; an image backbone is a directory or a"
                    + " name registered with `graft models import`).")
    String model;

    @Option(names = "--overwrite", description = "Replace an existing --output.")
    boolean overwrite;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        try (SparkSessions.Started started = SparkSessions.start(sparkOptions.master, "graft spark-embed", sparkOptions.conf)) {
        SparkSession spark = started.session();
        boolean images = sparkOptions.imageColumn != null || SparkData.isImageFolder(input);
        if (!images && model != null && VisionBackbones.isBackboneDirectory(Path.of(model))) {
            throw new IllegalArgumentException("--model " + model + " is an image backbone: name the image column with --image-column"
                    + " (or pass a folder of images as --input).");
        }
        SparkInput in = SparkInput.read(spark, input, sparkOptions, images);
        GraftEmbedder embedder = new GraftEmbedder().setBatchSize(sparkOptions.batchSize).setThreads(sparkOptions.threads)
                .setShipModel(!sparkOptions.noShip);
        if (images) {
            embedder.setImageCol(in.column());
        } else {
            embedder.setInputCol(in.column());
        }
        if (model != null) {
            embedder.setModel(model);
        }
        SparkData.writeParquet(embedder.transform(in.data()), output, overwrite);
        Dataset<Row> written = spark.read().parquet(output);
        long rows = written.count();
        long errors = written.filter(functions.col("error").isNotNull()).count();
        double seconds = (System.nanoTime() - t0) / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Embedded %d %s (%d with an error) with %s on %s in %.1f s; wrote %s%n", rows - errors,
                images ? "images" : "rows", errors, embedder.getModel(), spark.sparkContext().master(), seconds, output);
        out.flush();
        return 0;
        }
    }
}
