package dev.graft.cli;

import dev.graft.data.qa.QaEncoder;
import dev.graft.run.TrainingRequest;
import dev.graft.task.SpanTask;
import picocli.CommandLine.Option;

/** {@code graft train --task qa}: how questions are cut into windows and answers read back. */
final class QaOptions {

    @Option(names = "--max-length", paramLabel = "TOKENS",
            description = "qa: positions of one question-first window, special tokens included (default: " + QaEncoder.DEFAULT_MAX_LENGTH + ").")
    Integer maxLength;

    @Option(names = "--doc-stride", paramLabel = "TOKENS",
            description = "qa: overlap of consecutive windows of a long context, in sub-tokens (default: " + QaEncoder.DEFAULT_DOC_STRIDE + ").")
    Integer docStride;

    @Option(names = "--max-answer-length", paramLabel = "TOKENS",
            description = "qa: longest answer considered, in sub-tokens (default: " + SpanTask.DEFAULT_MAX_ANSWER_TOKENS + ").")
    Integer maxAnswerLength;

    @Option(names = "--n-best", paramLabel = "N",
            description = "qa: start and end positions paired per window in the answer search (default: " + SpanTask.DEFAULT_N_BEST + ").")
    Integer nBest;

    /** {@code request} with these settings (unset ones keep core's defaults). */
    TrainingRequest applyTo(TrainingRequest request) {
        return request.maxLength(maxLength).docStride(docStride).maxAnswerLength(maxAnswerLength).nBest(nBest);
    }
}
