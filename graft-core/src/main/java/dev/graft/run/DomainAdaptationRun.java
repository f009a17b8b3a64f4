package dev.graft.run;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.data.TextDataset;
import dev.graft.data.image.ImageDataset;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.report.AdaptationReport;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.adapt.AdaptConfig;
import dev.graft.strategy.adapt.AdaptationResult;
import dev.graft.strategy.adapt.AdaptationRun;
import dev.graft.training.TrainingListener;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Unsupervised domain adaptation as {@code graft adapt} runs it and a Java caller gets it in one call
 * ({@code Graft.adapt}): checks the settings and the output directory, reads the source, target and evaluation data
 * (text, or images when the source is a folder of class folders), resolves the frozen backbone, records the run
 * ({@link RunRecorder}), adapts ({@link AdaptationRun}: cached frozen features, the method, the scores and the proxy
 * A-distances), and saves the model directory with {@code metrics.json} and the report.
 */
public final class DomainAdaptationRun {

    private DomainAdaptationRun() {
    }

    /** Runs the adaptation {@code request} describes, telling {@code listener} of progress, epochs and notes. */
    public static DomainAdaptationResult run(AdaptationRequest request, RunListener listener) throws IOException {
        AdaptConfig config = request.config();
        Path out = request.output();
        ModelDirectory.checkWritable(out);
        long start = System.nanoTime();
        Function<List<TrainingListener>, AdaptationRun> adapt = prepare(request, config, listener); // data read before a run is recorded
        try (RunRecorder recorder = RunRecorder.start(request.tracking(), "adapt", out, out, request.runParams(config),
                listener::message)) {
            AdaptationRun run = adapt.apply(recorder.listeners(listener.epochs().toArray(TrainingListener[]::new)));
            try {
                Provenance provenance = run.provenance().withCommandLine(request.commandLine());
                boolean replaced = run.save(out, request.commandLine(), staging -> recorder.writeReport(
                        () -> AdaptationReport.data(recorder.runName(), run), List.of(AdaptationReport.table(run.result())),
                        provenance, staging));
                double total = (System.nanoTime() - start) / 1e9;
                recorder.logMetrics(trackingMetrics(run.result()), run.fit().history().size());
                recorder.finish(run, provenance, out, total);
                return new DomainAdaptationResult(out, replaced, run, TrainingRun.report(out), recorder.runId(), recorder.location(),
                        total);
            } catch (IOException | RuntimeException | Error e) {
                run.close();
                throw e;
            }
        }
    }

    /** Reads the data and the backbone; the function computes (or reads cached) frozen features and adapts. */
    private static Function<List<TrainingListener>, AdaptationRun> prepare(AdaptationRequest r, AdaptConfig config,
                                                                          RunListener listener) {
        int threads = r.threads();
        FeatureExtractionConfig fx = FeatureExtractionConfig.defaults().withThreads(threads);
        Progress progress = listener.progress();
        String key = config.method().key();
        if (FrozenData.isImages(r.source())) {
            int io = Math.max(1, Math.min(2, threads));
            ImageDataset s = FrozenData.images(r.source(), r.maxSource(), r.seed(), io, listener::message);
            ImageDataset t = FrozenData.unlabelledImages(r.targetUnlabeled(), r.maxTarget(), r.seed(), io, listener::message);
            ImageDataset e = r.eval() == null ? null : FrozenData.images(r.eval(), r.maxEval(), r.seed(), io, listener::message);
            listener.summary(String.format(Locale.ROOT, "images: source %d, target %d (unlabelled)%s; method %s", s.size(), t.size(),
                    e == null ? "" : ", eval " + e.size(), key));
            ImageBackbone backbone = FrozenData.imageModel(r.model());
            return epochs -> AdaptationRun.images(backbone, s, t, e, config, fx, io, progress, epochs);
        }
        TextDataset s = FrozenData.labelledText(r.source(), r.data(), r.maxSource(), r.seed(), listener::message);
        TextDataset t = FrozenData.unlabelledText(r.targetUnlabeled(), r.data(), r.maxTarget(), r.seed());
        TextDataset e = r.eval() == null ? null : FrozenData.labelledText(r.eval(), r.data(), r.maxEval(), r.seed(), listener::message);
        listener.summary(String.format(Locale.ROOT, "texts: source %d, target %d (unlabelled)%s; method %s", s.size(), t.size(),
                e == null ? "" : ", eval " + e.size(), key));
        TextModelSpec backbone = TextModels.resolve(r.model(), progress);
        return epochs -> AdaptationRun.text(backbone, s, t, e, config, fx, progress, epochs);
    }

    /**
     * The adaptation's own figures as tracking metrics: target accuracy and macro-F1 of the source-only baseline and of
     * the adapted model (with evaluation data), the proxy A-distance before and after, held-out source scores and
     * example counts.
     */
    static Map<String, Double> trackingMetrics(AdaptationResult r) {
        Map<String, Double> m = new LinkedHashMap<>();
        r.metrics().forEach((k, v) -> {
            if (v instanceof Number n && !k.equals("best_epoch")) { // best_epoch comes from the epoch logger
                m.put(k, n.doubleValue());
            }
        });
        return m;
    }
}
