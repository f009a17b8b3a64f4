package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --overwrite} replaces an earlier Parquet output, never a folder with the user's files (Spark deletes it whole). */
class SparkOutputSafetyTest {

    @TempDir
    Path dir;

    @Test
    void overwriteOfAFolderWithTheUsersFilesIsRefused() throws IOException {
        Path out = Files.createDirectory(dir.resolve("results"));
        Files.writeString(out.resolve("part-00000-a.snappy.parquet"), "x");
        Files.writeString(out.resolve("report.docx"), "mine");
        var e = assertThrows(IllegalArgumentException.class, () -> SparkData.checkReplaceableOutput(out.toString()));
        assertTrue(e.getMessage().contains("report.docx") && e.getMessage().contains("never deletes"), e.getMessage());
        var f = assertThrows(IllegalArgumentException.class, () -> SparkData.checkReplaceableOutput("file://" + out));
        assertTrue(f.getMessage().contains("report.docx"), f.getMessage());
        Path file = Files.writeString(dir.resolve("a.parquet"), "x");
        assertThrows(IllegalArgumentException.class, () -> SparkData.checkReplaceableOutput(file.toString()));
    }

    @Test
    void overwriteOfAnEarlierParquetOutputIsAllowed() throws IOException {
        Path out = Files.createDirectory(dir.resolve("pred"));
        Files.writeString(out.resolve("part-00000-a.snappy.parquet"), "x");
        Files.writeString(out.resolve(".part-00000-a.snappy.parquet.crc"), "x");
        Files.writeString(out.resolve("_SUCCESS"), "");
        Files.writeString(out.resolve("._SUCCESS.crc"), "");
        assertDoesNotThrow(() -> SparkData.checkReplaceableOutput(out.toString()));
        assertDoesNotThrow(() -> SparkData.checkReplaceableOutput(dir.resolve("absent").toString()));
    }
}
