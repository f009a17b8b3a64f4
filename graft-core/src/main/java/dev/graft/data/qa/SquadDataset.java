package dev.graft.data.qa;

import java.nio.file.Path;
import java.util.List;

/**
 * The questions of one question-answering file ({@link SquadReader}), and what was left out.
 *
 * @param path      the file
 * @param sha256    lower-case hex SHA-256 of its bytes
 * @param format    how it was written
 * @param questions the questions kept, in file order
 * @param skipped   every answer or question left out, with the question id and the reason
 */
public record SquadDataset(Path path, String sha256, Format format, List<SquadQuestion> questions, List<Skip> skipped) {

    /** The layouts {@link SquadReader} reads. */
    public enum Format {
        /** SQuAD v1.1 / v2.0 JSON: {@code data[].paragraphs[].{context, qas[]}}. */
        SQUAD_JSON,
        /** One object per line with {@code question}, {@code context} and {@code answers}. */
        JSONL
    }

    /** What a skip left out. */
    public enum What {
        /** One gold answer whose {@code answer_start} does not point at its text; the question stays. */
        ANSWER,
        /** A whole question: empty, or none of its answers matches the context. */
        QUESTION
    }

    /**
     * One left-out answer or question.
     *
     * @param questionId the question's id
     * @param what       an answer or the whole question
     * @param reason     why, for a person
     */
    public record Skip(String questionId, What what, String reason) {

        @Override
        public String toString() {
            return "question " + questionId + ": " + reason;
        }
    }

    /** Copies the lists. */
    public SquadDataset {
        questions = List.copyOf(questions);
        skipped = List.copyOf(skipped);
    }

    /** How many skips left out {@code what}. */
    public long skipped(What what) {
        return skipped.stream().filter(s -> s.what() == what).count();
    }

    /** How many questions have no answer (v2.0). */
    public long impossibleCount() {
        return questions.stream().filter(SquadQuestion::impossible).count();
    }
}
