package dev.graft.spark.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by the {@code spark-*} commands: where Spark runs and how inference is batched. */
public final class SparkOptions {

    @Option(names = "--master", defaultValue = "local[*]", paramLabel = "URL",
            description = "Spark master: local[N], local[*], spark://host:7077, yarn, k8s://... (default: ${DEFAULT-VALUE}).")
    String master;

    @Option(names = "--partitions", paramLabel = "N", description = "Repartition the input into N partitions (default: as read, but at least one per core for spark-embed and spark-predict).")
    Integer partitions;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Extra Spark setting, repeatable (e.g. --conf spark.task.cpus=2).")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "ONNX Runtime threads per executor model; 0 = spark.task.cpus (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--encode-batch-size", defaultValue = "32", paramLabel = "N", description = "Texts or images per forward pass of the encoder (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--format", paramLabel = "csv|tsv|jsonl|parquet", description = "Input format (default: from the extension; a directory is Parquet).")
    String format;

    @Option(names = "--text-column", paramLabel = "COLUMN", description = "Text column: a name or 0-based index (default: text, sentence, sms, ...).")
    String textColumn;

    @Option(names = "--image-column", paramLabel = "COLUMN",
            description = "Image column (paths, file: URIs or image bytes): a name or 0-based index. Selects images for spark-embed;"
                    + " for spark-predict with an image model the default is path, image, file or content. An image folder as --input"
                    + " has the column path.")
    String imageColumn;

    @Option(names = "--no-ship", description = "Do not send the model through Spark's file distribution; every executor reads it at the same path.")
    boolean noShip;
}
