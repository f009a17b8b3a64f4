package dev.graft.cli;

import dev.graft.data.qa.QaEncoder;
import dev.graft.strategy.QuestionAnswering;
import dev.graft.task.SpanTask;
import picocli.CommandLine.Option;

/** {@code graft train --task qa}: how questions are cut into windows and answers read back. */
final class QaOptions {

    @Option(names = "--max-length", defaultValue = "" + QaEncoder.DEFAULT_MAX_LENGTH, paramLabel = "TOKENS",
            description = "qa: positions of one question-first window, special tokens included (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--doc-stride", defaultValue = "" + QaEncoder.DEFAULT_DOC_STRIDE, paramLabel = "TOKENS",
            description = "qa: overlap of consecutive windows of a long context, in sub-tokens (default: ${DEFAULT-VALUE}).")
    int docStride;

    @Option(names = "--max-answer-length", defaultValue = "" + SpanTask.DEFAULT_MAX_ANSWER_TOKENS, paramLabel = "TOKENS",
            description = "qa: longest answer considered, in sub-tokens (default: ${DEFAULT-VALUE}).")
    int maxAnswerLength;

    @Option(names = "--n-best", defaultValue = "" + SpanTask.DEFAULT_N_BEST, paramLabel = "N",
            description = "qa: start and end positions paired per window in the answer search (default: ${DEFAULT-VALUE}).")
    int nBest;

    /** The settings as core takes them. */
    QuestionAnswering.Windows windows() {
        return new QuestionAnswering.Windows(maxLength, docStride, maxAnswerLength, nBest);
    }
}
