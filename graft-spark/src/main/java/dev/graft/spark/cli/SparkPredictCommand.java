package dev.graft.spark.cli;

import dev.graft.artifact.ImageClassifier;
import dev.graft.spark.GraftPredictor;
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

/** {@code graft spark-predict}: batch prediction with a trained Graft model (text or image), on Spark. */
@Command(name = "spark-predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Label every row of the input with a trained Graft model, on Spark; write Parquet with the input columns and",
                "prediction (class index), probability (array<float>, label order), predictedLabel and error.",
                "",
                "An image model (trained on images) reads an image column (--image-column; default path, image, file or content)",
                "of paths or image bytes, or an image folder as --input; a text model reads --text-column.",
                "",
                "Rows with a null or empty text, or a missing or corrupt image, get null predictions and a message in 'error';",
                "they do not fail the job.",
                ""})
public final class SparkPredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "CSV, TSV, JSONL or Parquet (file, directory or glob).")
    String input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Parquet directory to write.")
    String output;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory written by `graft train` or `graft spark-train` (text or image).")
    Path model;

    @Option(names = "--overwrite", description = "Replace an existing --output.")
    boolean overwrite;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        try (SparkSessions.Started started = SparkSessions.start(sparkOptions.master, "graft spark-predict", sparkOptions.conf)) {
        SparkSession spark = started.session();
        if (!dev.graft.artifact.ModelDirectory.isModel(model)) {
            throw new IllegalArgumentException("--model " + model + " is not a Graft model directory (no "
                    + dev.graft.artifact.ModelDirectory.MANIFEST + "); pass the --out directory of `graft train` or `graft spark-train`.");
        }
        boolean images = ImageClassifier.isImageModel(model);
        SparkInput in = SparkInput.read(spark, input, sparkOptions, images);
        GraftPredictor predictor = new GraftPredictor().setModelDir(model.toString())
                .setBatchSize(sparkOptions.batchSize).setThreads(sparkOptions.threads).setShipModel(!sparkOptions.noShip);
        if (images) {
            predictor.setImageCol(in.column());
        } else {
            predictor.setInputCol(in.column());
        }
        SparkData.writeParquet(predictor.transform(in.data()), output, overwrite);
        Dataset<Row> written = spark.read().parquet(output);
        long rows = written.count();
        long errors = written.filter(functions.col("error").isNotNull()).count();
        double seconds = (System.nanoTime() - t0) / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Predicted %d rows (%d with an error) on %s in %.1f s; wrote %s%n", rows - errors, errors,
                spark.sparkContext().master(), seconds, output);
        written.groupBy("predictedLabel").count().orderBy("predictedLabel").collectAsList()
                .forEach(r -> out.printf(Locale.ROOT, "  %-20s %d%n", r.isNullAt(0) ? "(error)" : r.getString(0), r.getLong(1)));
        out.flush();
        return 0;
        }
    }
}
