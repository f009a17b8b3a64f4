package dev.graft.spark;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Schema checks shared by the stages. */
final class GraftParams {

    private GraftParams() {
    }

    static void requireStringColumn(StructType schema, String name, String param) {
        if (!java.util.Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("Input column '" + name + "' (" + param + ") is not in the data; columns: "
                    + String.join(", ", schema.fieldNames()) + ".");
        }
        DataType t = schema.apply(name).dataType();
        if (!t.equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("Input column '" + name + "' must be a string column, but it is " + t.simpleString() + ".");
        }
    }

    /** An image column: string (paths or file: URIs) or binary (the files' bytes). */
    static void requireImageColumn(StructType schema, String name, String param) {
        if (!java.util.Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("Image column '" + name + "' (" + param + ") is not in the data; columns: "
                    + String.join(", ", schema.fieldNames()) + ".");
        }
        DataType t = schema.apply(name).dataType();
        if (!t.equals(DataTypes.StringType) && !t.equals(DataTypes.BinaryType)) {
            throw new IllegalArgumentException("Image column '" + name + "' (" + param + ") must be a string column of image paths"
                    + " or a binary column of image bytes, but it is " + t.simpleString() + ".");
        }
    }

    static StructType add(StructType schema, StructField... fields) {
        StructType out = schema;
        for (StructField f : fields) {
            if (java.util.Arrays.asList(schema.fieldNames()).contains(f.name())) {
                throw new IllegalArgumentException("Output column '" + f.name() + "' already exists in the data; choose another name.");
            }
            out = out.add(f);
        }
        return out;
    }
}
