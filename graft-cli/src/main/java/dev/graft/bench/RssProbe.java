package dev.graft.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.data.DatasetSplits;
import dev.graft.model.peft.PeftSpec;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.model.text.TextModels;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.tracking.PeakMemory;
import dev.graft.training.EpochLog;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Child-JVM entry point of {@code graft bench}: a few fine-tuning steps of one freezing
 * configuration, then the process's peak RSS ({@code VmHWM}). Each configuration runs in its own
 * process so the peaks do not mix. Arguments: {@code head-only|top-2|full|lora steps examplesDir}
 * (libtorch's threads come from the parent's {@code -Dai.djl.pytorch.num_threads}).
 */
public final class RssProbe {

    /** Prefix of the result line on standard output. */
    public static final String PREFIX = "GRAFT-RSS ";

    private RssProbe() {
    }

    /** Runs one configuration and prints the result line. */
    public static void main(String[] args) throws Exception {
        String config = args[0];
        int steps = Integer.parseInt(args[1]);
        Path examples = Path.of(args[2]);
        FreezeSchedule freeze = switch (config) {
            case "head-only" -> FreezeSchedule.headOnly();
            case "top-2" -> FreezeSchedule.top(2);
            case "full", "lora" -> FreezeSchedule.all();
            default -> throw new IllegalArgumentException("unknown configuration " + config);
        };
        List<TextExample> pool = new ArrayList<>(TextDataReader.read(examples.resolve("train.csv")).examples());
        Collections.shuffle(pool, new Random(42));
        int n = steps * BenchSettings.FT_BATCH;
        DatasetSplits splits = new DatasetSplits(TextDataset.of("rss-train", pool.subList(0, n)),
                TextDataset.of("rss-val", pool.subList(n, n + BenchSettings.FT_BATCH)), Optional.empty());
        TrainConfig t = FineTuneConfig.defaults().training().withEpochs(1).withPatience(0).withBatchSize(BenchSettings.FT_BATCH);
        FineTuneConfig cfg = FineTuneConfig.defaults().withTraining(t).withFreeze(freeze);
        PeftSpec peft = config.equals("lora") ? PeftSpec.lora() : null;
        if (peft != null) {
            cfg = cfg.withBackboneLr(PeftSpec.DEFAULT_LEARNING_RATE, cfg.layerDecay());
        }
        long[] trainable = {0};
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onEpochEnd(EpochLog log) {
                trainable[0] = log.trainable();
            }
        };
        Map<String, Object> out = new LinkedHashMap<>();
        try (FineTuning.Prepared p = new FineTuning(cfg, peft).prepare(TextModels.resolve("minilm"), splits, List.of(listener))) {
            out.put("after_load_mib", PeakMemory.measure().mebibytes());
            p.learner().fit(p.train(), p.val());
            out.put("total", p.model().namedParameters().values().stream().mapToLong(x -> x.getArray().size()).sum());
        }
        PeakMemory peak = PeakMemory.measure();
        out.put("config", config);
        out.put("steps", steps);
        out.put("trainable", trainable[0]);
        out.put("peak_mib", peak.mebibytes());
        out.put("source", peak.source());
        System.out.println(PREFIX + new ObjectMapper().writeValueAsString(out));
        System.exit(0);
    }
}
