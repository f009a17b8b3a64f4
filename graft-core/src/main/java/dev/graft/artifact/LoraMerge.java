package dev.graft.artifact;

import dev.graft.util.Arguments;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.graft.data.tokens.WordSequence;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a LoRA model directory into a plain fine-tuned one: LoRA folded into the encoder's weights
 * ({@code W + (alpha/r)·B·A}), written as {@code backbone/model.safetensors} with the same head, labels,
 * metrics and provenance (strategy {@code lora-merged}, the source recorded), atomically. The merged
 * model predicts what the LoRA model predicted, up to float rounding, without the LoRA code path.
 */
public final class LoraMerge {

    /** Texts on which a merge compares the models' probabilities before and after. */
    static final List<String> PROBES = List.of("This was a wonderful experience and I would do it again.",
            "Terrible. It broke after two days and support never answered.", "ok", "The package arrived on Tuesday.",
            "I am not sure whether I like it or not, the first chapters are slow but the ending is great.");

    private LoraMerge() {
    }

    /**
     * What a merge did.
     *
     * @param replaced       whether an existing model at the target was replaced
     * @param maxProbabilityDifference largest |p_merged − p_lora| over the probe texts and classes
     * @param probes         number of probe texts compared
     */
    public record Result(boolean replaced, double maxProbabilityDifference, int probes) {
    }

    /** Fails fast, before any weights are read, unless {@code source} holds LoRA updates. */
    private static void checkLora(Path source) {
        Path file = source.resolve(PeftManifest.FILE);
        if (!ModelDirectory.isModel(source)) {
            return; // TextClassifier.load names what is missing
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(source + " has no LoRA updates to merge (no " + PeftManifest.FILE
                    + "): only models trained with " + Arguments.name("strategy") + " lora can be merged; this one is already a plain model.");
        }
        try {
            PeftManifest m = Json.read(file, PeftManifest.class);
            if (m.spec() != null && m.spec().method() != dev.graft.model.peft.PeftMethod.LORA) {
                throw new IllegalArgumentException("Cannot merge " + source + ": it was trained with " + Arguments.name("strategy") + " "
                        + m.spec().method().key() + ". Bottleneck adapters add layers (down-projection, GELU, up-projection)"
                        + " that no single weight matrix can absorb, so they cannot be merged; use the model directory as it is"
                        + " (predict and evaluate load it). Only " + Arguments.name("strategy") + " lora models can be merged.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The model's probabilities of the probe texts: each alone, or for a text-pair model each with the next one. */
    private static float[][] probe(TextClassifier model) {
        if (model.pairEncoding() == null) {
            return model.probabilities(PROBES);
        }
        List<String> next = new java.util.ArrayList<>(PROBES.subList(1, PROBES.size()));
        next.add(PROBES.get(0));
        return model.probabilities(PROBES, next);
    }

    /**
     * Folds the LoRA updates of {@code peft} into the weights they are attached to (a loaded model's own merge).
     *
     * @param strategy the model's strategy, for the message when it has no LoRA updates
     * @throws IllegalArgumentException when {@code peft} is {@code null} or holds adapters (which cannot be merged)
     */
    static void mergeModules(dev.graft.model.peft.PeftModules peft, String strategy) {
        if (peft == null) {
            throw new IllegalArgumentException("This model (strategy " + strategy + ") has no LoRA updates to merge;"
                    + " only models trained with " + dev.graft.util.Arguments.name("strategy") + " lora can be merged.");
        }
        try {
            peft.merge();
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Merges the LoRA model in {@code source} and writes the result to {@code target}.
     *
     * @throws IllegalArgumentException when {@code source} is not a LoRA model (adapters cannot be merged), or
     *                                  {@code target} is not writable
     */
    public static Result merge(Path source, Path target) {
        if (source.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException(Arguments.name("output") + " must differ from " + Arguments.name("model") + ": the LoRA model is kept, the merged one is written beside it.");
        }
        ModelDirectory.checkWritable(target);
        checkLora(source);
        if (TokenClassifier.isTokenModel(source)) {
            try (TokenClassifier model = TokenClassifier.load(source)) {
                List<WordSequence> words = PROBES.stream().map(WordSequence::tokenized).toList();
                return write(source, target, () -> model.outputs(model.encode(words, null), Progress.NONE), model::mergeLora,
                        model::strategy, (dir, provenance, metrics) -> model.save(dir, provenance, metrics, staging -> { }));
            }
        }
        try (TextClassifier model = TextClassifier.load(source)) {
            return write(source, target, () -> probe(model), model::mergeLora, model::strategy, model::save);
        }
    }

    private interface Saver {
        boolean save(Path dir, Provenance provenance, Map<String, Object> metrics) throws IOException;
    }

    /** Probes, merges, probes again and writes the merged model with the source's provenance and metrics. */
    private static Result write(Path source, Path target, java.util.function.Supplier<float[][]> probe, Runnable merge,
                                java.util.function.Supplier<String> strategy, Saver saver) {
        try {
            float[][] before = probe.get();
            merge.run();
            float[][] after = probe.get();
            double max = 0;
            for (int i = 0; i < before.length; i++) {
                for (int k = 0; k < before[i].length; k++) {
                    max = Math.max(max, Math.abs(before[i][k] - after[i][k]));
                }
            }
            Provenance p = Json.MAPPER.readValue(source.resolve(TextClassifier.PROVENANCE_FILE).toFile(), Provenance.class);
            Map<String, Object> settings = new LinkedHashMap<>(p.settings());
            settings.put("merged_from", source.toAbsolutePath().normalize().toString());
            settings.put("merged_from_strategy", p.strategy());
            Provenance merged = new Provenance(p.createdAt(), strategy.get(), p.seed(), settings, p.data(), p.backbone(),
                    p.versions(), p.metrics(), p.commandLine());
            Path metricsFile = source.resolve(TextClassifier.METRICS_FILE);
            Map<String, Object> metrics = Files.isRegularFile(metricsFile)
                    ? Json.MAPPER.readValue(metricsFile.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { })
                    : new LinkedHashMap<>();
            metrics.put("merge_max_probability_difference", max);
            boolean replaced = saver.save(target, merged, metrics);
            return new Result(replaced, max, PROBES.size());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot merge " + source + " into " + target + ": " + e.getMessage(), e);
        }
    }
}
