package dev.graft.tensor.pickle;

import dev.graft.tensor.HalfFloats;

import java.nio.ByteBuffer;
import java.util.Optional;

/** Element types of PyTorch storages that Graft converts to float32, by storage class and dtype name. */
enum TorchDtype {
    FLOAT("FloatStorage", "float32", 4),
    HALF("HalfStorage", "float16", 2),
    BFLOAT16("BFloat16Storage", "bfloat16", 2),
    DOUBLE("DoubleStorage", "float64", 8),
    LONG("LongStorage", "int64", 8),
    INT("IntStorage", "int32", 4),
    SHORT("ShortStorage", "int16", 2),
    CHAR("CharStorage", "int8", 1),
    BYTE("ByteStorage", "uint8", 1),
    BOOL("BoolStorage", "bool", 1);

    private final String storageClass;
    private final String dtypeName;
    private final int bytes;

    TorchDtype(String storageClass, String dtypeName, int bytes) {
        this.storageClass = storageClass;
        this.dtypeName = dtypeName;
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    int bytes() {
        return bytes;
    }

    /** The storage class, e.g. {@code FloatStorage} (in module {@code torch}). */
    String storageClass() {
        return storageClass;
    }

    static Optional<TorchDtype> byStorageClass(String name) {
        for (TorchDtype d : values()) {
            if (d.storageClass.equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    static Optional<TorchDtype> byDtypeName(String name) {
        for (TorchDtype d : values()) {
            if (d.dtypeName.equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** Reads element {@code index} of {@code data} (already in the file's byte order) as a float. */
    float read(ByteBuffer data, int index) {
        int at = index * bytes;
        switch (this) {
            case FLOAT:
                return data.getFloat(at);
            case HALF:
                return HalfFloats.f16ToFloat(data.getShort(at));
            case BFLOAT16:
                return HalfFloats.bf16ToFloat(data.getShort(at));
            case DOUBLE:
                return (float) data.getDouble(at);
            case LONG:
                return (float) data.getLong(at);
            case INT:
                return (float) data.getInt(at);
            case SHORT:
                return data.getShort(at);
            case CHAR:
                return data.get(at);
            case BYTE:
                return data.get(at) & 0xFF;
            case BOOL:
                return data.get(at) != 0 ? 1f : 0f;
            default:
                throw new AssertionError(this);
        }
    }
}
