package dev.graft.model.hub;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A response body that fails when no data arrives for {@code timeout}. {@code java.net.http} bounds only the wait for
 * a response's headers, so a server that stalls in the middle of a body would block a read forever. Every read arms a
 * watchdog; if it fires before the read returns, the underlying stream is closed, which ends the blocked read, and
 * the read throws an {@link HttpTimeoutException} saying how long nothing arrived.
 */
final class IdleTimeoutInputStream extends FilterInputStream {

    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private final Duration timeout;
    private volatile boolean expired;

    IdleTimeoutInputStream(InputStream in, Duration timeout) {
        super(in);
        this.timeout = timeout;
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "graft-hub-read-timeout");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true); // one armed alarm per read: cancelled ones must not pile up
        return e;
    }

    @FunctionalInterface
    private interface Read {
        long run() throws IOException;
    }

    private long guarded(Read read) throws IOException {
        if (expired) {
            throw timeout(null);
        }
        ScheduledFuture<?> alarm = WATCHDOG.schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            long n = read.run();
            if (expired) {
                throw timeout(null);
            }
            return n;
        } catch (IOException e) {
            throw expired ? timeout(e) : e;
        } finally {
            alarm.cancel(false);
        }
    }

    private void expire() {
        expired = true;
        try {
            in.close();
        } catch (IOException ignored) {
            // the read that was waiting fails anyway
        }
    }

    private HttpTimeoutException timeout(IOException cause) {
        HttpTimeoutException e = new HttpTimeoutException("no data received for " + describe(timeout));
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** {@code 60 s}, or {@code 250 ms} below a second. */
    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public int read() throws IOException {
        return (int) guarded(in::read);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return (int) guarded(() -> in.read(b, off, len));
    }

    @Override
    public long skip(long n) throws IOException {
        return guarded(() -> in.skip(n));
    }
}
