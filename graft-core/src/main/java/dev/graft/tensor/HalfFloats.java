package dev.graft.tensor;

/** Conversions from 16-bit float encodings to float32 (Java 17 lacks {@code Float.float16ToFloat}). */
public final class HalfFloats {

    private HalfFloats() {
    }

    /** Converts IEEE 754 binary16 bits to float32 exactly, including subnormals, infinities and NaN. */
    public static float f16ToFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float magnitude = mant * 0x1p-24f; // subnormal: mant * 2^-14 * 2^-10, exact in float32
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Converts bfloat16 bits (the upper 16 bits of a float32) to float32 exactly. */
    public static float bf16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }
}
