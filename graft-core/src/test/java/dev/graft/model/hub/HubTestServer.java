package dev.graft.model.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server shaped like the Hugging Face Hub: the model API, {@code /resolve/} with
 * {@code X-Repo-Commit}, {@code ETag} (git blob id) for small files, and for {@code .safetensors}/{@code .bin}
 * files a 302 to a "CDN" path with {@code X-Linked-Etag} (SHA-256) and {@code X-Linked-Size}; the CDN honours
 * {@code Range}. Faults can be injected; every request is counted.
 */
public final class HubTestServer implements AutoCloseable {

    /** One repository: revisions to commits and files at its (single) commit. */
    record Repo(String commit, Map<String, String> revisions, Map<String, byte[]> files, String token) {
    }

    private final HttpServer server;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, byte[]> cdn = new ConcurrentHashMap<>();
    public final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger downloads = new AtomicInteger();
    final List<String> ranges = new CopyOnWriteArrayList<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    /** Sha256 of a blob whose next GET is cut after {@code cutAfter} bytes. */
    volatile String cutBlob;
    volatile int cutAfter;
    /** Sha256 of a blob served with one byte changed. */
    public volatile String corruptBlob;
    /** Milliseconds to pause in the middle of every blob download (makes concurrent pulls overlap). */
    volatile int slowMillis;
    /** Sha256 of a blob whose downloads send half the bytes, then wait for {@link #releaseStall} (up to a minute). */
    volatile String stallBlob;
    private final CountDownLatch stallRelease = new CountDownLatch(1);

    public HubTestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    /** Lets stalled downloads ({@link #stallBlob}) go on. */
    void releaseStall() {
        stallBlob = null;
        stallRelease.countDown();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void addRepo(String repoId, String commit, Map<String, byte[]> files, String token) {
        repos.put(repoId, new Repo(commit, Map.of("main", commit, commit, commit), files, token));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            if (isLfs(f.getKey())) {
                cdn.put(sha256(f.getValue()), f.getValue());
            }
        }
    }

    static boolean isLfs(String name) {
        return name.endsWith(".safetensors") || name.endsWith(".bin");
    }

    public static String sha256(byte[] b) {
        return HexFormat.of().formatHex(Hashes.sha256().digest(b));
    }

    static String gitBlobId(byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        String path = URLDecoder.decode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
        log.add(ex.getRequestMethod() + " " + path);
        try {
            if (path.startsWith("/api/models/")) {
                api(ex, path.substring("/api/models/".length()));
            } else if (path.startsWith("/cdn/")) {
                blob(ex, path.substring("/cdn/".length()));
            } else {
                resolve(ex, path.substring(1));
            }
        } catch (IOException e) {
            // the client went away or a cut was injected
        } finally {
            ex.close();
        }
    }

    private boolean authorised(HttpExchange ex, Repo repo) throws IOException {
        if (repo.token() == null || ("Bearer " + repo.token()).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            return true;
        }
        ex.sendResponseHeaders(401, -1);
        return false;
    }

    private void api(HttpExchange ex, String rest) throws IOException {
        int at = rest.indexOf("/revision/");
        Repo repo = at < 0 ? null : repos.get(rest.substring(0, at));
        if (repo == null) {
            notFound(ex, "RepoNotFound");
            return;
        }
        if (!authorised(ex, repo)) {
            return;
        }
        String commit = repo.revisions().get(rest.substring(at + "/revision/".length()));
        if (commit == null) {
            notFound(ex, "RevisionNotFound");
            return;
        }
        StringBuilder json = new StringBuilder("{\"id\":\"" + rest.substring(0, at) + "\",\"sha\":\"" + commit
                + "\",\"siblings\":[");
        String sep = "";
        for (String f : repo.files().keySet()) {
            json.append(sep).append("{\"rfilename\":\"").append(f).append("\"}");
            sep = ",";
        }
        send(ex, 200, json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    }

    private void resolve(HttpExchange ex, String rest) throws IOException {
        int at = rest.indexOf("/resolve/");
        Repo repo = at < 0 ? null : repos.get(rest.substring(0, at));
        if (repo == null) {
            notFound(ex, "RepoNotFound");
            return;
        }
        if (!authorised(ex, repo)) {
            return;
        }
        String revAndFile = rest.substring(at + "/resolve/".length());
        int slash = revAndFile.indexOf('/');
        String commit = repo.revisions().get(revAndFile.substring(0, slash));
        byte[] content = repo.files().get(revAndFile.substring(slash + 1));
        if (commit == null || content == null) {
            notFound(ex, commit == null ? "RevisionNotFound" : "EntryNotFound");
            return;
        }
        ex.getResponseHeaders().set("X-Repo-Commit", commit);
        if (isLfs(revAndFile)) {
            String sha = sha256(content);
            ex.getResponseHeaders().set("X-Linked-Etag", "\"" + sha + "\"");
            ex.getResponseHeaders().set("X-Linked-Size", Long.toString(content.length));
            ex.getResponseHeaders().set("ETag", "\"" + gitBlobId(content) + "\"");
            // an absolute URL, like the Hub's CDN redirect (same server here, different path)
            ex.getResponseHeaders().set("Location", endpoint() + "/cdn/" + sha);
            ex.sendResponseHeaders(302, -1);
            return;
        }
        ex.getResponseHeaders().set("ETag", "\"" + gitBlobId(content) + "\"");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Long.toString(content.length));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        downloads.incrementAndGet();
        send(ex, 200, content);
    }

    private void blob(HttpExchange ex, String sha) throws IOException {
        byte[] content = cdn.get(sha);
        if (content == null) {
            notFound(ex, "EntryNotFound");
            return;
        }
        downloads.incrementAndGet();
        if (ex.getRequestHeaders().getFirst("Authorization") != null) {
            log.add("AUTH-ON-CDN");
        }
        if (sha.equals(corruptBlob)) {
            content = content.clone();
            content[content.length / 2] ^= 1;
        }
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        if (range != null) {
            ranges.add(range);
            from = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
        }
        boolean cut = sha.equals(cutBlob);
        if (cut) {
            cutBlob = null;
        }
        ex.sendResponseHeaders(range != null ? 206 : 200, content.length - from);
        OutputStream out = ex.getResponseBody();
        int half = (content.length - from) / 2;
        out.write(content, from, half);
        out.flush();
        try {
            if (slowMillis > 0) {
                Thread.sleep(slowMillis);
            }
            if (sha.equals(stallBlob)) {
                stallRelease.await(1, TimeUnit.MINUTES);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (cut) {
            out.write(content, from + half, Math.max(0, cutAfter - half));
            out.flush();
            throw new IOException("cut"); // closes the connection mid-body
        }
        out.write(content, from + half, content.length - from - half);
    }

    private static void notFound(HttpExchange ex, String code) throws IOException {
        ex.getResponseHeaders().set("X-Error-Code", code);
        send(ex, 404, ("{\"error\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int code, byte[] body) throws IOException {
        ex.sendResponseHeaders(code, body.length);
        ex.getResponseBody().write(body);
    }

    @Override
    public void close() {
        releaseStall();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
