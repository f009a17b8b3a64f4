import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback load generator for {@code graft serve}: N clients, each sending one text per request for a fixed time,
 * then throughput, p50/p99 latency, errors and the server's resident memory before and after.
 *
 * <pre>java examples/serve-load/ServeLoad.java URL CLIENTS SECONDS TEXTS.txt [SERVER_PID]</pre>
 *
 * TEXTS.txt holds one text per line (the requests cycle through them). No dependencies: the JDK's HttpClient.
 */
public final class ServeLoad {

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: java ServeLoad.java URL CLIENTS SECONDS TEXTS.txt [SERVER_PID]");
            System.exit(2);
        }
        URI predict = URI.create(args[0]).resolve("/v1/predict");
        int clients = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        List<String> texts = Files.readAllLines(Path.of(args[3])).stream().filter(t -> !t.isBlank()).toList();
        String pid = args.length > 4 ? args[4] : null;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long rssStart = rss(pid);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong errors = new AtomicLong();
        List<long[]> perClient = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            long[] lat = new long[1 << 20];
            perClient.add(lat);
            int offset = c;
            Thread t = new Thread(() -> {
                int n = 0;
                while (System.nanoTime() < end && n < lat.length - 1) {
                    String text = texts.get((offset + n * clients) % texts.size());
                    String body = "{\"text\": \"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", " ") + "\"}";
                    long s = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(predict).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    lat[++n] = System.nanoTime() - s;
                }
                lat[0] = n;
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        List<Long> all = new ArrayList<>();
        for (long[] lat : perClient) {
            for (int i = 1; i <= lat[0]; i++) {
                all.add(lat[i]);
            }
        }
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "clients=%d duration=%.1fs requests=%d throughput=%.1f req/s p50=%.1f ms p99=%.1f ms"
                        + " max=%.1f ms errors=%d rss_start=%s rss_end=%s%n",
                clients, wall, sorted.length, sorted.length / wall, pct(sorted, 0.50), pct(sorted, 0.99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, errors.get(), mb(rssStart), mb(rss(pid)));
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /** The resident set of process {@code pid} in kB (Linux /proc), or -1. */
    private static long rss(String pid) throws Exception {
        if (pid == null) {
            return -1;
        }
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static String mb(long kb) {
        return kb < 0 ? "n/a" : String.format(Locale.ROOT, "%.0fMB", kb / 1024.0);
    }

    private ServeLoad() {
    }
}
