package dev.graft.tuning;

import dev.graft.util.Arguments;
import dev.graft.training.EpochLog;
import dev.graft.training.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * A hyperparameter search that survives being killed: trials are proposed by a {@link Sampler},
 * report one value per epoch to a {@link Pruner} through a {@link TrainingListener}, and everything
 * is kept in a {@link StudyStore}. {@link #optimize} runs until the study has the requested number
 * of finished trials; a trial an earlier process left running is restarted with the same settings,
 * and each trial's proposal depends only on the study seed, its number and the trials before it, so
 * a resumed study proposes what the uninterrupted one would have.
 */
public final class Study implements AutoCloseable {

    /**
     * What a study searches and how; stored with the study and checked on resume.
     *
     * @param space       the dimensions
     * @param sampler     proposes settings
     * @param pruner      stops unpromising trials
     * @param seed        seeds the proposals
     * @param fingerprint identifies the objective (data, model, fixed settings): a study only resumes for the same one
     */
    public record Settings(SearchSpace space, Sampler sampler, Pruner pruner, long seed, String fingerprint) {
        Map<String, String> asMap() {
            return Map.of("space", space.spec(), "sampler", sampler.name(), "pruner", pruner.name(), "seed", Long.toString(seed),
                    "fingerprint", fingerprint);
        }
    }

    /** Trains one trial. */
    @FunctionalInterface
    public interface Objective {
        /**
         * Trains with {@code params}, passing {@code reporter} to the learner, and returns the value
         * to maximise. A {@link TrialPruned} thrown by the reporter must propagate.
         */
        double run(int number, Map<String, Object> params, TrainingListener reporter) throws Exception;
    }

    /** Progress of a study (for output). */
    public interface Events {
        /** A trial starts; {@code restarted} when an earlier process left it running. */
        default void trialStarted(int number, Map<String, Object> params, boolean restarted) {
        }

        /** A trial ended. */
        default void trialFinished(Trial trial, String note) {
        }
    }

    private final StudyStore store;
    private final Settings settings;

    private Study(StudyStore store, Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    /**
     * Opens the study in {@code dir}: a new one records {@code settings}; an existing one must have
     * been created with the same settings.
     */
    public static Study open(Path dir, Settings settings) {
        StudyStore store = StudyStore.open(dir);
        try {
            for (Map.Entry<String, String> e : new TreeMap<>(settings.asMap()).entrySet()) {
                Optional<String> stored = store.setting(e.getKey());
                if (stored.isPresent() && !stored.get().equals(e.getValue())) {
                    throw new IllegalArgumentException("The study in " + dir + " was created with another " + e.getKey() + " ("
                            + abbreviate(stored.get()) + ", now " + abbreviate(e.getValue()) + "). Resume it with the same data,"
                            + " model and options, or start a new study with another " + Arguments.name("study") + " directory.");
                }
            }
            settings.asMap().forEach(store::putSetting);
            return new Study(store, settings);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The store. */
    public StudyStore store() {
        return store;
    }

    /** Every trial so far. */
    public List<Trial> trials() {
        return store.trials();
    }

    /** The complete trial with the highest value. */
    public Optional<Trial> best() {
        return best(store.trials());
    }

    /** The complete trial with the highest value among {@code trials} (ties: the earlier one). */
    public static Optional<Trial> best(List<Trial> trials) {
        return trials.stream().filter(t -> t.state() == Trial.State.COMPLETE && t.value().isPresent())
                .max(Comparator.comparingDouble((Trial t) -> t.value().getAsDouble()).thenComparing(Comparator.comparingInt(Trial::number).reversed()));
    }

    /**
     * Runs trials until {@code total} have finished, restarting any left running.
     *
     * @param objective how to train a trial
     * @param value     the figure reported per epoch (higher is better)
     * @param events    progress
     */
    public void optimize(int total, Objective objective, ToDoubleFunction<EpochLog> value, Events events) {
        for (Trial t : store.trials()) {
            if (t.state() == Trial.State.RUNNING) {
                store.clearIntermediate(t.number());
                runTrial(t.number(), t.params(), true, objective, value, events);
            }
        }
        while (true) {
            List<Trial> trials = store.trials();
            long finished = trials.stream().filter(Trial::finished).count();
            if (finished >= total) {
                return;
            }
            int number = trials.stream().mapToInt(Trial::number).max().orElse(-1) + 1;
            List<Trial> done = trials.stream().filter(Trial::finished).toList();
            Map<String, Object> params = settings.sampler().sample(settings.space(), done, rng(number));
            runTrial(number, params, false, objective, value, events);
        }
    }

    /**
     * Trial {@code number}'s generator. Its seed goes through SplittableRandom's 64-bit mix first: java.util.Random's
     * first draws from consecutive seeds are nearly equal (a random search proposed lr 0.001958, 0.001957 for trials 0
     * and 1), so neighbouring trials would explore the same corner of the space.
     */
    private Random rng(int number) {
        return trialRandom(settings.seed(), number);
    }

    /** The generator of trial {@code number} of a study seeded with {@code seed}. */
    static Random trialRandom(long seed, int number) {
        return new Random(new SplittableRandom(seed * 1_000_003L + number).nextLong());
    }

    private void runTrial(int number, Map<String, Object> params, boolean restarted, Objective objective, ToDoubleFunction<EpochLog> value,
                          Events events) {
        store.start(number, params);
        events.trialStarted(number, params, restarted);
        List<Trial> others = store.trials().stream().filter(t -> t.number() != number).toList();
        TreeMap<Integer, Double> reported = new TreeMap<>();
        TrainingListener reporter = new TrainingListener() {
            @Override
            public void onEpochEnd(EpochLog log) {
                double v = value.applyAsDouble(log);
                reported.put(log.epoch(), v);
                store.report(number, log.epoch(), v);
                Trial now = new Trial(number, Trial.State.RUNNING, params, OptionalDouble.empty(), reported, 0);
                if (settings.pruner().prune(now, log.epoch(), others)) {
                    throw new TrialPruned(log.epoch());
                }
            }
        };
        long t0 = System.nanoTime();
        Trial.State state;
        Double result = null;
        String note = null;
        try {
            result = objective.run(number, params, reporter);
            state = Trial.State.COMPLETE;
        } catch (TrialPruned p) {
            state = Trial.State.PRUNED;
            note = "pruned after epoch " + p.epoch();
        } catch (Exception e) {
            state = Trial.State.FAILED;
            note = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        store.finish(number, state, result, seconds, note);
        events.trialFinished(new Trial(number, state, params, result == null ? OptionalDouble.empty() : OptionalDouble.of(result),
                reported, seconds), note);
    }

    @Override
    public void close() {
        store.close();
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** The finished trials of {@code trials}, in number order (for tables). */
    public static List<Trial> finished(List<Trial> trials) {
        return new ArrayList<>(trials.stream().filter(Trial::finished).toList());
    }
}
