package dev.graft.tensor.onnx;

/** Names and element sizes of the ONNX {@code TensorProto.DataType} codes. */
public final class OnnxDataType {

    /** {@code FLOAT} (float32). */
    public static final int FLOAT = 1;
    /** {@code UINT8}. */
    public static final int UINT8 = 2;
    /** {@code INT8}. */
    public static final int INT8 = 3;
    /** {@code INT32}. */
    public static final int INT32 = 6;
    /** {@code INT64}. */
    public static final int INT64 = 7;
    /** {@code STRING}. */
    public static final int STRING = 8;
    /** {@code DOUBLE}. */
    public static final int DOUBLE = 11;

    private static final String[] NAMES = {
        "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL", "FLOAT16",
        "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ",
        "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1"
    };
    private static final int[] SIZES = {0, 4, 1, 1, 2, 2, 4, 8, 0, 1, 2, 8, 4, 8, 8, 16, 2, 1, 1, 1, 1, 0, 0, 0};

    private OnnxDataType() {
    }

    /** The ONNX name of a data-type code, or {@code UNKNOWN(code)}. */
    public static String name(int code) {
        return code >= 0 && code < NAMES.length ? NAMES[code] : "UNKNOWN(" + code + ")";
    }

    /** Bytes per element in {@code raw_data}, or 0 when it is not a whole number of bytes or unknown. */
    public static int elementSize(int code) {
        return code >= 0 && code < SIZES.length ? SIZES[code] : 0;
    }
}
