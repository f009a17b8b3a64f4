package dev.graft.serve;

import dev.graft.artifact.ModelInput;
import dev.graft.artifact.ModelOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Dynamic micro-batching: inputs of concurrent requests wait in one queue; a single worker thread takes the first,
 * waits at most {@code maxDelay} for more (up to {@code maxBatchSize}; with no delay it takes what is queued) and predicts
 * them together, so the model is only ever called from that thread. Inputs that arrive while it predicts form the next
 * batch. When a batch fails, its inputs are predicted one by one, so one unreadable input
 * fails only its own request.
 */
public final class MicroBatcher implements AutoCloseable {

    private record Item(ModelInput input, CompletableFuture<ModelOutput> result) {
    }

    private final Function<List<ModelInput>, List<ModelOutput>> predict;
    private final int maxBatchSize;
    private final long maxDelayNanos;
    private final IntConsumer batchSizes;
    private final BlockingQueue<Item> queue;
    private final Thread worker;
    private volatile boolean closing;

    /**
     * Starts the worker thread.
     *
     * @param predict       predicts a batch, one output per input, in order
     * @param queueCapacity the most inputs waiting; more are refused ({@link #submit} throws)
     * @param batchSizes    told the size of every batch predicted
     */
    public MicroBatcher(Function<List<ModelInput>, List<ModelOutput>> predict, int maxBatchSize, Duration maxDelay,
                        int queueCapacity, IntConsumer batchSizes) {
        this.predict = predict;
        this.maxBatchSize = maxBatchSize;
        this.maxDelayNanos = maxDelay.toNanos();
        this.batchSizes = batchSizes;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.worker = new Thread(this::run, "graft-serve-batcher");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Queues {@code inputs}; each future completes with its output, or exceptionally with why it failed.
     *
     * @throws RejectedExecutionException when the queue has no room for all of them or the batcher is closing
     */
    public synchronized List<CompletableFuture<ModelOutput>> submit(List<ModelInput> inputs) {
        if (closing) {
            throw new RejectedExecutionException("the server is shutting down");
        }
        if (queue.remainingCapacity() < inputs.size()) {
            throw new RejectedExecutionException("the server is busy: " + queue.size() + " inputs are waiting");
        }
        List<CompletableFuture<ModelOutput>> out = new ArrayList<>(inputs.size());
        for (ModelInput in : inputs) {
            CompletableFuture<ModelOutput> f = new CompletableFuture<>();
            queue.add(new Item(in, f));
            out.add(f);
        }
        return out;
    }

    /** The number of inputs waiting. */
    public int queued() {
        return queue.size();
    }

    private void run() {
        List<Item> batch = new ArrayList<>(maxBatchSize);
        while (true) {
            try {
                Item first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxDelayNanos;
                while (batch.size() < maxBatchSize) {
                    Item next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            predict(batch);
            batch.clear();
        }
    }

    private void predict(List<Item> batch) {
        batchSizes.accept(batch.size());
        try {
            List<ModelOutput> outputs = predict.apply(batch.stream().map(Item::input).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(outputs.get(i));
            }
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(e);
                return;
            }
            for (Item item : batch) { // find the input that failed; the others still get their answers
                predict(List.of(item));
            }
        }
    }

    /** Predicts what is queued, then stops the worker (waiting at most {@code timeout}). */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Predicts what is queued, then stops the worker, waiting at most {@code timeout} for it. */
    public void close(Duration timeout) {
        synchronized (this) {
            closing = true;
        }
        try {
            worker.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
        }
        Item left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(new RejectedExecutionException("the server shut down"));
        }
    }
}
