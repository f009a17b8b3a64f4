package dev.graft.model.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.pytorch.engine.PtNDArray;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * Dropout on the CPU whose mask is drawn by a counter-based generator: element {@code i}'s keep-or-drop is a hash of
 * {@code (seed, i / 4)} (SplitMix64's finaliser, four 16-bit draws per hash), written into a libtorch array by all cores
 * at once. libtorch draws its dropout mask with {@code bernoulli_}, which on a CPU that is not Intel's runs
 * on one thread (its parallel path is MKL's generator): about 5 ns an element, 13% of a MiniLM fine-tune step at 256
 * tokens and a quarter of the same step in bf16 on the 2-core AMD machine the bench runs on.
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

    /** Elements per task; a multiple of {@link #DRAWS}, so that the draws of one hash land in one task. */
    private static final int CHUNK = 1 << 15;
    /** Keep-or-drop draws per hash: its four 16-bit quarters. */
    private static final int DRAWS = 4;
    /** Each thread's chunk of mask values, before the bulk copy into libtorch's memory. */
    private static final ThreadLocal<float[]> BUFFER = ThreadLocal.withInitial(() -> new float[CHUNK]);
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

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
     * Writes the mask into {@code mask}'s own memory: {@code keep} or 0 per element. Each task fills a Java array
     * without branches (a random keep-or-drop branch is mispredicted often enough to double the time) and copies it in
     * bulk: 0.75 ns an element on one core, where a branch and {@code ByteBuffer.putFloat} per element took 1.7.
     */
    private static void fill(NDArray mask, long seed, float rate, float keep) {
        FloatBuffer memory = ((PtNDArray) mask).toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        int n = Math.toIntExact(mask.size());
        int threshold = Math.round(rate * 65536f);
        int keepBits = Float.floatToRawIntBits(keep);
        int chunks = (n + CHUNK - 1) / CHUNK;
        IntStream tasks = IntStream.range(0, chunks);
        (chunks > 1 ? tasks.parallel() : tasks).forEach(c -> {
            int from = c * CHUNK;
            int length = Math.min(n - from, CHUNK);
            float[] values = BUFFER.get();
            long counter = seed + (long) (from / DRAWS) * GOLDEN;
            for (int j = 0; j < length; j += DRAWS, counter += GOLDEN) {
                long h = mix(counter);
                values[j] = Float.intBitsToFloat(keepBits & keptBits((int) h & 0xFFFF, threshold));
                values[j + 1] = Float.intBitsToFloat(keepBits & keptBits((int) (h >>> 16) & 0xFFFF, threshold));
                values[j + 2] = Float.intBitsToFloat(keepBits & keptBits((int) (h >>> 32) & 0xFFFF, threshold));
                values[j + 3] = Float.intBitsToFloat(keepBits & keptBits((int) (h >>> 48), threshold));
            }
            memory.put(from, values, 0, length);
        });
    }

    /** All bits set when the 16-bit {@code draw} is at least {@code threshold} (the element is kept), else 0; no branch. */
    private static int keptBits(int draw, int threshold) {
        return (threshold - 1 - draw) >> 31;
    }

    /** SplitMix64's finaliser (Stafford's mix 13): a bijection of 64 bits whose every output bit depends on every input bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
