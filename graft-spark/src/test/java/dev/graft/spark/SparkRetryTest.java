package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task that dies half-way through writing its rows is retried by Spark, and the Parquet output holds every row
 * exactly once: the first attempt's partial file is never committed. {@code local[2,2]} allows one retry per task.
 */
class SparkRetryTest {

    @TempDir
    static Path tmp;

    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2,2]").appName("graft-spark-retry").config("spark.ui.enabled", "false")
                .getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /**
     * Passes rows through; the first attempt of partition 1 throws after {@code after} rows, as a dying executor would,
     * leaving the file {@code marker} behind as evidence that it did.
     */
    static MapPartitionsFunction<Row, Row> failFirstAttempt(int after, String marker) {
        return rows -> new Iterator<>() {
            private int seen;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                if (!rows.hasNext()) {
                    throw new NoSuchElementException();
                }
                TaskContext task = TaskContext.get();
                if (task.partitionId() == 1 && task.attemptNumber() == 0 && ++seen > after) {
                    try {
                        Files.writeString(Path.of(marker), "attempt 0 of partition 1 failed");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    throw new IllegalStateException("injected failure of attempt 0 after " + after + " rows");
                }
                return rows.next();
            }
        };
    }

    @Test
    void aRetriedTaskLeavesNoDuplicateRows() {
        List<Row> input = new ArrayList<>();
        String[] words = {"refund my invoice", "the app crashes on start", "add a dark mode", "reset my password"};
        for (int i = 0; i < 40; i++) {
            input.add(RowFactory.create(i, words[i % words.length] + " #" + i));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false).add("text", DataTypes.StringType, true);
        Dataset<Row> texts = spark.createDataFrame(input, schema).repartition(2);
        Dataset<Row> embedded = new GraftEmbedder().setModel("minilm").setBatchSize(4).transform(texts);
        Path marker = tmp.resolve("failed-once");
        Dataset<Row> flaky = embedded.mapPartitions(failFirstAttempt(5, marker.toString()), Encoders.row(embedded.schema()));

        String out = tmp.resolve("embeddings.parquet").toString();
        SparkData.writeParquet(flaky, out, false);

        assertTrue(Files.exists(marker), "the first attempt did fail");
        List<Row> written = spark.read().parquet(out).collectAsList();
        Set<Integer> ids = new HashSet<>();
        for (Row r : written) {
            assertTrue(ids.add(r.<Integer>getAs("id")), "duplicate row " + r.getAs("id"));
            assertEquals(384, r.getList(r.fieldIndex("embedding")).size());
        }
        assertEquals(40, written.size(), "every row exactly once");
        System.out.println("a task failed after 5 rows and was retried: " + written.size() + " rows written, none twice");
    }
}
