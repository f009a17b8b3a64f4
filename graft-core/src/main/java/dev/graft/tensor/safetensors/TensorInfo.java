package dev.graft.tensor.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param name  the tensor's name
 * @param dtype its element type
 * @param shape its dimensions, outermost first (a copy is kept and returned)
 * @param begin offset of its first byte, relative to the start of the byte buffer after the header
 * @param end   offset one past its last byte
 */
public record TensorInfo(String name, Dtype dtype, long[] shape, long begin, long end) {

    /** Validates the entry and copies the shape. */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype of tensor '" + name + "'");
        Objects.requireNonNull(shape, "shape of tensor '" + name + "'");
        shape = shape.clone();
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Tensor '" + name + "' has a negative dimension in shape "
                        + Arrays.toString(shape) + "; dimensions must be >= 0");
            }
        }
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("Tensor '" + name + "' has data_offsets [" + begin + ", " + end
                    + "]; need 0 <= begin <= end");
        }
    }

    /** @return a copy of the shape */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** @return the number of bytes the tensor occupies, {@code end - begin} */
    public long byteLength() {
        return end - begin;
    }

    /** @return the number of elements, the product of the shape */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
    }
}
