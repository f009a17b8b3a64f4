package dev.graft.tensor.io;

import java.util.Objects;
import java.util.Set;

/**
 * A kind of directory Graft writes (a model, a checkpoint, a backbone, ...), and how to recognise one written
 * before {@link OwnedDirectory} recorded ownership: by a signature file, with a fixed set of top-level entries that
 * Graft wrote there.
 *
 * @param name            short identifier stored in the ownership marker, e.g. {@code model}
 * @param description     what the directory is, for messages, e.g. {@code "Graft model"}
 * @param legacySignature file whose presence marks a directory of this kind written without a marker
 * @param legacyEntries   the top-level names Graft writes in a directory of this kind (files or folders); in an
 *                        unmarked directory everything else belongs to the user
 * @param legacyText      text the signature file of such a directory contains (so that a file of that name the
 *                        user wrote does not make the folder Graft's)
 */
public record DirectoryKind(String name, String description, String legacySignature, Set<String> legacyEntries,
                            String legacyText) {

    /** Validates the fields. */
    public DirectoryKind {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(legacySignature, "legacySignature");
        Objects.requireNonNull(legacyText, "legacyText");
        legacyEntries = Set.copyOf(legacyEntries);
        if (!legacyEntries.contains(legacySignature)) {
            throw new IllegalArgumentException("the legacy signature must be one of the legacy entries");
        }
    }
}
