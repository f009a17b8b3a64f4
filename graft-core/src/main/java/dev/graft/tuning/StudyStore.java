package dev.graft.tuning;

import dev.graft.util.Arguments;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.util.OptionalDependency;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * A study on disk: one SQLite file ({@value #FILE}) with the study's settings, every trial (state,
 * settings, value, time) and every intermediate value. Each change is one committed transaction,
 * so a process killed at any point leaves a consistent file; trials it left {@code RUNNING} are
 * restarted by the next {@link Study#optimize}.
 */
public final class StudyStore implements AutoCloseable {

    /** The database file inside a study directory. */
    public static final String FILE = "study.db";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Connection db;
    private final Path file;

    private StudyStore(Connection db, Path file) {
        this.db = db;
        this.file = file;
    }

    /** Opens (creating if needed) the study in {@code dir}. */
    public static StudyStore open(Path dir) {
        Path file = dir.resolve(FILE);
        OptionalDependency.require("tuning studies (stored in SQLite)", OptionalDependency.SQLITE_JDBC);
        checkStudyDirectory(dir);
        try {
            Files.createDirectories(dir);
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("CREATE TABLE IF NOT EXISTS study (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS trials (number INTEGER PRIMARY KEY, state TEXT NOT NULL, params TEXT NOT NULL,"
                        + " value REAL, seconds REAL NOT NULL DEFAULT 0, note TEXT)");
                s.execute("CREATE TABLE IF NOT EXISTS intermediate (trial INTEGER NOT NULL, epoch INTEGER NOT NULL, value REAL NOT NULL,"
                        + " PRIMARY KEY (trial, epoch))");
            }
            return new StudyStore(c, file);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Cannot open the study database " + file + ": " + e.getMessage()
                    + ". Choose a writable " + Arguments.name("study") + " directory (a study directory holds " + FILE + ").", e);
        }
    }

    /**
     * A study lives in its own directory: absent, empty, or an earlier study (it holds {@value #FILE}). Anything else
     * is refused, so the study's files never mix with the user's.
     */
    static void checkStudyDirectory(Path dir) {
        if (!Files.exists(dir) || Files.isRegularFile(dir.resolve(FILE))) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("Study directory " + dir + " is a file; name a new folder for the study.");
        }
        try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
            var names = entries.limit(3).map(p -> p.getFileName().toString()).toList();
            if (!names.isEmpty()) {
                throw new IllegalArgumentException("Study directory " + dir + " is not empty and holds no study (" + FILE + "); it"
                        + " holds " + String.join(", ", names) + ". Name a new folder for the study, or an earlier study to resume it.");
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot inspect the study directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** A study setting, if recorded. */
    public Optional<String> setting(String key) {
        try (PreparedStatement p = db.prepareStatement("SELECT value FROM study WHERE key = ?")) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read setting " + key, e);
        }
    }

    /** Records a study setting. */
    public void putSetting(String key, String value) {
        update("INSERT OR REPLACE INTO study (key, value) VALUES (?, ?)", key, value);
    }

    /** Every trial, by number, with its intermediate values. */
    public List<Trial> trials() {
        Map<Integer, TreeMap<Integer, Double>> inter = new LinkedHashMap<>();
        List<Trial> out = new ArrayList<>();
        try (Statement s = db.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT trial, epoch, value FROM intermediate ORDER BY trial, epoch")) {
                while (r.next()) {
                    inter.computeIfAbsent(r.getInt(1), k -> new TreeMap<>()).put(r.getInt(2), r.getDouble(3));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT number, state, params, value, seconds FROM trials ORDER BY number")) {
                while (r.next()) {
                    double v = r.getDouble(4);
                    OptionalDouble value = r.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(v);
                    out.add(new Trial(r.getInt(1), Trial.State.valueOf(r.getString(2)), params(r.getString(3)), value,
                            inter.getOrDefault(r.getInt(1), new TreeMap<>()), r.getDouble(5)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("read trials", e);
        }
    }

    /** Records trial {@code number} as running with {@code params}. */
    public void start(int number, Map<String, Object> params) {
        try {
            update("INSERT OR REPLACE INTO trials (number, state, params, value, seconds) VALUES (?, 'RUNNING', ?, NULL, 0)", number,
                    JSON.writeValueAsString(params));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Forgets a restarted trial's intermediate values. */
    public void clearIntermediate(int number) {
        update("DELETE FROM intermediate WHERE trial = ?", number);
    }

    /** Records a trial's value at an epoch. */
    public void report(int number, int epoch, double value) {
        update("INSERT OR REPLACE INTO intermediate (trial, epoch, value) VALUES (?, ?, ?)", number, epoch, value);
    }

    /** Records how a trial ended. */
    public void finish(int number, Trial.State state, Double value, double seconds, String note) {
        update("UPDATE trials SET state = ?, value = ?, seconds = ?, note = ? WHERE number = ?", state.name(), value, seconds, note, number);
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // closing a read-only or already broken connection: nothing left to save
        }
    }

    private void update(String sql, Object... args) {
        try (PreparedStatement p = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure("write", e);
        }
    }

    private IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("Study database " + file + ": cannot " + what + ": " + e.getMessage(), e);
    }

    private static Map<String, Object> params(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable trial settings in the study database: " + json, e);
        }
    }
}
