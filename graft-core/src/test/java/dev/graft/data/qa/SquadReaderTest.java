package dev.graft.data.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.data.DataException;
import dev.graft.data.tokens.SubwordTokenizer;
import dev.graft.model.text.TextModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQuAD JSON and JSON Lines, what is skipped and what is refused, and the real SQuAD files when present. */
class SquadReaderTest {

    private static final Path SQUAD = Path.of("../../shared/data/text/squad");
    private static final String CONTEXT = "Super Bowl 50 was won by the Denver Broncos in 2016.";

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static String qa(String id, String question, String answers, String extra) {
        return "{\"id\": \"" + id + "\", \"question\": \"" + question + "\", \"answers\": " + answers + extra + "}";
    }

    @Test
    void readsSquadJsonAndSkipsWhatDoesNotMatch() throws IOException {
        String json = "{\"version\": \"v2.0\", \"data\": [{\"title\": \"SB\", \"paragraphs\": [{\"context\": \"" + CONTEXT
                + "\", \"qas\": [" + qa("q1", "Who won?", "[{\"text\": \"Denver Broncos\", \"answer_start\": 29},"
                + " {\"text\": \"the Denver Broncos\", \"answer_start\": 3}]", "")
                + ", " + qa("q2", "When?", "[{\"text\": \"2016\", \"answer_start\": 47}]", "")
                + ", " + qa("q3", "  ", "[{\"text\": \"2016\", \"answer_start\": 47}]", "")
                + ", " + qa("q4", "Who lost?", "[]", ", \"is_impossible\": true, \"plausible_answers\": []")
                + ", " + qa("q5", "Where?", "[{\"text\": \"Denver\", \"answer_start\": 500}]", "")
                + "]}]}]}";
        SquadDataset d = SquadReader.read(write("s.json", json));
        assertEquals(SquadDataset.Format.SQUAD_JSON, d.format());
        assertEquals(List.of("q1", "q2", "q4"), d.questions().stream().map(SquadQuestion::id).toList());
        assertEquals(List.of("Denver Broncos"), d.questions().get(0).answerTexts(), "the answer at 3 is left out");
        assertEquals(1, d.impossibleCount());
        assertEquals(2, d.skipped(SquadDataset.What.ANSWER));
        assertEquals(2, d.skipped(SquadDataset.What.QUESTION));
        assertEquals("question q1: answer 'the Denver Broncos' does not stand at answer_start 3 (the context there reads"
                + " 'er Bowl 50 was won')", d.skipped().get(0).toString());
        assertEquals("question q3: the question is empty", d.skipped().get(1).toString());
        assertTrue(d.skipped().get(2).reason().contains("the context has 52 characters"), d.skipped().get(2).reason());
        assertEquals("question q5: none of its 1 answer(s) matches the context", d.skipped().get(3).toString());
    }

    @Test
    void readsJsonLinesInBothAnswerLayouts() throws IOException {
        Path f = write("s.jsonl", "{\"id\": \"a\", \"question\": \"Who won?\", \"context\": \"" + CONTEXT + "\", \"answers\":"
                + " {\"text\": [\"Denver Broncos\"], \"answer_start\": [29]}}\n\n"
                + "{\"question\": \"When?\", \"context\": \"" + CONTEXT + "\", \"answers\": [{\"text\": \"2016\","
                + " \"answer_start\": 47}]}\n"
                + "{\"question\": \"Who lost?\", \"context\": \"" + CONTEXT + "\", \"answers\": {\"text\": [],"
                + " \"answer_start\": []}}\n");
        SquadDataset d = SquadReader.read(f);
        assertEquals(SquadDataset.Format.JSONL, d.format());
        assertEquals(List.of("a", "line-3", "line-4"), d.questions().stream().map(SquadQuestion::id).toList());
        assertEquals(47, d.questions().get(1).answers().get(0).start());
        assertTrue(d.questions().get(2).impossible());
    }

    @Test
    void badFilesAreRefusedWithThePlace() throws IOException {
        assertMessage(write("a.json", "{\"data\": [{\"title\": \"x\"}]}"), "data[0] (line 1, column 11) has no field"
                + " paragraphs");
        assertMessage(write("b.json", "[1, 2]"), "is not SQuAD JSON: it does not start with a JSON object");
        assertMessage(write("c.json", "{\"data\": [{\"paragraphs\": [{\"context\": \"x\", \"qas\": [{\"id\": \"1\","
                + " \"question\": \"q\", \"answers\": [{\"text\": \"x\", \"answer_start\": \"0\"}]}]}]}]}"),
                "data[0] (line 1, column 11).paragraphs[0].qas[0].answers[0] needs a text string and an integer answer_start");
        assertMessage(write("d.json", "{\"data\": [{\"paragraphs\": [{\"context\": \"x\", \"qas\": [{\"id\": \"1\","
                + " \"question\": \"q\", \"answers\": []}, {\"id\": \"1\", \"question\": \"r\", \"answers\": []}]}]}]}"),
                "the question id '1' was used before");
        assertMessage(write("e.jsonl", "{\"question\": \"q\", \"context\": \"x\", \"answers\": {\"text\": [\"x\"]}}\n"),
                "line 1: answers must hold arrays text and answer_start of one length");
        assertMessage(write("f.json", "{\"data\": [{\"paragraphs\": [{\"context\": \"x\", \"qas\": [{\"id\": \"1\","
                + " \"question\": \" \", \"answers\": []}]}]}]}"), "holds no usable question (1 left out, e.g. question 1:"
                + " the question is empty)");
        assertMessage(write("g.json", "{\"data\": [}"), "g.json is not valid JSON");
    }

    private static void assertMessage(Path f, String part) {
        DataException e = assertThrows(DataException.class, () -> SquadReader.read(f));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void realSquadFiles() {
        assumeTrue(Files.isDirectory(SQUAD), "../shared/data/text/squad is absent");
        try (SubwordTokenizer tokenizer = SubwordTokenizer.open(TextModels.resolve("minilm").tokenizerFile())) {
            QaEncoder encoder = QaEncoder.defaults(tokenizer);
            Map<String, int[]> expected = Map.of("train-44-articles.json", new int[] {11877},
                    "dev-24-articles.json", new int[] {4961});
            for (String name : List.of("train-44-articles.json", "dev-24-articles.json")) {
                SquadDataset d = SquadReader.read(SQUAD.resolve(name));
                assertEquals(expected.get(name)[0], d.questions().size() + d.skipped(SquadDataset.What.QUESTION), name);
                Map<String, Integer> contexts = new IdentityHashMap<>();
                int longContexts = 0;
                int maxTokens = 0;
                int answers = 0;
                int longQuestions = 0;
                for (SquadQuestion q : d.questions()) {
                    answers += q.answers().size();
                    longQuestions += tokenizer.ids(q.question()).length > 64 ? 1 : 0;
                    if (!contexts.containsKey(q.context())) {
                        int n = encoder.contextTokens(q.context());
                        contexts.put(q.context(), n);
                        maxTokens = Math.max(maxTokens, n);
                        longContexts += n > 384 ? 1 : 0;
                    }
                }
                int multiWindow = 0;
                for (int i = 0; i < d.questions().size(); i++) {
                    if (contexts.get(d.questions().get(i).context()) < 384 - 3 - 64) {
                        continue; // fits one window whatever the question (64 tokens at most)
                    }
                    QaEncoder.Encoded e = encoder.encode(i, d.questions().get(i));
                    multiWindow += e.features().size() > 1 ? 1 : 0;
                }
                System.out.printf("squad %s: %d questions kept, %d gold answers, %d contexts (%d over 384 MiniLM tokens,"
                        + " longest %d), %d questions need more than one 384-token window, %d questions over 64 tokens,"
                        + " skipped %d answers and %d questions %s%n", name, d.questions().size(), answers,
                        contexts.size(), longContexts, maxTokens, multiWindow, longQuestions,
                        d.skipped(SquadDataset.What.ANSWER), d.skipped(SquadDataset.What.QUESTION),
                        d.skipped().subList(0, Math.min(3, d.skipped().size())));
                assertTrue(longContexts > 0 && multiWindow >= longContexts, name);
            }
        }
    }
}
