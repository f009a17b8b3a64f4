package dev.graft.tensor.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Malformed headers are rejected with an IOException naming the file and, where there is one, the tensor. */
class SafeTensorsValidationTest {

    @TempDir
    Path dir;

    private SafeTensorsException rejected(String json, int dataBytes, String... mustMention) throws IOException {
        Path p = TestFiles.write(dir, "bad.safetensors", TestFiles.file(json, new byte[dataBytes]));
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(p).close());
        assertTrue(e.getMessage().contains("bad.safetensors"), e.getMessage());
        for (String m : mustMention) {
            assertTrue(e.getMessage().contains(m), "'" + m + "' missing from: " + e.getMessage());
        }
        return e;
    }

    @Test
    void smallFileIsValid() throws IOException {
        try (SafeTensorsFile f = SafeTensors.open(TestFiles.write(dir, "ok.safetensors", TestFiles.small()))) {
            assertArrayEquals(new float[] {1, 2, 3, 4}, f.tensor("w").data());
        }
    }

    @Test
    void hugeDeclaredHeaderLength() throws IOException {
        for (long n : new long[] {Long.MAX_VALUE, -1L, 100_000_001L, 1L << 40}) {
            byte[] bytes = TestFiles.concat(TestFiles.le64(n), "{}      ".getBytes());
            Path p = TestFiles.write(dir, "huge.safetensors", bytes);
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(p));
            assertTrue(e.getMessage().contains("header length") && e.getMessage().contains("huge.safetensors"),
                    e.getMessage());
        }
        byte[] beyondFile = TestFiles.concat(TestFiles.le64(64), "{}      ".getBytes());
        Path p = TestFiles.write(dir, "short.safetensors", beyondFile);
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(p));
        assertTrue(e.getMessage().contains("exceeds the 8 bytes"), e.getMessage());
    }

    @Test
    void offsetsBeyondFile() throws IOException {
        rejected("{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8, "'t'", "beyond");
    }

    @Test
    void overlappingTensors() throws IOException {
        rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "'b'", "'a'", "overlaps");
    }

    @Test
    void gapsAndTrailingBytes() throws IOException {
        rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "'a'", "start at 0");
        rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8, "trailing");
    }

    @Test
    void shapeOffsetMismatch() throws IOException {
        rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "'a'", "12 bytes", "span 8");
        rejected("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "'a'", "F16");
    }

    @Test
    void shapeOverflow() throws IOException {
        rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8,
                "'a'", "overflow");
        rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]}}", 8, "'a'");
    }

    @Test
    void duplicateNames() throws IOException {
        rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "Duplicate", "'a'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[1,2]|must be a JSON object",
        "\"x\"|must be a JSON object",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} {}|not valid JSON",
        "{\"a\":[1]}|'a'",
        "{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}|unknown dtype",
        "{\"a\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}|dtype",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}|shape",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}|shape",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}|data_offsets",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}|end before begin",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}|data_offsets",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}|data_offsets",
        "{\"__metadata__\":{\"k\":1}}|metadata value",
        "{\"__metadata__\":[]}|__metadata__",
    })
    void malformedHeaders(String json, String mention) throws IOException {
        rejected(json, 4, mention);
    }

    @Test
    void deeplyNestedJsonIsRejectedNotStackOverflow() throws IOException {
        rejected("{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", 0, "not valid JSON");
    }

    @Test
    void invalidUtf8() throws IOException {
        byte[] header = "{\"a\":1}".getBytes();
        header[2] = (byte) 0xC3; // truncated two-byte sequence
        Path p = TestFiles.write(dir, "bad.safetensors", TestFiles.concat(TestFiles.le64(header.length), header));
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(p));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }
}
