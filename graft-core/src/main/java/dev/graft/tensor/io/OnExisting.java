package dev.graft.tensor.io;

/** What an atomic write does when the target file already exists. */
public enum OnExisting {
    /** Fail with {@link java.nio.file.FileAlreadyExistsException} and leave the existing file untouched. */
    FAIL,
    /** Atomically replace the existing file. */
    REPLACE
}
