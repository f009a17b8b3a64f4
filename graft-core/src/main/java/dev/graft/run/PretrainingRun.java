package dev.graft.run;

import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.model.text.TextModelSpec;
import dev.graft.strategy.MaskedLmPretraining;
import dev.graft.strategy.PretrainingOutcome;
import dev.graft.training.Batching;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Continued masked-language-model pre-training, as {@code graft pretrain} runs it and a Java caller gets it in one call
 * ({@code Graft.pretrain}): checks the output and checkpoint directories before anything expensive, gathers the texts
 * (first occurrence kept, excluded texts dropped, optionally a seeded sample), resolves the encoder (with its licence
 * warning), trains with {@link MaskedLmPretraining}, saves the adapted encoder and removes the checkpoint unless the
 * caller named its directory. The same seed gives the same model.
 */
public final class PretrainingRun {

    private PretrainingRun() {
    }

    /** Runs the pre-training {@code request} describes, telling {@code listener} of the texts, progress and epochs. */
    public static PretrainingResult run(PretrainingRequest request, RunListener listener) throws IOException {
        PretrainingOutcome.checkTarget(request.output());
        CheckpointPlan checkpoints = request.checkpoints();
        checkpoints.checkStart();
        List<String> texts = new ArrayList<>();
        PretrainingResult.TextSelection selection = readTexts(request, texts, listener);
        TextModelSpec base = TrainingRun.resolveTextModel(request.model(), listener);
        if (!Files.isRegularFile(base.directory().resolve(PretrainingOutcome.HEAD_FILE))) {
            listener.summary("note: the MLM head's transform starts random (" + base.id() + " ships no MLM head weights); its"
                    + " decoder is tied to the word embeddings.");
        }
        checkpoints.announce(listener);
        long start = System.nanoTime();
        try (PretrainingOutcome run = new MaskedLmPretraining(request.config()).fit(base, texts, listener.epochs(),
                checkpoints.directory(), checkpoints.everyEpochs(), checkpoints.resume())) {
            TextModelSpec saved = run.save(request.output());
            checkpoints.finished();
            return new PretrainingResult(selection, base, saved, request.output(), run.trainTexts(), run.valTexts(),
                    run.trainTokens(), run.fit(), (System.nanoTime() - start) / 1e9);
        }
    }

    /** Fills {@code texts} with the request's texts: first occurrence kept, excluded ones dropped, optionally sampled. */
    private static PretrainingResult.TextSelection readTexts(PretrainingRequest request, List<String> texts, RunListener listener) {
        Set<String> excluded = new HashSet<>();
        for (Path f : request.excludeFiles()) {
            TextDataReader.read(f, request.data()).examples().forEach(e -> excluded.add(e.text()));
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        int total = 0;
        int dropped = 0;
        for (Path f : request.textFiles()) {
            TextDataset d = TextDataReader.read(f, request.data());
            TrainingRun.skippedNote(d).ifPresent(listener::message);
            for (TextExample e : d.examples()) {
                total++;
                if (excluded.contains(e.text())) {
                    dropped++;
                } else {
                    unique.add(e.text());
                }
            }
        }
        List<String> all = new ArrayList<>(unique);
        Integer max = request.maxTexts();
        if (max != null && all.size() > max) {
            int[] order = Arrays.copyOf(Batching.shuffled(all.size(), new Random(request.config().seed())), max);
            Arrays.sort(order);
            Arrays.stream(order).mapToObj(all::get).forEach(texts::add);
        } else {
            texts.addAll(all);
        }
        PretrainingResult.TextSelection selection = new PretrainingResult.TextSelection(total, request.textFiles().size(), dropped,
                total - dropped - unique.size(), texts.size());
        listener.summary(String.format(Locale.ROOT, "texts: %d read from %d file(s), %d excluded, %d duplicate(s) dropped, %d used",
                selection.read(), selection.files(), selection.excluded(), selection.duplicates(), selection.used()));
        return selection;
    }
}
