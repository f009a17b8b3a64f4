package dev.graft.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** JSON problems are told in a user's words, never in Jackson's. */
class JsonProblemsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Head(int inputDim, String file) {
    }

    private static String problemWith(String json) {
        JacksonException e = assertThrows(JacksonException.class, () -> JSON.readTree(json));
        return JsonProblems.describe(e);
    }

    private static void assertNoJacksonWords(String m) {
        for (String internal : new String[] {"StreamReadConstraints", "JsonToken", "Source:", "reference chain", "Jackson", "`"}) {
            assertFalse(m.contains(internal), () -> "'" + internal + "' in: " + m);
        }
    }

    @Test
    void truncatedTextSaysItIsCutOff() {
        String m = problemWith("{\"a\": [1, 2");
        assertTrue(m.startsWith("it ends in the middle of a value"), m);
        assertNoJacksonWords(m);
    }

    @Test
    void deepNestingSaysSoWithoutNamingJacksonSettings() {
        String m = problemWith("[".repeat(1500) + "]".repeat(1500));
        assertTrue(m.contains("nested more deeply"), m);
        assertNoJacksonWords(m);
    }

    @Test
    void aFieldOfTheWrongTypeIsNamedWithWhatItShouldBe() {
        JacksonException e = assertThrows(JacksonException.class, () -> JSON.readValue("{\"inputDim\": [1], \"file\": \"h\"}", Head.class));
        String m = JsonProblems.describe(e);
        assertEquals("field 'inputDim' should be a whole number", m.replaceAll(" \\(line.*\\)$", ""));
        assertNoJacksonWords(m);
    }

    @Test
    void garbageSaysWhereItStops() {
        String m = problemWith("{\"a\": nope}");
        assertTrue(m.contains("not well-formed JSON") && m.contains("line 1"), m);
        assertNoJacksonWords(m);
    }
}
