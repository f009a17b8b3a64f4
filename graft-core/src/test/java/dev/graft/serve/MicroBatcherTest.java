package dev.graft.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.artifact.ModelInput;
import dev.graft.artifact.ModelOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Batches without a wait: the first input goes at once, and what arrives while it is predicted forms the next batch. */
class MicroBatcherTest {

    @Test
    void withNoDelayInputsQueuedDuringABatchArePredictedTogetherNext() throws Exception {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MicroBatcher batcher = new MicroBatcher(inputs -> {
            firstStarted.countDown();
            try {
                assertTrue(release.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return inputs.stream().map(in -> (ModelOutput) new ModelOutput.Value(((ModelInput.Text) in).text().length()))
                    .toList();
        }, 32, Duration.ZERO, 256, sizes::add);
        try {
            List<CompletableFuture<ModelOutput>> first = batcher.submit(List.of(new ModelInput.Text("a")));
            assertTrue(firstStarted.await(10, TimeUnit.SECONDS), "the first input is predicted without waiting for others");
            List<CompletableFuture<ModelOutput>> next = new ArrayList<>();
            for (String t : List.of("bb", "ccc", "dddd", "eeeee", "ffffff")) {
                next.addAll(batcher.submit(List.of(new ModelInput.Text(t))));
            }
            release.countDown();
            assertEquals(new ModelOutput.Value(1), first.get(0).get(10, TimeUnit.SECONDS));
            for (int i = 0; i < next.size(); i++) {
                assertEquals(new ModelOutput.Value(i + 2), next.get(i).get(10, TimeUnit.SECONDS), "in order");
            }
            assertEquals(List.of(1, 5), sizes, "the five that came during the first batch went together");
        } finally {
            batcher.close();
        }
    }
}
