package dev.graft.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child process spoken to in lines: requests go to its standard input, and replies are the lines
 * of its output that start with a known prefix (other output is kept, bounded, to explain a
 * failure). Every wait has a timeout; closing ends the child.
 */
final class LineProcess implements AutoCloseable {

    private static final String EOF = new String("end of output");
    private static final int TAIL_CHARS = 2000;

    private final Process proc;
    private final Writer in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder tail = new StringBuilder();

    private LineProcess(Process proc) {
        this.proc = proc;
        this.in = new OutputStreamWriter(proc.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::read, "bench-peer-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code cmd} with {@code extraEnv} added to this process's environment (standard error joins the output). */
    static LineProcess start(List<String> cmd, Map<String, String> extraEnv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(extraEnv);
        return new LineProcess(pb.start());
    }

    /** Sends one line. */
    void send(String line) throws IOException {
        in.write(line);
        in.write('\n');
        in.flush();
    }

    /**
     * Waits for the next output line starting with {@code prefix} and returns the rest of it.
     *
     * @throws IOException when the child ends or {@code timeoutSeconds} pass first, with the end of its other output
     */
    String await(String prefix, int timeoutSeconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try {
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new IOException("no answer within " + timeoutSeconds + " s; last output: " + tail());
                }
                if (line == EOF) {
                    lines.add(EOF);
                    throw new IOException("the process ended: " + tail());
                }
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length());
                }
                keep(line);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the child ended or was killed
        } finally {
            lines.add(EOF);
        }
    }

    private synchronized void keep(String line) {
        tail.append(line).append('\n');
        if (tail.length() > TAIL_CHARS) {
            tail.delete(0, tail.length() - TAIL_CHARS);
        }
    }

    private synchronized String tail() {
        return tail.toString().strip();
    }

    /** Closes the child's input, gives it a few seconds to end, then ends it. */
    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!proc.waitFor(10, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
            }
        } catch (InterruptedException e) {
            proc.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
