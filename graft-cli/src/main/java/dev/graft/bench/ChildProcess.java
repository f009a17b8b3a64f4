package dev.graft.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child process of the bench (a JVM for peak memory, a Python peer) and picks the one JSON
 * line it prints after a known prefix. Its output is read on a separate thread, so the timeout holds
 * even when the child never closes its output, and at most {@link #MAX_OUTPUT} bytes are kept.
 */
final class ChildProcess {

    /** The most output bytes kept from a child (its result line and the tail of any error). */
    static final int MAX_OUTPUT = 8 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The result line parsed, or null with the reason in {@code tail}.
     *
     * @param json the JSON after the prefix, or null
     * @param tail why there is no result (the end of the child's output, a timeout, an exception)
     * @param output everything the child printed (up to {@link #MAX_OUTPUT} bytes)
     */
    record Result(JsonNode json, String tail, String output) {
    }

    private ChildProcess() {
    }

    /** Runs {@code cmd} with {@code extraEnv} added to this process's environment. */
    static Result run(List<String> cmd, Map<String, String> extraEnv, String prefix, int timeoutSeconds) {
        Process proc;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(extraEnv);
            proc = pb.start();
            proc.getOutputStream().close();
        } catch (IOException e) {
            return new Result(null, "cannot start " + cmd.get(0) + ": " + e.getMessage(), "");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> drain(proc.getInputStream(), out), "bench-child-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!proc.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                return new Result(null, "timed out after " + timeoutSeconds + " s", text(out));
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            proc.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(null, "interrupted", text(out));
        }
        String text = text(out);
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                try {
                    return new Result(JSON.readTree(line.substring(prefix.length())), "", text);
                } catch (IOException e) {
                    return new Result(null, "unreadable result line: " + e.getMessage(), text);
                }
            }
        }
        String tail = text.length() > 600 ? text.substring(text.length() - 600) : text;
        return new Result(null, "exit " + proc.exitValue() + ": " + tail.strip(), text);
    }

    private static void drain(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                synchronized (out) {
                    if (out.size() + n <= MAX_OUTPUT) {
                        out.write(buf, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            // the child ended or was killed; what was read is kept
        }
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
