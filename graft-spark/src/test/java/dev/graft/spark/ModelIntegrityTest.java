package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** A model whose weights do not match the driver's checksum fails the task instead of turning every row into an error. */
class ModelIntegrityTest {

    @Test
    void aTextModelFailingItsChecksumFailsThePartition() {
        ModelSource wrong = ModelSource.bundled("minilm", "0".repeat(64));
        List<Row> rows = List.of(RowFactory.create("hello"), RowFactory.create("world"));
        RuntimeException e = assertThrows(RuntimeException.class, () -> GraftEmbedder.texts(wrong, 0, 8, 1).call(rows.iterator()));
        String message = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
        assertTrue(message.contains("0000000000"), message);
    }
}
