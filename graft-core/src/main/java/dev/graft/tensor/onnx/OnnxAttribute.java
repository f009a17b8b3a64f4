package dev.graft.tensor.onnx;

import java.util.List;

/**
 * A node attribute ({@code AttributeProto}). Only the field matching {@link #type()} is meaningful;
 * graph-valued attributes (subgraphs) are not decoded and keep only their name and type.
 *
 * @param name    attribute name
 * @param type    ONNX {@code AttributeType} code (see the constants)
 * @param f       value of a FLOAT attribute
 * @param i       value of an INT attribute
 * @param s       value of a STRING attribute (UTF-8 decoded)
 * @param t       value of a TENSOR attribute, or {@code null}
 * @param floats  values of a FLOATS attribute (empty otherwise)
 * @param ints    values of an INTS attribute (empty otherwise)
 * @param strings values of a STRINGS attribute (empty otherwise)
 */
public record OnnxAttribute(String name, int type, float f, long i, String s, OnnxTensor t, float[] floats,
                            long[] ints, List<String> strings) {

    /** {@code AttributeType.FLOAT}. */
    public static final int FLOAT = 1;
    /** {@code AttributeType.INT}. */
    public static final int INT = 2;
    /** {@code AttributeType.STRING}. */
    public static final int STRING = 3;
    /** {@code AttributeType.TENSOR}. */
    public static final int TENSOR = 4;
    /** {@code AttributeType.GRAPH} (not decoded). */
    public static final int GRAPH = 5;
    /** {@code AttributeType.FLOATS}. */
    public static final int FLOATS = 6;
    /** {@code AttributeType.INTS}. */
    public static final int INTS = 7;
    /** {@code AttributeType.STRINGS}. */
    public static final int STRINGS = 8;
}
