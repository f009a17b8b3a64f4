package dev.graft.spark.cli;

import dev.graft.spark.GraftEmbedder;
import dev.graft.spark.SparkData;
import dev.graft.spark.SparkSessions;
import java.io.PrintWriter;
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

/** {@code graft spark-embed}: pretrained sentence embeddings of a text column, computed on Spark. */
@Command(name = "spark-embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Add a pretrained sentence embedding (array<float>) to every row of the input, on Spark; write Parquet.",
                "",
                "Rows with a null or empty text get a null embedding and a message in the 'error' column; they do not fail the job.",
                ""})
public final class SparkEmbedCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "CSV, TSV, JSONL or Parquet (file, directory or glob).")
    String input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Parquet directory to write (all input columns + embedding + error).")
    String output;

    @Option(names = "--model", defaultValue = "minilm", paramLabel = "NAME|DIR", description = "Pretrained model (default: ${DEFAULT-VALUE}).")
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
        Dataset<Row> in = SparkData.read(spark, input, SparkData.format(input, sparkOptions.format));
        if (sparkOptions.partitions != null) {
            in = in.repartition(sparkOptions.partitions);
        }
        GraftEmbedder embedder = new GraftEmbedder().setInputCol(SparkData.textColumn(in, sparkOptions.textColumn)).setModel(model)
                .setBatchSize(sparkOptions.batchSize).setThreads(sparkOptions.threads).setShipModel(!sparkOptions.noShip);
        SparkData.writeParquet(embedder.transform(in), output, overwrite);
        Dataset<Row> written = spark.read().parquet(output);
        long rows = written.count();
        long errors = written.filter(functions.col("error").isNotNull()).count();
        double seconds = (System.nanoTime() - t0) / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Embedded %d rows (%d with an error) on %s in %.1f s; wrote %s%n", rows - errors, errors,
                spark.sparkContext().master(), seconds, output);
        out.flush();
        return 0;
        }
    }
}
