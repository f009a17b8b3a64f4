package dev.graft.run;

import dev.graft.data.DatasetSplits;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageSplits;
import dev.graft.model.text.TextModels;
import dev.graft.selection.BackboneRanking;
import dev.graft.selection.ComparedMetric;
import dev.graft.selection.RankedBackbone;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.ImageTransfer;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import java.util.ArrayList;
import java.util.List;

/**
 * A ranking of backbones, as {@code graft rank} runs it and a Java caller gets it in one call ({@code Graft.rank}):
 * reads the data (text or images) and builds the task, then scores each candidate's frozen features of the training
 * split by LogME for that task ({@link BackboneRanking}: classes, labels or a regression target) and, when asked,
 * trains a feature-extraction head on each.
 */
public final class BackboneRankingRun {

    private BackboneRankingRun() {
    }

    /** Ranks the candidates {@code request} names, telling {@code listener} which one is being scored. */
    public static RankingResult run(RankingRequest request, RunListener listener) {
        TrainingRequest r = request.training();
        SequenceTaskRun.refuse(r.task(), "ranking backbones by LogME");
        TrainingRun.checkSplitSettings(r, true);
        FeatureExtractionConfig config = r.featureExtractionConfig();
        List<RankedBackbone> scores = new ArrayList<>();
        Task task;
        if (ImageDataReader.isImageData(r.trainFile)) {
            ImageSplits splits = ImageInputs.splits(r, listener::message);
            task = ImageTransfer.task(splits, r.taskOptions());
            int threads = r.imageThreads();
            for (String name : request.models()) {
                announce(listener, name, request.measure());
                scores.add(BackboneRanking.image(name, ImageInputs.backbone(name, r.imageSize), splits, task, config.withThreads(threads),
                        Math.max(1, threads), request.measure(), listener.progress()));
            }
        } else {
            DatasetSplits splits = TrainingRun.readSplits(r, listener);
            TrainingRun.describe(splits, listener);
            task = Tasks.forTraining(splits, r.taskOptions());
            for (String name : request.models()) {
                announce(listener, name, request.measure());
                scores.add(BackboneRanking.text(name, TextModels.resolve(name, listener.progress()), splits, task, config,
                        request.measure(), listener.progress()));
            }
        }
        return new RankingResult(BackboneRanking.sorted(scores), ComparedMetric.forTask(task));
    }

    private static void announce(RunListener listener, String name, boolean measure) {
        listener.summary("scoring " + name + (measure ? " (LogME, then a feature-extraction head)" : " (LogME)"));
    }
}
