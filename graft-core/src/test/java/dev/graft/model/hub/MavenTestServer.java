package dev.graft.model.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server shaped like a Maven repository: files by path under {@code /maven2/}, {@code Range} honoured
 * with {@code 206} and {@code Content-Range}, 404 for anything else. Faults can be injected (a cut connection, a
 * stall, changed bytes); every request and {@code Range} header is recorded.
 */
public final class MavenTestServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final CountDownLatch stallRelease = new CountDownLatch(1);
    /** Requests received. */
    public final AtomicInteger requests = new AtomicInteger();
    /** The {@code Range} headers received, in order. */
    public final List<String> ranges = new CopyOnWriteArrayList<>();
    /** When positive, the next download sends this many bytes and then closes the connection. */
    public volatile int cutAfter;
    /** When true, downloads send half their bytes and then wait for {@link #releaseStall()} (at most a minute). */
    public volatile boolean stall;
    /** When true, downloads are sent with one byte changed. */
    public volatile boolean corrupt;

    /** Starts on a free loopback port. */
    public MavenTestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** The repository URL ({@code http://127.0.0.1:PORT/maven2}). */
    public URI repository() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/maven2");
    }

    /** Serves {@code content} as {@code artifact}'s jar. */
    public void serve(MavenArtifact artifact, byte[] content) {
        files.put("/maven2/" + artifact.repositoryPath(), content);
    }

    /** Lets stalled downloads go on. */
    public void releaseStall() {
        stall = false;
        stallRelease.countDown();
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            byte[] content = files.get(ex.getRequestURI().getPath());
            if (content == null || !ex.getRequestMethod().equals("GET")) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            if (corrupt) {
                content = content.clone();
                content[content.length / 3] ^= 1;
            }
            String range = ex.getRequestHeaders().getFirst("Range");
            int from = 0;
            if (range != null) {
                ranges.add(range);
                from = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
                ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            }
            int cut = cutAfter;
            cutAfter = 0;
            ex.sendResponseHeaders(range != null ? 206 : 200, content.length - from);
            OutputStream out = ex.getResponseBody();
            int half = (content.length - from) / 2;
            if (cut > 0) {
                out.write(content, from, Math.min(cut, content.length - from));
                out.flush();
                return; // closing the exchange short of the announced length breaks the connection
            }
            out.write(content, from, half);
            out.flush();
            if (stall) {
                try {
                    stallRelease.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            out.write(content, from + half, content.length - from - half);
        } catch (IOException e) {
            // the client went away (a timeout in a test): nothing to do
        }
    }

    @Override
    public void close() {
        releaseStall();
        server.stop(0);
    }
}
