import dev.graft.model.text.OnnxTextEncoder;
import dev.graft.model.text.TextModels;
import dev.graft.util.Progress;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compares a `graft spark-embed` Parquet output with the single-machine path (OnnxTextEncoder.encode on the same
 * texts, THREADS intra-op threads) and times the single-machine path. Run with bench/compare-embeddings.sh.
 * Usage: CompareEmbeddings PARQUET_DIR TEXT_COLUMN THREADS
 */
public class CompareEmbeddings {
    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        List<Row> rows = spark.read().parquet(args[0]).filter("error is null").select(args[1], "embedding").collectAsList();
        long errors = spark.read().parquet(args[0]).filter("error is not null").count();
        spark.stop();
        List<String> texts = new ArrayList<>();
        rows.forEach(r -> texts.add(r.getString(0)));
        int threads = Integer.parseInt(args[2]);
        try (OnnxTextEncoder enc = OnnxTextEncoder.open(TextModels.resolve("minilm"), threads, 32)) {
            enc.encode(texts.subList(0, 64), Progress.NONE); // warm-up
            long t0 = System.nanoTime();
            float[][] expected = enc.encode(texts, Progress.NONE);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double max = 0;
            for (int i = 0; i < rows.size(); i++) {
                List<Float> v = rows.get(i).getList(1);
                for (int d = 0; d < v.size(); d++) {
                    max = Math.max(max, Math.abs(v.get(d) - expected[i][d]));
                }
            }
            System.out.printf("rows %d (+%d error rows), max |spark - single machine| = %.3g%n", rows.size(), errors, max);
            System.out.printf("single machine OnnxTextEncoder.encode, %d thread(s): %.1f s = %.0f texts/s%n", threads, seconds, texts.size() / seconds);
        }
    }
}
