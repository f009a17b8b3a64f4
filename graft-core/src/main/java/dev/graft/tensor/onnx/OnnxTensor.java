package dev.graft.tensor.onnx;

import dev.graft.tensor.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An ONNX {@code TensorProto} as stored in the file: name, dimensions, data type and the undecoded
 * payload. Conversion to float is done on request ({@link #toTensorData()}), so tensors of types the
 * caller never needs cost nothing and cause no error.
 */
public final class OnnxTensor {

    private final String source;
    private final String name;
    private final long[] dims;
    private final int dataType;
    private final long elementCount;
    private final byte[] rawBuffer;
    private final int rawOffset;
    private final int rawLength;
    private final float[] floatData;
    private final long[] int64Data;
    private final int[] int32Data;
    private final double[] doubleData;
    private final boolean external;

    OnnxTensor(String source, String name, long[] dims, int dataType, long elementCount, byte[] rawBuffer,
               int rawOffset, int rawLength, float[] floatData, long[] int64Data, int[] int32Data,
               double[] doubleData, boolean external) {
        this.source = source;
        this.name = name;
        this.dims = dims;
        this.dataType = dataType;
        this.elementCount = elementCount;
        this.rawBuffer = rawBuffer;
        this.rawOffset = rawOffset;
        this.rawLength = rawLength;
        this.floatData = floatData;
        this.int64Data = int64Data;
        this.int32Data = int32Data;
        this.doubleData = doubleData;
        this.external = external;
    }

    /** Tensor name (empty for anonymous attribute tensors). */
    public String name() {
        return name;
    }

    /** A copy of the dimensions. */
    public long[] dims() {
        return dims.clone();
    }

    /** ONNX data-type code (see {@link OnnxDataType}). */
    public int dataType() {
        return dataType;
    }

    /** Number of elements (product of the dimensions). */
    public long elementCount() {
        return elementCount;
    }

    /** Whether the payload lives in an external file (not supported for conversion). */
    public boolean isExternal() {
        return external;
    }

    /** Whether the tensor is FLOAT and stored inline, i.e. {@link #toTensorData()} will succeed. */
    public boolean isFloat() {
        return dataType == OnnxDataType.FLOAT && !external;
    }

    /**
     * Decodes a FLOAT tensor into a {@link TensorData}.
     *
     * @throws IOException if the tensor is not FLOAT, is stored externally, or has no payload
     */
    public TensorData toTensorData() throws IOException {
        if (dataType != OnnxDataType.FLOAT) {
            throw fail("has data type " + OnnxDataType.name(dataType) + ", only FLOAT can be read as float");
        }
        requireInline();
        float[] out;
        if (rawBuffer != null) {
            out = new float[rawLength / 4];
            ByteBuffer.wrap(rawBuffer, rawOffset, rawLength).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        } else if (floatData != null) {
            out = floatData.clone();
        } else {
            out = new float[0];
        }
        if (out.length != elementCount) {
            throw fail("holds " + out.length + " values but dims " + Arrays.toString(dims) + " need " + elementCount);
        }
        return new TensorData(name, dims.clone(), out);
    }

    /**
     * Decodes an INT64, INT32, INT8 or UINT8 tensor (a {@code Constant} holding a shape, a quantisation zero point) into
     * longs.
     *
     * @throws IOException if the tensor has another type or is stored externally
     */
    public long[] toLongs() throws IOException {
        requireInline();
        long[] out;
        if (dataType == OnnxDataType.INT64) {
            if (rawBuffer != null) {
                out = new long[rawLength / 8];
                ByteBuffer.wrap(rawBuffer, rawOffset, rawLength).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
            } else {
                out = int64Data != null ? int64Data.clone() : new long[0];
            }
        } else if (dataType == OnnxDataType.INT32) {
            if (rawBuffer != null) {
                int[] ints = new int[rawLength / 4];
                ByteBuffer.wrap(rawBuffer, rawOffset, rawLength).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(ints);
                out = Arrays.stream(ints).asLongStream().toArray();
            } else {
                out = int32Data != null ? Arrays.stream(int32Data).asLongStream().toArray() : new long[0];
            }
        } else if (dataType == OnnxDataType.UINT8 || dataType == OnnxDataType.INT8) { // int32_data when not raw
            boolean unsigned = dataType == OnnxDataType.UINT8;
            if (rawBuffer != null) {
                out = new long[rawLength];
                for (int i = 0; i < rawLength; i++) {
                    byte b = rawBuffer[rawOffset + i];
                    out[i] = unsigned ? b & 0xFF : b;
                }
            } else {
                out = int32Data != null ? Arrays.stream(int32Data).asLongStream().toArray() : new long[0];
            }
        } else {
            throw fail("has data type " + OnnxDataType.name(dataType) + ", only INT64/INT32/INT8/UINT8 can be read as integers");
        }
        if (out.length != elementCount) {
            throw fail("holds " + out.length + " values but dims " + Arrays.toString(dims) + " need " + elementCount);
        }
        return out;
    }

    /** Decodes a scalar or one-element FLOAT/DOUBLE/INT tensor as a double. */
    public double scalarValue() throws IOException {
        if (elementCount != 1) {
            throw fail("is not a scalar: dims " + Arrays.toString(dims));
        }
        return switch (dataType) {
            case OnnxDataType.FLOAT -> toTensorData().data()[0];
            case OnnxDataType.DOUBLE -> {
                requireInline();
                if (rawBuffer != null) {
                    yield ByteBuffer.wrap(rawBuffer, rawOffset, rawLength).order(ByteOrder.LITTLE_ENDIAN).getDouble();
                }
                if (doubleData == null || doubleData.length != 1) {
                    throw fail("has no DOUBLE payload");
                }
                yield doubleData[0];
            }
            default -> toLongs()[0];
        };
    }

    private void requireInline() throws IOException {
        if (external) {
            throw fail("is stored in external data, which is not supported");
        }
    }

    private IOException fail(String message) {
        return new IOException("ONNX file '" + source + "': tensor '" + name + "' " + message);
    }

    @Override
    public String toString() {
        return "OnnxTensor[" + name + ", " + OnnxDataType.name(dataType) + Arrays.toString(dims) + "]";
    }
}
