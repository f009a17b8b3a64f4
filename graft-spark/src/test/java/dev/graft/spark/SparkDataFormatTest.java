package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How spark-* commands pick an input format when --format is not given. */
class SparkDataFormatTest {

    @TempDir
    Path dir;

    @Test
    void extensionsDirectoriesAndParquetMagicDecide() throws Exception {
        assertEquals(SparkData.Format.TSV, SparkData.format(dir.resolve("a.tsv").toString(), null));
        assertEquals(SparkData.Format.JSONL, SparkData.format(dir.resolve("a.jsonl").toString(), null));
        assertEquals(SparkData.Format.PARQUET, SparkData.format(dir.toString(), null));
        Path parquet = Files.write(dir.resolve("part"), new byte[] {'P', 'A', 'R', '1', 0, 0});
        assertEquals(SparkData.Format.PARQUET, SparkData.format(parquet.toString(), null));
        assertEquals(SparkData.Format.CSV, SparkData.format(parquet.toString(), "csv"));
    }

    @Test
    void aTextFileWithoutExtensionAsksForFormat() throws Exception {
        Path sms = Files.writeString(dir.resolve("SMSSpamCollection"), "Label\tSMS\nham\thello\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkData.format(sms.toString(), null));
        assertTrue(e.getMessage().contains(sms.toString()) && e.getMessage().contains("--format"), e.getMessage());
        assertEquals(SparkData.Format.TSV, SparkData.format(sms.toString(), "tsv"));
    }
}
