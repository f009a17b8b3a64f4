package dev.graft.spark;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Starts the Spark session of a {@code graft spark-*} command. */
public final class SparkSessions {

    /** A session and whether this command started it (then {@link #close()} stops it). */
    public record Started(SparkSession session, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                session.stop();
            }
        }
    }

    private SparkSessions() {
    }

    /**
     * A session on {@code master} ({@code local[N]}, {@code spark://host:port}, ...), Spark UI off, Spark's log
     * at WARN, with extra {@code conf} settings (they win). A session already running in this JVM (an
     * application or a test that calls the CLI in-process) is reused and left running.
     */
    public static Started start(String master, String appName, Map<String, String> conf) {
        var existing = SparkSession.getDefaultSession();
        if (existing.isDefined() && !existing.get().sparkContext().isStopped()) {
            return new Started(existing.get(), false);
        }
        SparkSession.Builder b = SparkSession.builder().master(master).appName(appName)
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "8");
        conf.forEach(b::config);
        SparkSession s = b.getOrCreate();
        s.sparkContext().setLogLevel("WARN");
        return new Started(s, true);
    }
}
