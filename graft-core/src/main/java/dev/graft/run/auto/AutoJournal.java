package dev.graft.run.auto;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.util.Arguments;
import dev.graft.util.JsonProblems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record of an auto run in its output folder ({@value #FILE}): what the run was asked (a fingerprint of the data,
 * candidates, limit and seed), the speed factor the plan uses ({@link Calibration}) and every candidate that finished, rewritten atomically after each. A rerun with the
 * same arguments takes the finished candidates from here and continues the plan; a rerun with other arguments is
 * refused.
 */
final class AutoJournal {

    /** The journal's file name. */
    static final String FILE = "auto-journal.json";
    private static final long MAX_BYTES = 16L << 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final String fingerprint;
    private final Map<String, Candidate> finished = new LinkedHashMap<>();
    private Calibration calibration;

    private AutoJournal(Path file, String fingerprint) {
        this.file = file;
        this.fingerprint = fingerprint;
    }

    /**
     * Opens the journal of {@code dir}: a new one when the folder is absent or empty; the recorded one when its
     * fingerprint matches. Refuses a folder with other files and no journal, and a journal of other arguments.
     */
    static AutoJournal open(Path dir, String fingerprint) throws IOException {
        Path file = dir.resolve(FILE);
        AutoJournal j = new AutoJournal(file, fingerprint);
        if (Files.isRegularFile(file)) {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(file + " is larger than " + MAX_BYTES + " bytes; it is not an auto run's journal."
                        + " Name another " + Arguments.name("output") + " folder.");
            }
            Map<String, Object> doc;
            try {
                doc = JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
            } catch (IOException e) {
                throw new IllegalArgumentException("Cannot read the auto journal " + file + ": " + (e instanceof com.fasterxml.jackson.core.JacksonException je ? JsonProblems.describe(je) : e.getMessage())
                        + ". Name another " + Arguments.name("output") + " folder to start afresh.", e);
            }
            if (!fingerprint.equals(doc.get("fingerprint"))) {
                throw new IllegalArgumentException(dir + " holds an auto run with other data, candidates, time limit or seed."
                        + " Rerun with the same arguments to continue it, or name another " + Arguments.name("output") + " folder.");
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rows = (List<Map<String, Object>>) doc.getOrDefault("candidates", List.of());
            for (Map<String, Object> row : rows) {
                Candidate c = Candidate.fromMap(row);
                j.finished.put(c.id(), c);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> speed = (Map<String, Object>) doc.get("calibration");
            j.calibration = speed == null ? null : Calibration.fromMap(speed);
            return j;
        }
        checkOutput(dir);
        Files.createDirectories(dir);
        j.write();
        return j;
    }

    /** Refuses, before any data is read, an output that is a file or a folder with other files and no journal. */
    static void checkOutput(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve(FILE))) {
            return;
        }
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(dir + " is a file; " + Arguments.name("output") + " names a folder for the auto run.");
            }
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(dir + " is not empty and holds no auto run (no " + FILE + "). Name a new or"
                            + " empty " + Arguments.name("output") + " folder; Graft does not write into folders it did not make.");
                }
            }
        }
    }

    /** The finished candidate {@code id}, when an earlier process (or this one) recorded it. */
    Optional<Candidate> finished(String id) {
        return Optional.ofNullable(finished.get(id));
    }

    /** Records a finished candidate (interruptions are not recorded). */
    void record(Candidate c) {
        if (!c.finished()) {
            return;
        }
        finished.put(c.id(), c);
        try {
            write();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the auto journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** The speed factor an earlier process (or this one) planned with, if it got that far. */
    Optional<Calibration> calibration() {
        return Optional.ofNullable(calibration);
    }

    /** Records the speed factor the plan uses, so that a resumed run plans with it too. */
    void record(Calibration c) {
        calibration = c;
        try {
            write();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the auto journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every finished candidate recorded. */
    List<Candidate> all() {
        return new ArrayList<>(finished.values());
    }

    private void write() throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", "graft-auto-journal");
        doc.put("fingerprint", fingerprint);
        if (calibration != null) {
            doc.put("calibration", calibration.toMap());
        }
        doc.put("candidates", finished.values().stream().map(Candidate::toMap).toList());
        AtomicFiles.writeString(file, JSON.writeValueAsString(doc));
    }
}
