package dev.graft.spark.cli;

import dev.graft.api.CommandPlugin;
import java.util.List;

/** Registers {@code spark-embed}, {@code spark-predict} and {@code spark-train} with {@code graft}. */
public final class SparkCommands implements CommandPlugin {

    @Override
    public List<Object> commands() {
        return List.of(new SparkEmbedCommand(), new SparkPredictCommand(), new SparkTrainCommand());
    }

    @Override
    public String describe(Throwable e) {
        if (e instanceof org.apache.spark.sql.AnalysisException || e instanceof org.apache.spark.SparkException) {
            return "Spark: " + e.getMessage();
        }
        return null;
    }
}
