package dev.graft.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tiny SQuAD-style data for CLI tests: two questions about each of eight people, one JSON object per line. */
final class TinySquad {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[][] PEOPLE = {
            {"Anna Keller", "Vienna", "pilot"}, {"Marco Rossi", "Naples", "baker"}, {"Sophie Martin", "Lyon", "nurse"},
            {"Jonas Berg", "Bergen", "teacher"}, {"Clara Weiss", "Zurich", "lawyer"}, {"Pedro Alves", "Porto", "farmer"},
            {"Emma Walker", "Lisbon", "painter"}, {"Robert Harris", "Prague", "doctor"},
    };

    private TinySquad() {
    }

    /** Writes {@code file}: where each of {@code PEOPLE[from, to)} was born and what they work as, with answer offsets. */
    static Path questions(Path file, int from, int to) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            String[] p = PEOPLE[i];
            String context = p[0] + " was born in " + p[1] + ". Today " + p[0] + " works as a " + p[2] + ".";
            String[][] qa = {{"Where was " + p[0] + " born?", p[1]}, {"What is the job of " + p[0] + "?", p[2]}};
            for (int k = 0; k < qa.length; k++) {
                ObjectNode o = JSON.createObjectNode();
                o.put("id", i + "-" + k);
                o.put("question", qa[k][0]);
                o.put("context", context);
                ObjectNode answers = o.putObject("answers");
                answers.putArray("text").add(qa[k][1]);
                answers.putArray("answer_start").add(context.indexOf(qa[k][1]));
                b.append(JSON.writeValueAsString(o)).append('\n');
            }
        }
        return Files.writeString(file, b.toString());
    }
}
