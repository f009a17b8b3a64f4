package dev.graft.model.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.pytorch.engine.PtNDArray;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.stream.IntStream;

/**
 * Dropout on the CPU whose mask is drawn by a counter-based generator: element {@code i}'s keep-or-drop is the top 16
 * bits of {@code h(h(i + k₁) ^ k₂)}, where {@code h} is MurmurHash3's 32-bit finaliser and {@code (k₁, k₂)} the two
 * halves of a per-call seed, written into a libtorch array. Every element is computed alike and independently, so the
 * JIT compiles the loop to vector instructions (16 elements at a time with AVX-512): about 0.3 ns an element on one core
 * here, where SplitMix64 with four 16-bit draws per 64-bit hash, one hash after another, took 0.8. libtorch draws its
 * dropout mask with {@code bernoulli_}, one element at a time on one thread on the VMs the bench has run on (5–7 ns an
 * element).
 *
 * <p>Each call takes its seed from libtorch's generator (one {@code randint}), so a run seeded with
 * {@code Learner.seed} draws the same masks again, whatever the number of threads. Training output is
 * {@code x · mask}, each element of the mask 0 with probability {@code rate} (to within 2⁻¹⁷) and
 * {@code 1 / (1 − rate)} otherwise, as {@code torch.nn.functional.dropout}; autograd multiplies the gradient by the
 * same mask. Arrays between Graft's modules are float32 (bfloat16 products run inside TorchScript, see
 * {@link BFloat16Ops}); off the CPU, for other types and for arrays of more than 2²⁹ elements, libtorch's own dropout
 * runs.
 */
public final class CounterDropout {

    /** Elements per task. */
    private static final int CHUNK = 1 << 15;
    /**
     * Masks of at least this many chunks are filled by all cores; smaller ones on the calling thread, where waking a
     * pool worker (tens of microseconds on a VM) costs about what sharing the work saves.
     */
    private static final int PARALLEL_CHUNKS = 16;
    /**
     * 0, 1, …, {@code CHUNK − 1}: the fill loop reads each element's offset from here rather than computing with its own
     * index, which keeps JDK 17's C2 from vectorising it.
     */
    private static final int[] OFFSETS = IntStream.range(0, CHUNK).toArray();
    /** Each thread's chunk of mask values (float bits), before the bulk copy into libtorch's memory. */
    private static final ThreadLocal<int[]> BUFFER = ThreadLocal.withInitial(() -> new int[CHUNK]);

    private CounterDropout() {
    }

    /**
     * {@code x} with dropout {@code rate} applied when {@code training}; {@code x} itself otherwise, or when the rate
     * is 0.
     */
    public static NDArray apply(NDArray x, float rate, boolean training) {
        if (!training || rate <= 0f) {
            return x;
        }
        if (rate >= 1f) {
            throw new IllegalArgumentException("dropout rate must be below 1, got " + rate);
        }
        if (!Device.Type.CPU.equals(x.getDevice().getDeviceType()) || x.size() > Integer.MAX_VALUE / 4
                || x.getDataType() != DataType.FLOAT32) {
            return Dropout.dropout(x, rate, true).singletonOrThrow();
        }
        return x.mul(mask(x.getManager(), x.getShape(), rate));
    }

    /**
     * The mask {@link #apply} multiplies a float32 array of {@code shape} by: each element 0 with probability
     * {@code rate}, else {@code 1 / (1 − rate)}; float32, on {@code manager}'s device (off the CPU drawn by libtorch's
     * dropout). It draws from libtorch's generator as {@link #apply} does, so a seeded run draws the same masks
     * whichever of the two it calls.
     *
     * @param rate in (0, 1)
     */
    public static NDArray mask(NDManager manager, Shape shape, float rate) {
        if (!(rate > 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout rate must be in (0, 1), got " + rate);
        }
        if (!Device.Type.CPU.equals(manager.getDevice().getDeviceType()) || shape.size() > Integer.MAX_VALUE / 4) {
            try (NDArray ones = manager.ones(shape)) {
                return Dropout.dropout(ones, rate, true).singletonOrThrow();
            }
        }
        long seed;
        try (NDArray draw = manager.randomInteger(0, Long.MAX_VALUE, new Shape(1), DataType.INT64)) {
            seed = draw.getLong(0);
        }
        NDArray mask = manager.create(shape, DataType.FLOAT32);
        fill(mask, seed, rate, (float) (1.0 / (1.0 - rate)));
        return mask;
    }

    /**
     * Writes the mask into {@code mask}'s own memory: {@code keep} or 0 per element. Each task fills a Java array without
     * branches (a random keep-or-drop branch is mispredicted often enough to double the time) and copies it in bulk.
     */
    private static void fill(NDArray mask, long seed, float rate, float keep) {
        IntBuffer memory = ((PtNDArray) mask).toByteBuffer(true).order(ByteOrder.nativeOrder()).asIntBuffer();
        int n = Math.toIntExact(mask.size());
        int threshold = Math.round(rate * 65536f);
        int keepBits = Float.floatToRawIntBits(keep);
        int first = (int) seed;
        int second = (int) (seed >>> 32);
        int chunks = (n + CHUNK - 1) / CHUNK;
        IntStream tasks = IntStream.range(0, chunks);
        (chunks >= PARALLEL_CHUNKS ? tasks.parallel() : tasks).forEach(c -> {
            int from = c * CHUNK;
            int length = Math.min(n - from, CHUNK);
            int[] values = BUFFER.get();
            fillChunk(values, length, first + from, second, threshold, keepBits);
            memory.put(from, values, 0, length);
        });
    }

    /** {@code values[j]}: the mask value of element {@code base − k₁ + j}; one independent computation per element. */
    private static void fillChunk(int[] values, int length, int base, int key, int threshold, int keepBits) {
        int[] offsets = OFFSETS;
        for (int j = 0; j < length; j++) {
            int draw = hash(hash(offsets[j] + base) ^ key) >>> 16;
            values[j] = keepBits & keptBits(draw, threshold);
        }
    }

    /** All bits set when the 16-bit {@code draw} is at least {@code threshold} (the element is kept), else 0; no branch. */
    private static int keptBits(int draw, int threshold) {
        return (threshold - 1 - draw) >> 31;
    }

    /** MurmurHash3's 32-bit finaliser ({@code fmix32}): a bijection of 32 bits whose every output bit depends on every input bit. */
    static int hash(int x) {
        x ^= x >>> 16;
        x *= 0x85EBCA6B;
        x ^= x >>> 13;
        x *= 0xC2B2AE35;
        return x ^ (x >>> 16);
    }
}
