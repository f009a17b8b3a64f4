package dev.graft.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExcerptTest {

    @Test
    void shortTextIsQuotedWhole() {
        assertEquals("spam", Excerpt.of("spam"));
        assertEquals("x".repeat(200), Excerpt.of("x".repeat(200)));
    }

    @Test
    void longTextIsCutWithAnEllipsisAndItsLength() {
        String cut = Excerpt.of("y".repeat(5_000_000));
        assertEquals("y".repeat(200) + "… (5000000 characters)", cut);
        String emoji = "a".repeat(199) + "\uD83D\uDE00" + "b".repeat(10);
        assertTrue(Excerpt.of(emoji).startsWith("a".repeat(199) + "…"), "a surrogate pair is not split");
    }

    @Test
    void longListIsCutAndCountsWhatIsLeftOut() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            many.add("column" + i);
        }
        String list = Excerpt.list(many);
        assertTrue(list.length() < 260 && list.startsWith("[column0, column1, ") && list.endsWith(" more]"), list);
        assertEquals("[a, b]", Excerpt.list(List.of("a", "b")));
    }
}
