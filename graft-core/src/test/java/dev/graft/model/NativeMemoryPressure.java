package dev.graft.model;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Test helper: runs the garbage collector and refills freed native memory with NaN. */
public final class NativeMemoryPressure {

    private NativeMemoryPressure() {
    }

    /**
     * Runs {@code rounds} rounds of: collect garbage, give the Cleaner thread time to free direct
     * buffers, then allocate many small NaN-filled direct buffers so freed blocks are reused.
     */
    public static void poison(int rounds, long pauseMillis) {
        for (int round = 0; round < rounds; round++) {
            System.gc();
            if (pauseMillis > 0) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            List<ByteBuffer> fill = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4 * (1 + i % 4));
                while (b.remaining() >= 4) {
                    b.putFloat(Float.NaN);
                }
                fill.add(b);
            }
            fill.clear();
        }
    }
}
