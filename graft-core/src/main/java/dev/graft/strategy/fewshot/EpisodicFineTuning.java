package dev.graft.strategy.fewshot;

import ai.djl.Device;
import dev.graft.util.Arguments;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.model.Scalars;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertModel;
import dev.graft.model.text.DjlTextEncoder;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextTokenizer;
import dev.graft.model.text.TokenBatch;
import dev.graft.model.text.TokenizedText;
import dev.graft.model.text.TransformerClassifier;
import dev.graft.model.torch.FreshGradients;
import dev.graft.training.Learner;
import dev.graft.training.optim.AdamW;
import dev.graft.training.optim.GroupedOptimizer;
import dev.graft.training.optim.ParamGroup;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Episodic fine-tuning of a text encoder for few-shot classification (prototypical networks, Snell et al. 2017): each
 * step samples an N-way K-shot episode from labelled meta-training texts, embeds support and queries with the
 * trainable encoder (dropout on), takes each class's mean support embedding as its prototype, scores queries by scaled
 * cosine similarity to the prototypes and minimises their cross-entropy. The encoder learns an embedding in which
 * classes it has never seen form tight clusters; the classes it is later evaluated on must not be among the
 * meta-training ones (the caller checks).
 *
 * <p>AdamW with weight decay {@value #WEIGHT_DECAY} (none on biases and norms), constant learning rate after a linear
 * warm-up over the first {@value #WARMUP_FRACTION} of the episodes. Same texts, labels, settings and seed give the same
 * encoder on the same machine.
 */
public final class EpisodicFineTuning {

    /** Decoupled weight decay of the encoder's weight matrices. */
    public static final double WEIGHT_DECAY = 0.01;
    /** Share of the episodes over which the learning rate rises linearly from 0. */
    public static final double WARMUP_FRACTION = 0.1;
    /** Cosine similarities are multiplied by this before the softmax (a temperature of 0.1). */
    public static final float SCALE = 10f;

    /**
     * The settings of a run.
     *
     * @param episode      way, shot, queries per class, number of episodes (training steps) and seed
     * @param learningRate peak AdamW learning rate
     * @param maxLength    tokens per text, at most the model's
     */
    public record Config(EpisodeSpec episode, double learningRate, int maxLength) {

        /** Validates the fields. */
        public Config {
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("the meta-training learning rate must be positive, got " + learningRate);
            }
            if (maxLength < 2) {
                throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
            }
        }
    }

    /**
     * What a run produced.
     *
     * @param encoder     the fine-tuned encoder (inference mode when encoding); close it
     * @param losses      the query loss of every episode, in order
     */
    public record Result(DjlTextEncoder encoder, double[] losses) implements AutoCloseable {

        /** Mean loss of the first {@code n} episodes. */
        public double meanFirst(int n) {
            return mean(0, Math.min(n, losses.length));
        }

        /** Mean loss of the last {@code n} episodes. */
        public double meanLast(int n) {
            return mean(Math.max(0, losses.length - n), losses.length);
        }

        private double mean(int from, int to) {
            double s = 0;
            for (int i = from; i < to; i++) {
                s += losses[i];
            }
            return to > from ? s / (to - from) : Double.NaN;
        }

        @Override
        public void close() {
            encoder.close();
        }
    }

    private EpisodicFineTuning() {
    }

    /**
     * Fine-tunes {@code spec}'s encoder on episodes drawn from {@code texts} with class ids {@code labels}.
     *
     * @throws IllegalArgumentException when fewer than {@code way} classes have {@code shot + queries} examples
     */
    public static Result train(TextModelSpec spec, List<String> texts, int[] labels, Config config, Progress progress) {
        EpisodeSpec e = config.episode();
        List<List<Integer>> byClass = eligibleClasses(labels, e.shot() + e.queries());
        if (byClass.size() < e.way()) {
            throw new IllegalArgumentException("episodic training needs at least " + e.way() + " classes with " + (e.shot() + e.queries())
                    + " examples each (" + Arguments.name("way") + ", " + Arguments.name("metaShot") + " + " + Arguments.name("metaQueries") + "); the meta-training data has " + byClass.size());
        }
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        try {
            Engine.getInstance().setRandomSeed((int) e.seed()); // dropout masks
            BertModel model = spec.hasOnnx() ? BertBackbone.fromOnnx(spec.onnxFile(), manager, BertModel.DEFAULT_DROPOUT)
                    : BertBackbone.fromDirectory(spec.directory(), manager, BertModel.DEFAULT_DROPOUT);
            List<TokenizedText> tokens;
            long padId;
            try (TextTokenizer tokenizer = TextTokenizer.open(spec.tokenizerFile(), Math.min(config.maxLength(), spec.maxLength()))) {
                tokens = tokenizer.tokenize(texts);
                padId = tokenizer.padId();
            }
            double[] losses = fit(model, spec, tokens, padId, byClass, config, manager, progress);
            DjlTextEncoder encoder = DjlTextEncoder.own(spec, model, manager, 32);
            return new Result(encoder, losses);
        } catch (IOException ex) {
            manager.close();
            throw new UncheckedIOException("Cannot open the tokenizer of " + spec.id() + ": " + ex.getMessage(), ex);
        } catch (RuntimeException ex) {
            manager.close();
            throw ex;
        }
    }

    private static double[] fit(BertModel model, TextModelSpec spec, List<TokenizedText> tokens, long padId, List<List<Integer>> byClass,
                                Config config, NDManager manager, Progress progress) {
        EpisodeSpec e = config.episode();
        Map<String, Parameter> params = model.namedParameters();
        List<String> decay = new ArrayList<>();
        List<String> noDecay = new ArrayList<>();
        params.keySet().forEach(n -> (ParamGroup.isNoDecay(n) ? noDecay : decay).add(n));
        NDManager state = manager.newSubManager();
        GroupedOptimizer optimizer = AdamW.of(params, List.of(new ParamGroup("decay", decay, 1, WEIGHT_DECAY),
                new ParamGroup("no_decay", noDecay, 1, 0)), state);
        Random rng = new Random(e.seed());
        int warmup = Math.max(1, (int) Math.round(WARMUP_FRACTION * e.episodes()));
        double[] losses = new double[e.episodes()];
        progress.start("Episodic fine-tuning of " + spec.id(), e.episodes());
        for (int step = 0; step < e.episodes(); step++) {
            List<Integer> chosen = episode(byClass, e, rng);
            try (NDManager sub = manager.newSubManager()) {
                List<TokenizedText> batch = chosen.stream().map(tokens::get).toList();
                TokenBatch b = TokenBatch.pad(batch, padId);
                Shape shape = new Shape(b.size(), b.length());
                NDList in = new NDList(sub.create(b.inputIds(), shape), sub.create(b.attentionMask(), shape),
                        sub.create(b.tokenTypeIds(), shape));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray hidden = model.forward(new ParameterStore(sub, false), in, true).singletonOrThrow();
                    NDArray emb = TransformerClassifier.pool(hidden, in.get(1), spec.pooling());
                    NDArray loss = prototypicalLoss(emb, e.way(), e.shot(), e.queries(), sub);
                    FreshGradients.backwardTrainable(loss, params.values());
                    losses[step] = loss.getFloat();
                }
            }
            optimizer.step(config.learningRate() * Math.min(1.0, (step + 1) / (double) warmup));
            progress.step(1);
        }
        progress.done();
        return losses;
    }

    /**
     * Cross-entropy of the queries against the prototypes, for embeddings laid out class by class: for each of the
     * {@code way} classes, {@code shot} support rows, then for each class {@code queries} query rows.
     */
    static NDArray prototypicalLoss(NDArray emb, int way, int shot, int queries, NDManager manager) {
        long dim = emb.getShape().get(1);
        NDArray support = emb.get("0:" + way * shot).reshape(way, shot, dim).mean(new int[] {1});
        NDArray query = emb.get(way * shot + ":");
        NDArray p = support.div(support.norm(new int[] {1}, true));
        NDArray q = query.div(query.norm(new int[] {1}, true));
        NDArray logits = Scalars.mul(q.matMul(p.transpose()), SCALE);
        long[] target = new long[way * queries];
        for (int i = 0; i < target.length; i++) {
            target[i] = i / queries;
        }
        return Learner.crossEntropy(logits, manager.create(target));
    }

    /** Indices of one episode: {@code way} random classes; per class {@code shot} support, then all queries. */
    private static List<Integer> episode(List<List<Integer>> byClass, EpisodeSpec e, Random rng) {
        List<Integer> classes = new ArrayList<>();
        for (int c = 0; c < byClass.size(); c++) {
            classes.add(c);
        }
        Collections.shuffle(classes, rng);
        List<Integer> support = new ArrayList<>();
        List<Integer> query = new ArrayList<>();
        for (int c : classes.subList(0, e.way())) {
            List<Integer> members = new ArrayList<>(byClass.get(c));
            Collections.shuffle(members, rng);
            support.addAll(members.subList(0, e.shot()));
            query.addAll(members.subList(e.shot(), e.shot() + e.queries()));
        }
        support.addAll(query);
        return support;
    }

    /** Example indices per class, for the classes with at least {@code needed} examples. */
    private static List<List<Integer>> eligibleClasses(int[] labels, int needed) {
        int classes = 0;
        for (int y : labels) {
            classes = Math.max(classes, y + 1);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        byClass.removeIf(members -> members.size() < needed);
        return byClass;
    }
}
