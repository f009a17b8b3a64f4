package dev.graft.artifact;

import dev.graft.data.TaskKind;
import dev.graft.data.qa.QaEncoder;
import dev.graft.data.qa.QaFeature;
import dev.graft.data.qa.SquadQuestion;
import dev.graft.metrics.SquadMetrics;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TokenizedText;
import dev.graft.task.SpanTask;
import dev.graft.task.Targets;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trained extractive question-answering model: a pretrained encoder — fine-tuned, or frozen — and a linear head
 * giving a start and an end score at every token, with its {@link SpanTask} (window length and overlap, longest
 * answer, n-best, the no-answer threshold tuned on validation). It answers questions about contexts with character
 * offsets into them, scores questions with gold answers (exact match and F1), and saves and loads as a Graft model
 * directory (manifest task {@code text-question-answering}). As a {@link GraftModel} it reads
 * {@link ModelInput.Question}s and gives {@link ModelOutput.Answer}s.
 */
public final class QuestionAnswerer extends DirectoryModel {

    /** The manifest's task name of a question-answering model. */
    public static final String TASK = ModelManifest.taskName("text", TaskKind.QUESTION_ANSWERING);

    private final PerTokenModel model;
    private final SpanTask task;
    private final String strategy;

    /**
     * A model.
     *
     * @param model    encoder and head (closed with this model)
     * @param task     the windows, decoding and no-answer settings
     * @param strategy the strategy that trained it
     * @throws IllegalArgumentException when the head does not give two scores per token
     */
    public QuestionAnswerer(PerTokenModel model, SpanTask task, String strategy) {
        if (model.head().config().numClasses() != task.outputWidth()) {
            throw new IllegalArgumentException("the head has " + model.head().config().numClasses()
                    + " outputs, a question-answering head has 2 (start, end)");
        }
        this.model = model;
        this.task = task;
        this.strategy = strategy;
    }

    /** The windows, decoding and no-answer settings. */
    public SpanTask task() {
        return task;
    }

    /** The strategy that trained it. */
    public String strategy() {
        return strategy;
    }

    /** The pretrained encoder's files. */
    public TextModelSpec backbone() {
        return model.backbone();
    }

    /** Whether the encoder was fine-tuned (else it is the frozen pretrained one). */
    public boolean fineTuned() {
        return model.fineTuned();
    }

    /** The questions cut into this model's windows. */
    public Targets.Spans encode(List<SquadQuestion> questions) {
        return encode(task.encoder(model.tokenizer()), questions);
    }

    /** The questions cut into windows by {@code encoder}, the answer positions from each question's first gold answer. */
    public static Targets.Spans encode(QaEncoder encoder, List<SquadQuestion> questions) {
        List<List<QaFeature>> windows = new ArrayList<>(questions.size());
        for (int q = 0; q < questions.size(); q++) {
            windows.add(encoder.encode(q, questions.get(q)).features());
        }
        return Targets.Spans.of(questions, windows);
    }

    /** The model inputs of windows (ids and token types). */
    public static List<TokenizedText> inputs(Targets.Spans spans) {
        List<TokenizedText> out = new ArrayList<>(spans.size());
        for (QaFeature f : spans.windows()) {
            out.add(new TokenizedText(f.input().ids(), f.input().typeIds()));
        }
        return out;
    }

    /** The start and end scores of every window, in order, flattened position by position. */
    public float[][] outputs(Targets.Spans spans, Progress progress) {
        return model.outputs(inputs(spans), spans, task::activate, progress);
    }

    /** The answer to each question (its gold answers, if any, are not read), in order. */
    public List<SpanTask.Answer> answers(List<SquadQuestion> questions, Progress progress) {
        Targets.Spans spans = encode(questions);
        return task.answers(outputs(spans, progress), spans);
    }

    /** Exact match and F1 over the questions' gold answers (HasAns / NoAns split when some have none). */
    public SquadMetrics.Scores score(List<SquadQuestion> questions, Progress progress) {
        Targets.Spans spans = encode(questions);
        return task.score(outputs(spans, progress), spans);
    }

    /**
     * Saves a self-contained model directory atomically ({@link ModelDirectory}): the encoder, the head, the manifest
     * with the task's settings (the no-answer threshold among them), provenance and metrics.
     *
     * @return true when an existing model at {@code dir} was replaced
     */
    public boolean save(Path dir, Provenance provenance, Map<String, Object> metrics, ModelDirectory.Writer extras)
            throws IOException {
        return model.save(dir, TASK, task, strategy, provenance, metrics, extras);
    }

    /** Whether {@code dir} holds a Graft question-answering model (manifest task {@code text-question-answering}). */
    public static boolean isQaModel(Path dir) {
        return PerTokenModel.holds(dir, TASK);
    }

    /**
     * Loads a model directory written by {@link #save}; the encoder's checksum and the head's tensors are verified.
     *
     * @throws IllegalArgumentException naming the file when the directory is not a question-answering model or is damaged
     */
    public static QuestionAnswerer load(Path dir) {
        PerTokenModel.Loaded l = PerTokenModel.load(dir, TASK, TaskKind.QUESTION_ANSWERING, "question-answering training run");
        try {
            QuestionAnswerer qa = new QuestionAnswerer(l.model(), (SpanTask) l.task(), l.strategy());
            qa.loadedFrom(dir);
            return qa;
        } catch (RuntimeException e) {
            l.model().close();
            throw e;
        }
    }

    // --- GraftModel: the one predictor interface (questions with contexts in, answers out) ---

    @Override
    public InputKind inputKind() {
        return InputKind.QUESTION;
    }

    /** The answer to each question about its context ({@link #answers}). */
    @Override
    public List<ModelOutput> predictBatch(List<ModelInput> inputs) {
        List<SquadQuestion> questions = new ArrayList<>(inputs.size());
        for (ModelInput in : inputs) {
            ModelInput.Question q = (ModelInput.Question) ModelInput.expect(inputs, in, InputKind.QUESTION);
            questions.add(new SquadQuestion("input-" + questions.size(), "", q.context(), q.question(), List.of(), false));
        }
        return answers(questions, Progress.NONE).stream()
                .<ModelOutput>map(a -> new ModelOutput.Answer(a.text(), a.score(), a.start(), a.end())).toList();
    }

    @Override
    public void close() {
        model.close();
    }
}
