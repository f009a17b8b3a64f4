package dev.graft.tensor.safetensors;

import dev.graft.tensor.TensorData;
import dev.graft.tensor.io.OnExisting;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/**
 * Entry points for reading and writing safetensors files.
 *
 * <pre>{@code
 * try (SafeTensorsFile f = SafeTensors.open(path)) {
 *     TensorData w = f.tensor("classifier.weight");
 * }
 * SafeTensors.write(out, tensors, Map.of("format", "pt"));
 * }</pre>
 */
public final class SafeTensors {

    private SafeTensors() {
    }

    /**
     * Opens a safetensors file and validates its header: the header length must be at most
     * {@link SafeTensorsFile#MAX_HEADER_BYTES} and fit in the file; the header must be a UTF-8 JSON object without
     * duplicate keys; every tensor needs a known dtype, a non-negative shape and data offsets whose span equals
     * dtype size &times; element count; and the tensors must tile the data buffer exactly, without gaps or overlaps,
     * as the reference implementation requires.
     *
     * @param path the file
     * @return the open file; close it when done
     * @throws SafeTensorsException if the file is malformed; the message names the file and tensor
     * @throws IOException          if the file cannot be read
     */
    public static SafeTensorsFile open(Path path) throws IOException {
        return SafeTensorsFile.open(path);
    }

    /**
     * Writes tensors as F32, refusing to overwrite an existing file. See
     * {@link #write(Path, Collection, Map, OnExisting)}.
     *
     * @param path     the file to create
     * @param tensors  the tensors; names must be unique
     * @param metadata string metadata stored under {@code __metadata__}; may be empty or null
     * @throws java.nio.file.FileAlreadyExistsException if {@code path} exists
     * @throws IOException                              if writing fails; no partial file is left behind
     */
    public static void write(Path path, Collection<TensorData> tensors, Map<String, String> metadata)
            throws IOException {
        write(path, tensors, metadata, OnExisting.FAIL);
    }

    /**
     * Writes tensors as F32 in the layout of the reference implementation: tensors sorted by name (UTF-8 byte
     * order) and stored contiguously in that order; a compact JSON header with {@code __metadata__} first (omitted
     * when empty, keys sorted) padded with spaces to a multiple of 8 bytes. The file is written atomically: to a
     * temporary file in the same directory, fsynced, then moved into place, so readers never see a partial file.
     *
     * @param path       the file to write
     * @param tensors    the tensors; names must be unique and not {@code __metadata__}
     * @param metadata   string metadata; may be empty or null
     * @param onExisting whether to replace an existing file or fail
     * @throws IllegalArgumentException                 if names repeat or are reserved, or metadata holds nulls
     * @throws java.nio.file.FileAlreadyExistsException if {@code path} exists and {@code onExisting} is FAIL
     * @throws IOException                              if writing fails; no partial file is left behind
     */
    public static void write(Path path, Collection<TensorData> tensors, Map<String, String> metadata,
            OnExisting onExisting) throws IOException {
        SafeTensorsWriter.write(path, tensors, metadata, onExisting);
    }
}
