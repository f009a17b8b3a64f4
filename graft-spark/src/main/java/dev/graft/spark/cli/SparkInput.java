package dev.graft.spark.cli;

import dev.graft.spark.SparkData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code --input} of a {@code spark-*} command and the column its model reads: a data file or Parquet
 * directory with a text or an image column, or a local folder of images (one row per image file, column
 * {@code path}). Wrong combinations are refused naming the option.
 *
 * @param data   the rows, repartitioned into {@code --partitions}, or spread over at least {@code
 *               spark.default.parallelism} partitions when the input has fewer (a single small file is one partition,
 *               which would leave every core but one idle)
 * @param column the text or image column
 * @param images whether {@code column} holds images
 */
record SparkInput(Dataset<Row> data, String column, boolean images) {

    /**
     * Reads {@code input}; {@code images} says whether the model reads images. Relative image paths in a local
     * CSV/TSV/JSONL file are resolved against the file's folder, as {@code graft train} does.
     */
    static SparkInput read(SparkSession spark, String input, SparkOptions o, boolean images) {
        boolean folder = SparkData.isImageFolder(input);
        if (images && o.textColumn != null) {
            throw new IllegalArgumentException("--text-column is for texts, but the model reads images: name the image column with"
                    + " --image-column.");
        }
        if (!images && (o.imageColumn != null || folder)) {
            throw new IllegalArgumentException((folder ? "--input " + input + " is a folder of images" : "--image-column is set")
                    + ", but the model reads texts: pass an image model with --model (for spark-embed: a backbone directory or a"
                    + " name such as mobilenetv2 with --image-column; for spark-predict: a model trained on images).");
        }
        Dataset<Row> data;
        String column;
        if (folder) {
            if (o.format != null) {
                throw new IllegalArgumentException("--format does not apply to a folder of images (--input " + input + ").");
            }
            if (o.imageColumn != null && !o.imageColumn.equals(SparkData.IMAGE_FOLDER_COLUMN)) {
                throw new IllegalArgumentException("--input " + input + " is a folder of images, whose only column is '"
                        + SparkData.IMAGE_FOLDER_COLUMN + "'; drop --image-column " + o.imageColumn + ".");
            }
            data = SparkData.imageFolder(spark, input);
            column = SparkData.IMAGE_FOLDER_COLUMN;
        } else {
            SparkData.Format format = SparkData.format(input, o.format);
            data = SparkData.read(spark, input, format);
            if (images) {
                column = SparkData.imageColumn(data, o.imageColumn);
                Path file = Path.of(input);
                if (format != SparkData.Format.PARQUET && Files.isRegularFile(file)) {
                    data = SparkData.resolveImagePaths(data, column, file.toAbsolutePath().getParent());
                }
            } else {
                column = SparkData.textColumn(data, o.textColumn);
            }
        }
        if (o.partitions != null) {
            data = data.repartition(o.partitions);
        } else {
            int cores = spark.sparkContext().defaultParallelism();
            if (data.rdd().getNumPartitions() < cores) {
                data = data.repartition(cores);
            }
        }
        return new SparkInput(data, column, images);
    }
}
