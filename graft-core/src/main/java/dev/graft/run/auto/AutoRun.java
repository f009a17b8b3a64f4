package dev.graft.run.auto;

import dev.graft.artifact.ModelDirectory;
import dev.graft.data.TaskKind;
import dev.graft.data.image.ImageDataReader;
import dev.graft.metrics.TaskMetrics;
import dev.graft.report.AutoReport;
import dev.graft.run.RunListener;
import dev.graft.run.RunTracking;
import dev.graft.run.TrainingRequest;
import dev.graft.run.TrainingResult;
import dev.graft.run.TrainingRun;
import dev.graft.selection.ComparedMetric;
import dev.graft.selection.GreedySoup;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FineTuning;
import dev.graft.tensor.io.OwnedDirectory;
import dev.graft.training.Checkpointing;
import dev.graft.training.EpochLog;
import dev.graft.training.TrainingListener;
import dev.graft.tuning.MedianPruner;
import dev.graft.tuning.SearchSpace;
import dev.graft.tuning.Study;
import dev.graft.tuning.TpeSampler;
import dev.graft.tuning.Trial;
import dev.graft.tuning.TrialPruned;
import dev.graft.util.Arguments;
import dev.graft.util.Hashes;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code graft auto}: the best model the time limit allows, by a fixed plan, for text classification, multi-label and
 * regression data and for image classification (other tasks are refused, naming the task argument). Models are scored
 * and compared on the task's figure on validation ({@link ComparedMetric}: accuracy, macro-F1, RMSE) in its direction.
 * <ol>
 *   <li><b>Speed</b>: the first {@value #PROBE_EXAMPLES} examples of the ranking's sample are embedded with the
 *       cheapest backbone; the time the embedding took over its estimate at the reference rates, rounded to a power of
 *       &radic;2, is the factor every estimate is multiplied by ({@link Calibration}; journaled; the features are reused
 *       by that backbone's ranking).</li>
 *   <li><b>Rank</b> the candidate backbones by LogME on a stratified sample of {@value #RANK_SAMPLE} training examples,
 *       within a share of {@value #RANK_SHARE} of the limit and never into the cheapest feature extraction's room
 *       (skipped when that affords fewer than two); the stage is stopped at {@value #RANK_OVERRUN} times its estimate or
 *       its share, whichever is later, and always before it would leave the cheapest feature extraction too little.</li>
 *   <li><b>Feature extraction</b> (a head on frozen features) with the best-ranked backbones, then those the ranking
 *       left out (cheapest first), at most {@value #FEATURE_BACKBONES}, each only when its estimated cost fits what the
 *       plan has left. When not even the cheapest fits on all the data, it is trained on a seeded, stratified subsample
 *       of the training file sized to fit: there is always a first model.</li>
 *   <li><b>Fine-tuning</b> of the best feature-extraction backbone: trials of {@value #TRIAL_EPOCHS} epochs, the first
 *       with the default learning rates, then proposed by TPE and pruned at the median; as many as fit what is left (at
 *       most {@link AutoRequest#maxTrials(int)}), none when feature extraction's score (a bounded figure) leaves less
 *       room than the gain fine-tuning would have to show.</li>
 *   <li><b>Soup</b> of two or more finished trials ({@code selection.GreedySoup}): a candidate only when it beats the
 *       best trial on validation.</li>
 *   <li><b>Winner</b> by {@code graft compare}'s rule ({@code WinnerRule}); saved as a normal model directory with a
 *       report of every candidate.</li>
 * </ol>
 * <b>Determinism.</b> The plan decides on estimated costs only ({@code CostModel} times the speed factor), so the same
 * data, candidates, limit, seed and factor give the same candidates and, training being seeded, the same winner. The
 * factor is measured once per output folder and recorded in its journal: a resumed run plans with the recorded one, and
 * {@link AutoRequest#speedFactor} fixes it (to replay a plan elsewhere). The measured speed of the candidates only
 * guards the limit: a candidate the clock says cannot finish is not started, and one still running at the limit is
 * stopped; both are marked interrupted and not journaled, so a rerun with the same arguments continues the plan from
 * the journal.
 */
public final class AutoRun {

    /** Training examples LogME scores per backbone. */
    public static final int RANK_SAMPLE = 256;
    /** The share of the limit the ranking may use. */
    public static final double RANK_SHARE = 0.25;
    /** Backbones given feature extraction at most. */
    public static final int FEATURE_BACKBONES = 2;
    /** Training examples the speed probe embeds with the cheapest backbone (the first of the ranking's sample). */
    public static final int PROBE_EXAMPLES = 32;
    /**
     * How far past its estimate the ranking stage may run before it is stopped (or to its share of the limit, when that
     * is more; never into the room the cheapest feature extraction needs).
     */
    public static final double RANK_OVERRUN = 1.5;
    /** The share of what the plan has left that a subsampled first model is sized to (a margin for the estimate). */
    public static final double SUBSAMPLE_SHARE = 0.8;
    /** The fewest training-file rows a subsampled first model is trained on. */
    public static final int MIN_SUBSAMPLE = 40;
    /** Epochs of a fine-tuning trial. */
    public static final int TRIAL_EPOCHS = 3;
    /** The winner's model directory inside the output folder. */
    public static final String MODEL_DIR = "model";
    /** The candidates' model directories inside the output folder. */
    public static final String CANDIDATES_DIR = "candidates";
    /** The fine-tuning study inside the output folder. */
    public static final String STUDY_DIR = "study";

    private final AutoRequest req;
    private final AutoListener l;
    private final AutoData data;
    private final AutoJournal journal;
    private final Deadline clock;
    private final long seed;
    private final String fingerprint;
    private final boolean images;
    private final List<Candidate> candidates = new ArrayList<>();
    private double planned;
    private Calibration calibration = Calibration.given(1);

    private AutoRun(AutoRequest req, AutoListener l, AutoData data, AutoJournal journal, Deadline clock, long seed,
                    String fingerprint, boolean images) {
        this.req = req;
        this.l = l;
        this.data = data;
        this.journal = journal;
        this.clock = clock;
        this.seed = seed;
        this.fingerprint = fingerprint;
        this.images = images;
    }

    /** Runs the plan of {@code request}, telling {@code listener} how it goes. */
    public static AutoResult run(AutoRequest request, AutoListener listener) throws IOException {
        Deadline clock = new Deadline(request.timeLimit);
        TrainingRequest template = request.dataRequest();
        AutoJournal.checkOutput(request.output);
        boolean images = ImageDataReader.isImageData(template.trainFile());
        TaskKind task = template.data().targets().task();
        if (!(task == TaskKind.CLASSIFICATION || !images && (task == TaskKind.MULTI_LABEL || task == TaskKind.REGRESSION))) {
            throw refuseTask(task, images);
        }
        AutoData data = images ? ImageAutoData.read(template, request.imageSize, listener) : TextAutoData.read(template, listener);
        List<String> names = request.candidates != null ? request.candidates : data.defaultCandidates();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("No " + data.modality() + " backbone to try: name candidates with "
                    + Arguments.name("candidates") + (images ? ", or import one first (" + Arguments.name("ImageBackbone.importOnnx") + ")" : "") + ".");
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException(Arguments.name("candidates") + " names a backbone twice: " + names + ".");
        }
        String fingerprint = fingerprint(template, names, request);
        AutoJournal journal = AutoJournal.open(request.output, fingerprint);
        return new AutoRun(request, listener, data, journal, clock, template.seed(), fingerprint, images).execute(names);
    }

    /** The refusal of a task auto does not search. */
    static IllegalArgumentException refuseTask(TaskKind task, boolean images) {
        return new IllegalArgumentException(Arguments.name("Graft.auto") + " searches text classification, multi-label and"
                + " regression models and image classifiers; " + Arguments.name("task") + " " + task.key()
                + (images ? " on images" : "") + " is not one of them. Train it with " + Arguments.name("Graft.train") + ".");
    }

    private static String fingerprint(TrainingRequest template, List<String> names, AutoRequest r) {
        var md = Hashes.sha256();
        Map<String, Object> params = new TreeMap<>(template.runParams(Map.of()));
        params.remove("model");
        params.remove("strategy");
        Hashes.update(md, params.toString());
        Hashes.update(md, String.valueOf(template.data()));
        Hashes.update(md, String.join(",", names));
        Hashes.update(md, r.timeLimit.toString() + "|" + template.seed() + "|" + r.maxTrials + "|" + r.imageSize);
        return HexFormat.of().formatHex(md.digest());
    }

    private double planLimit() {
        return clock.limitSeconds() - clock.reserveSeconds();
    }

    private AutoResult execute(List<String> names) throws IOException {
        Map<String, Double> feReference = new LinkedHashMap<>();
        for (String n : names) {
            feReference.put(n, data.featureExtractionSeconds(n, 1));
        }
        String cheapest = names.stream().min(Comparator.comparingDouble(feReference::get)).orElseThrow();
        calibrate(cheapest);
        Map<String, Double> feCost = new LinkedHashMap<>();
        feReference.forEach((n, s) -> feCost.put(n, est(s)));
        int fewest = Math.min(MIN_SUBSAMPLE, data.trainFileRows());
        double least = subsampleSeconds(cheapest, fewest, data.testSeconds(cheapest) > 0);
        if (planned + least > clock.limitSeconds()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s %s is too short for this data on this machine: feature"
                    + " extraction with the cheapest candidate (%s) on %d training rows is estimated at %.0f s (%s). Give at least"
                    + " %.0f s.", Arguments.name("timeLimit"), format(clock.limitSeconds()), cheapest, fewest, least, calibration.describe(),
                    Math.ceil((planned + least + Deadline.MIN_RESERVE_SECONDS) / (1 - Deadline.RESERVE_SHARE))));
        }
        List<String> order = new ArrayList<>(rank(names, feCost.get(cheapest), cheapest));
        // then the backbones the ranking left out, cheapest first: the cheapest always fits what the ranking left
        names.stream().filter(n -> !order.contains(n)).sorted(Comparator.comparingDouble(feCost::get)).forEach(order::add);
        featureExtraction(order, feCost, cheapest);
        fineTuning();
        soup();
        return finish();
    }

    /** {@code referenceSeconds} (an estimate at the reference rates) on this machine: times the speed factor. */
    private double est(double referenceSeconds) {
        return referenceSeconds * calibration.factor();
    }

    // ---- 0. calibration

    /**
     * The speed factor: the journal's when this run continues one, else the request's, else measured by embedding the
     * first {@value #PROBE_EXAMPLES} examples of the ranking's sample with {@code backbone} (kept for its ranking) a
     * second time, after an untimed pass that warms the engine, and recorded. The probe's cost counts in the plan at its scaled estimate, whichever way the factor came.
     */
    private void calibrate(String backbone) {
        int sample = Math.min(RANK_SAMPLE, data.trainSize());
        int n = Math.min(PROBE_EXAMPLES, sample);
        double reference = data.probeSeconds(backbone, n, sample, seed);
        Optional<Calibration> recorded = journal.calibration();
        if (recorded.isPresent()) {
            calibration = recorded.get();
            l.stage("speed: the journal's " + calibration.describe());
        } else {
            if (req.speedFactor != null) {
                calibration = Calibration.given(req.speedFactor);
            } else {
                l.stage(String.format(Locale.ROOT, "speed probe: embedding %d training examples with %s", n, backbone));
                // a first pass warms the engine (kernel choice, allocation) so that the timed one measures the steady rate
                data.probe(backbone, n, sample, seed, Progress.NONE);
                Probes.Timed timed = new Probes.Timed(l.progress());
                long t0 = System.nanoTime();
                data.probe(backbone, n, sample, seed, timed);
                // the compute alone; the whole call (opening included) only if the embedding never said when it began
                double seconds = timed.seconds() > 0 ? timed.seconds() : (System.nanoTime() - t0) / 1e9;
                calibration = Calibration.measured(backbone, n, seconds, reference);
            }
            journal.record(calibration);
            l.stage("speed: " + calibration.describe() + "; every estimate below is at this factor");
        }
        planned += est(CostModel.PROBE_FIXED_SECONDS + reference);
    }

    private static String format(double seconds) {
        return seconds % 60 == 0 ? (long) (seconds / 60) + "m" : String.format(Locale.ROOT, "%.0fs", seconds);
    }

    // ---- 1. ranking

    private List<String> rank(List<String> names, double cheapestFe, String cheapest) {
        double before = planned;
        if (names.size() == 1) {
            l.stage("one candidate (" + names.get(0) + "): nothing to rank");
            return names;
        }
        int sample = Math.min(RANK_SAMPLE, data.trainSize());
        double allowance = Math.min(RANK_SHARE * planLimit(), planLimit() - planned - cheapestFe);
        l.stage(String.format(Locale.ROOT, "ranking %d backbones by LogME on %d training examples (at most %.0f s of the plan)",
                names.size(), sample, Math.max(0, allowance)));
        // which backbones the ranking can afford, in candidate order; a ranking of one compares nothing
        List<String> affordable = new ArrayList<>();
        double sum = 0;
        for (String n : names) {
            double est = est(data.rankSeconds(n, sample));
            if (sum + est <= allowance) {
                affordable.add(n);
                sum += est;
            }
        }
        if (affordable.size() >= 2) {
            // the ranking may overrun its estimate (up to its share of the limit), never into the cheapest feature extraction
            clock.bound("the ranking", Math.min(Math.max(RANK_OVERRUN * sum, RANK_SHARE * planLimit()), planLimit() - before - cheapestFe));
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        for (String n : names) {
            double est = est(data.rankSeconds(n, sample));
            String id = "rank:" + n;
            if (affordable.size() < 2) {
                add(skipped(id, Candidate.Stage.RANK, n, Map.of(), est, String.format(Locale.ROOT,
                        "plan: the ranking may use %.0f s, which affords %s; a ranking needs two", Math.max(0, allowance),
                        affordable.isEmpty() ? "no backbone" : "only " + affordable.get(0))));
                continue;
            }
            if (!affordable.contains(n)) {
                add(skipped(id, Candidate.Stage.RANK, n, Map.of(), est, String.format(Locale.ROOT,
                        "plan: estimated %.0f s; the ranking may use %.0f s and %.0f s are planned", est, Math.max(0, allowance), planned)));
                continue;
            }
            planned += est;
            Candidate c = attempt(id, Candidate.Stage.RANK, n, Map.of("sample", sample), est,
                    () -> new Outcome(data.logMe(n, sample, seed, guarded(l.progress())), null, null, null));
            if (c.status() == Candidate.Status.DONE) {
                scores.put(n, c.score());
            }
        }
        clock.unbound();
        List<String> order = new ArrayList<>(scores.keySet());
        order.sort(Comparator.comparingDouble((String n) -> -scores.get(n)));
        if (order.isEmpty()) {
            l.stage("no backbone was ranked; feature extraction takes the cheapest first, " + cheapest);
        }
        return order;
    }

    // ---- 2. feature extraction

    private void featureExtraction(List<String> ranked, Map<String, Double> feCost, String cheapest) {
        l.stage("feature extraction (closed-form head) with the best-ranked backbones that fit (then the unranked, cheapest"
                + " first), at most " + FEATURE_BACKBONES);
        int runs = 0;
        for (String n : ranked) {
            if (runs == FEATURE_BACKBONES) {
                break;
            }
            double est = feCost.get(n);
            String id = "fe:" + n;
            if (planned + est > planLimit()) {
                if (runs == 0 && n.equals(cheapest)) {
                    // nothing fitted whole and this is the last resort: a first model on a subsample that fits
                    subsampledFeatureExtraction(n, est);
                    runs++;
                    continue;
                }
                add(skipped(id, Candidate.Stage.FEATURE_EXTRACTION, n, Map.of(), est, String.format(Locale.ROOT,
                        "plan: estimated %.0f s, %.0f s of the plan left", est, Math.max(0, planLimit() - planned))));
                continue;
            }
            planned += est;
            runs++;
            Path dir = candidateDir(id);
            attempt(id, Candidate.Stage.FEATURE_EXTRACTION, n, Map.of(), est,
                    () -> train(candidateRequest(n, dir).strategy(FeatureExtraction.NAME), dir, RunListener.SILENT, List.of()));
        }
    }

    /**
     * The first model when feature extraction on every training example does not fit: on a seeded, stratified
     * subsample of the training file ({@code maxTrain}) sized to {@value #SUBSAMPLE_SHARE} of what the plan has left
     * (estimates are linear in the rows kept), at least {@value #MIN_SUBSAMPLE} rows. When a separate test file's
     * features alone leave too little for that, the first model is not scored on the test file (the note says so).
     * Should the clock say even that cannot finish at the speed measured so far, the sample shrinks to what the clock
     * allows, and the note says so.
     */
    private void subsampledFeatureExtraction(String backbone, double fullEstimate) {
        String id = "fe:" + backbone;
        double room = Math.max(0, planLimit() - planned);
        double budget = SUBSAMPLE_SHARE * room;
        int fewest = Math.min(MIN_SUBSAMPLE, data.trainFileRows());
        boolean withoutTest = data.testSeconds(backbone) > 0 && subsampleSeconds(backbone, fewest, false) > budget;
        int rows = subsampleRows(backbone, budget, withoutTest);
        double est = subsampleSeconds(backbone, rows, withoutTest);
        String shrunk = "";
        if (journal.finished(id).isEmpty() && clock.refusal(est) != null) {
            rows = subsampleRows(backbone, SUBSAMPLE_SHARE * Math.max(0, clock.leftSeconds()) / clock.slowdown(), withoutTest);
            est = subsampleSeconds(backbone, rows, withoutTest);
            shrunk = "; the clock (running slower than the plan) shrank it to fit the time left";
        }
        String note = String.format(Locale.ROOT, "trained on a seeded, stratified subsample of %d of the %d training-file rows:"
                + " all of them were estimated at %.0f s, %.0f s of the plan left%s%s", rows, data.trainFileRows(), fullEstimate, room,
                withoutTest ? String.format(Locale.ROOT, "; not scored on the test file, whose features alone were estimated at %.0f s",
                        est(data.testSeconds(backbone))) : "", shrunk);
        l.stage("feature extraction with " + backbone + " on a subsample: " + note);
        planned += est;
        int maxTrain = rows;
        Path dir = candidateDir(id);
        attempt(id, Candidate.Stage.FEATURE_EXTRACTION, backbone, Map.of("max_train", maxTrain), est, () -> {
            TrainingRequest r = candidateRequest(backbone, dir).strategy(FeatureExtraction.NAME).maxTrain(maxTrain);
            Outcome o = train(withoutTest ? r.testFile(null).testFraction(0) : r, dir, RunListener.SILENT, List.of());
            return new Outcome(o.score(), o.testAccuracy(), o.modelDir(), note);
        });
    }

    /** The estimated seconds of feature extraction with {@code backbone} on {@code rows} training-file rows. */
    private double subsampleSeconds(String backbone, int rows, boolean withoutTest) {
        return est(data.featureExtractionSeconds(backbone, rows / (double) data.trainFileRows()))
                - (withoutTest ? est(data.testSeconds(backbone)) : 0);
    }

    /** The training-file rows whose feature extraction with {@code backbone} is estimated at {@code seconds}. */
    private int subsampleRows(String backbone, double seconds, boolean withoutTest) {
        int all = data.trainFileRows();
        double fixed = subsampleSeconds(backbone, 0, withoutTest);
        double perShare = subsampleSeconds(backbone, all, withoutTest) - fixed;
        double keep = perShare <= 0 ? 1 : (seconds - fixed) / perShare;
        return (int) Math.max(Math.min(MIN_SUBSAMPLE, all), Math.min(all, Math.floor(keep * all)));
    }

    // ---- 3. fine-tuning

    private void fineTuning() {
        ComparedMetric metric = data.metric();
        Optional<Candidate> fe = WinnerRule.best(candidates, Candidate.Stage.FEATURE_EXTRACTION, metric);
        if (fe.isEmpty()) {
            l.stage("fine-tuning: skipped, no feature-extraction model finished");
            return;
        }
        String backbone = fe.get().backbone();
        double est = est(data.trialSeconds(backbone, TRIAL_EPOCHS));
        String base = "ft:" + backbone;
        double need = WinnerRule.needed(metric, fe.get().score(), data.valSize(), data.trainSize());
        String rule = null;
        if (req.maxTrials == 0) {
            rule = "no trials asked for (" + Arguments.name("maxTrials") + " 0)";
        } else if (metric.higherIsBetter() && metric.unit() == 1 && 1 - fe.get().score() <= need) {
            // a bounded figure (accuracy, F1) too close to 1 for fine-tuning to gain what it must
            rule = String.format(Locale.ROOT, "feature extraction's validation %s %.4f leaves %.1f points; fine-tuning"
                    + " would need more than %.1f to win (graft compare's rule)", metric.name(), fe.get().score(),
                    100 * (1 - fe.get().score()), 100 * need);
        }
        int trials = rule != null ? 0 : (int) Math.min(req.maxTrials, Math.floor((planLimit() - planned) / est));
        if (rule == null && trials == 0) {
            rule = String.format(Locale.ROOT, "plan: a trial of %d epochs is estimated at %.0f s, %.0f s of the plan left",
                    TRIAL_EPOCHS, est, Math.max(0, planLimit() - planned));
        }
        if (rule != null) {
            l.stage("fine-tuning " + backbone + ": skipped, " + rule);
            add(skipped(base, Candidate.Stage.FINE_TUNE, backbone, Map.of(), est, rule));
            return;
        }
        l.stage(String.format(Locale.ROOT, "fine-tuning %s: %d trial(s) of %d epochs, estimated %.0f s each (defaults first,"
                + " then TPE; median pruning)", backbone, trials, TRIAL_EPOCHS, est));
        planned += trials * est;
        SearchSpace space = new SearchSpace(List.of(new SearchSpace.LogUniform("lr_backbone", 1e-5, 3e-4),
                new SearchSpace.LogUniform("lr_head", 1e-4, 1e-2)));
        Study.Settings settings = new Study.Settings(space, new DefaultsFirstSampler(Map.of("lr_backbone", 1e-4, "lr_head", 1e-3),
                new TpeSampler(2)), new MedianPruner(1, 1), seed, fingerprint + "|" + backbone + "|" + TRIAL_EPOCHS);
        try (Study study = Study.open(req.output.resolve(STUDY_DIR), settings)) {
            for (int k = 1; k <= trials; k++) {
                String next = base + ":" + (k - 1);
                if (journal.finished(next).isEmpty() && clock.refusal(est) != null) {
                    add(interrupted(next, Candidate.Stage.FINE_TUNE, backbone, est, "not started: " + clock.refusal(est)));
                    return;
                }
                study.optimize(k, (number, params, reporter) -> trial(base + ":" + number, backbone, params, est, reporter),
                        log -> objective(epochFigure(log)), new Study.Events() { });
                int number = k - 1;
                String id = base + ":" + number;
                if (candidates.stream().noneMatch(c -> c.id().equals(id))) {
                    // the study had finished this trial in an earlier process, so it was not run again
                    Optional<Candidate> recorded = journal.finished(id);
                    if (recorded.isPresent()) {
                        candidates.add(recorded.get());
                        l.candidate(recorded.get(), true);
                    } else {
                        Trial t = study.trials().stream().filter(x -> x.number() == number).findFirst().orElseThrow();
                        add(new Candidate(id, Candidate.Stage.FINE_TUNE, backbone, t.params(), est, t.seconds(),
                                Candidate.Status.FAILED, null, null, "stopped in an earlier run before it was journaled", null));
                    }
                }
            }
        }
    }

    /** One trial, as the study's objective: its validation figure (negated when lower is better), or the pruner's or the clock's stop. */
    private double trial(String id, String backbone, Map<String, Object> params, double est, TrainingListener reporter) {
        Path dir = candidateDir(id);
        double lrBackbone = ((Number) params.get("lr_backbone")).doubleValue();
        double lrHead = ((Number) params.get("lr_head")).doubleValue();
        Candidate c = attempt(id, Candidate.Stage.FINE_TUNE, backbone, params, est, () -> {
            discardCheckpoint(dir);
            return train(candidateRequest(backbone, dir).strategy(FineTuning.NAME).epochs(TRIAL_EPOCHS).lrBackbone(lrBackbone)
                    .learningRate(lrHead), dir, RunListener.SILENT, List.of(reporter));
        });
        return switch (c.status()) {
            case DONE -> objective(c.score());
            case PRUNED -> throw new TrialPruned(prunedEpoch(c));
            default -> throw new IllegalStateException(c.note());
        };
    }

    /** The study maximises: the compared figure, or its negative when lower is better (RMSE). */
    private double objective(double figure) {
        return data.metric().higherIsBetter() ? figure : -figure;
    }

    /** The compared figure of an epoch's validation. */
    private double epochFigure(EpochLog log) {
        String name = data.metric().name();
        if (name.equals(ComparedMetric.ACCURACY.name())) {
            return log.valAccuracy();
        }
        Double v = log.valMetrics().get(name);
        return v == null ? Double.NaN : v;
    }

    private static int prunedEpoch(Candidate c) {
        Object e = c.settings().get("pruned_after_epoch");
        return e instanceof Number n ? n.intValue() : 1;
    }

    /** A checkpoint a killed trial left beside its model directory: Graft's own files, removed so the trial starts over. */
    private static void discardCheckpoint(Path dir) {
        Path checkpoint = dir.resolveSibling(dir.getFileName() + ".checkpoint");
        if (OwnedDirectory.isOwned(checkpoint, Checkpointing.KIND)) {
            Checkpointing.discard(checkpoint);
        }
    }

    // ---- candidates

    /** What a candidate's body returns. */
    private record Outcome(Double score, Double testAccuracy, String modelDir, String note) {
    }

    @FunctionalInterface
    private interface Body {
        Outcome run() throws Exception;
    }

    private Path candidateDir(String id) {
        return req.output.resolve(CANDIDATES_DIR).resolve(id.replace(':', '-'));
    }

    private TrainingRequest candidateRequest(String backbone, Path dir) {
        TrainingRequest r = req.dataRequest().model(backbone).output(dir).baselines(false).tracking(RunTracking.off())
                .commandLine(req.commandLine);
        return images ? r.imageSize(req.imageSize) : r;
    }

    /** Trains one model candidate, stopping at the time limit; its validation and test figure (the task's compared one). */
    private Outcome train(TrainingRequest r, Path dir, RunListener base, List<TrainingListener> epochs) throws IOException {
        List<TrainingListener> all = new ArrayList<>(epochs);
        all.add(new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, double loss) {
                clock.check();
            }
        });
        RunListener listener = new RunListener() {
            @Override
            public Progress progress() {
                return guarded(l.progress());
            }

            @Override
            public List<TrainingListener> epochs() {
                return all;
            }

            @Override
            public void message(String line) {
                base.message(line);
            }
        };
        try (TrainingResult result = TrainingRun.run(r, listener)) {
            Double test = result.outcome().test().map(this::figure).orElse(null);
            return new Outcome(figure(result.outcome().validation()), test, req.output.relativize(dir).toString(), null);
        }
    }

    private double figure(TaskMetrics m) {
        double v = m.value(data.metric().name());
        if (Double.isNaN(v)) {
            throw new IllegalStateException("the run did not report " + data.metric().name() + ": " + m.values().keySet());
        }
        return v;
    }

    /** {@code p}, stopping the step when the time limit is reached. */
    private Progress guarded(Progress p) {
        return new Progress() {
            @Override
            public void start(String task, long total) {
                clock.check();
                p.start(task, total);
            }

            @Override
            public void step(long n) {
                clock.check();
                p.step(n);
            }

            @Override
            public void done() {
                p.done();
            }

            @Override
            public void message(String text) {
                p.message(text);
            }
        };
    }

    /** Runs a candidate unless the journal has it or the clock refuses it; records how it ended. */
    private Candidate attempt(String id, Candidate.Stage stage, String backbone, Map<String, Object> settings, double est, Body body) {
        Optional<Candidate> done = journal.finished(id);
        if (done.isPresent()) {
            candidates.add(done.get());
            l.candidate(done.get(), true);
            return done.get();
        }
        String refusal = clock.refusal(est);
        if (refusal != null) {
            return add(interrupted(id, stage, backbone, est, "not started: " + refusal));
        }
        long t0 = System.nanoTime();
        Candidate.Status status;
        Outcome o = null;
        String note = null;
        Map<String, Object> recorded = new LinkedHashMap<>(settings);
        try {
            o = body.run();
            status = Candidate.Status.DONE;
            note = o.note();
        } catch (Exception e) {
            Throwable cause = rootOf(e);
            if (cause instanceof Deadline.TimeLimitReached t) {
                status = Candidate.Status.INTERRUPTED;
                note = t.getMessage();
            } else if (cause instanceof TrialPruned p) {
                status = Candidate.Status.PRUNED;
                note = "pruned after epoch " + p.epoch() + ": below the median of the trials before it";
                recorded.put("pruned_after_epoch", p.epoch());
            } else {
                status = Candidate.Status.FAILED;
                note = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (status != Candidate.Status.INTERRUPTED) {
            clock.ran(est, seconds);
        }
        Candidate c = new Candidate(id, stage, backbone, recorded, est, seconds, status, o == null ? null : o.score(),
                o == null ? null : o.testAccuracy(), note, o == null ? null : o.modelDir());
        return add(c);
    }

    /** The time-limit stop or pruning inside {@code e}'s causes, else {@code e}. */
    private static Throwable rootOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Deadline.TimeLimitReached || t instanceof TrialPruned) {
                return t;
            }
        }
        return e;
    }

    private Candidate add(Candidate c) {
        candidates.add(c);
        journal.record(c);
        l.candidate(c, false);
        return c;
    }

    private Candidate skipped(String id, Candidate.Stage stage, String backbone, Map<String, Object> settings, double est, String note) {
        return journal.finished(id).orElse(new Candidate(id, stage, backbone, settings, est, 0, Candidate.Status.SKIPPED, null, null,
                note, null));
    }

    private static Candidate interrupted(String id, Candidate.Stage stage, String backbone, double est, String note) {
        return new Candidate(id, stage, backbone, Map.of(), est, 0, Candidate.Status.INTERRUPTED, null, null, note, null);
    }

    // ---- 4. greedy soup of the trials

    /** With two or more finished trials, their greedy soup: a model candidate only when it beats the best trial alone. */
    private void soup() {
        List<Candidate> trials = candidates.stream().filter(c -> c.isModel() && c.stage() == Candidate.Stage.FINE_TUNE).toList();
        if (trials.size() < 2) {
            return;
        }
        String backbone = trials.get(0).backbone();
        String id = "soup:" + backbone + ":" + String.join("+", trials.stream().map(c -> c.id().substring(c.id().lastIndexOf(':') + 1)).toList());
        double est = (2 * trials.size() - 1) * data.scoreSeconds(backbone, false) + data.scoreSeconds(backbone, true);
        l.stage(String.format(Locale.ROOT, "greedy soup of %d fine-tuning trials: weights averaged best first, kept only if"
                + " validation %s improves (estimated %.0f s)", trials.size(), data.metric().name(), est));
        Path dir = candidateDir(id);
        attempt(id, Candidate.Stage.SOUP, backbone, Map.of("trials", trials.size()), est, () -> {
            List<GreedySoup.Ingredient> ingredients = trials.stream()
                    .map(c -> new GreedySoup.Ingredient(c.id(), req.output.resolve(c.modelDir()))).toList();
            GreedySoup.Result r = GreedySoup.brew(ingredients, data.metric(),
                    m -> data.score(m, false, guarded(l.progress())).validation(), dir);
            if (!r.kept()) {
                return new Outcome(r.members().size() > 1 ? r.soupScore() : null, null, null, r.reason());
            }
            return new Outcome(r.soupScore(), data.score(dir, true, guarded(l.progress())).test(), req.output.relativize(dir).toString(),
                    r.reason());
        });
    }

    // ---- winner

    private AutoResult finish() throws IOException {
        WinnerRule rule = WinnerRule.of(candidates, data.valSize(), data.trainSize(), data.metric());
        Path source = req.output.resolve(rule.winner().modelDir());
        Path model = req.output.resolve(MODEL_DIR);
        OwnedDirectory.write(model, ModelDirectory.KIND, staging -> copyModel(source, staging));
        Path report = req.output.resolve(AutoReport.FILE);
        double seconds = clock.elapsedSeconds();
        AutoResult result = new AutoResult(req.output, model, report, rule.winner(), List.copyOf(candidates), rule.reasons(), planned, seconds,
                calibration, data.metric());
        AutoReport.write(report, AutoReports.of(result, data.modality() + " " + data.task().key(), clock.limitSeconds(), data.trainSize(), data.valSize()));
        return result;
    }

    /** Copies the files of a saved model (not its ownership marker: the copy gets its own). */
    private static void copyModel(Path source, Path staging) throws IOException {
        try (var files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path rel = source.relativize(p);
                if (rel.toString().isEmpty() || rel.toString().equals(OwnedDirectory.MARKER)) {
                    continue;
                }
                Path target = staging.resolve(rel.toString());
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
