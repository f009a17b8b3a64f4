package dev.graft.tensor.safetensors;

import java.util.Optional;

/**
 * The element types the safetensors format names, with their size in bits. Only {@link #F64}, {@link #F32},
 * {@link #F16} and {@link #BF16} can be read as float32 by {@link SafeTensorsFile#tensor(String)}; the others are
 * recognised so that files holding them still open and validate.
 */
public enum Dtype {
    /** Boolean, one byte. */
    BOOL(8),
    /** 4-bit float (e2m1), two per byte. */
    F4(4),
    /** 6-bit float (e2m3). */
    F6_E2M3(6),
    /** 6-bit float (e3m2). */
    F6_E3M2(6),
    /** Unsigned 8-bit integer. */
    U8(8),
    /** Signed 8-bit integer. */
    I8(8),
    /** 8-bit float (e5m2). */
    F8_E5M2(8),
    /** 8-bit float (e4m3). */
    F8_E4M3(8),
    /** 8-bit exponent-only scale (e8m0). */
    F8_E8M0(8),
    /** Signed 16-bit integer. */
    I16(16),
    /** Unsigned 16-bit integer. */
    U16(16),
    /** IEEE 754 half precision. */
    F16(16),
    /** bfloat16: the upper half of a float32. */
    BF16(16),
    /** Signed 32-bit integer. */
    I32(32),
    /** Unsigned 32-bit integer. */
    U32(32),
    /** IEEE 754 single precision. */
    F32(32),
    /** Complex of two float32. */
    C64(64),
    /** IEEE 754 double precision. */
    F64(64),
    /** Signed 64-bit integer. */
    I64(64),
    /** Unsigned 64-bit integer. */
    U64(64);

    private final int bits;

    Dtype(int bits) {
        this.bits = bits;
    }

    /** @return the size of one element in bits */
    public int bits() {
        return bits;
    }

    /** @return whether {@link SafeTensorsFile#tensor(String)} can convert this type to float32 */
    public boolean convertibleToFloat() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /**
     * Looks up a dtype by its name in a safetensors header.
     *
     * @param name e.g. {@code "F32"}; case-sensitive, as in the format
     * @return the dtype, or empty if the name is unknown
     */
    public static Optional<Dtype> fromHeaderName(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
