package dev.graft.training;

import ai.djl.ndarray.NDManager;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.bert.BertModel;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.text.Pooling;
import dev.graft.model.text.TokenizedText;
import dev.graft.model.text.TransformerClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A tiny BERT classifier and a token-level task it can learn: the class is which marker token occurs. */
final class TinyTextTask {

    static final BertConfig CONFIG = new BertConfig(40, 16, 3, 2, 32, 64, 2, 1e-12);

    private TinyTextTask() {
    }

    static TransformerClassifier model(NDManager manager, long seed) {
        Learner.seed(seed);
        BertModel encoder = new BertModel(CONFIG, 0.1f);
        encoder.initialize(manager);
        ClassifierHead head = new ClassifierHead(new HeadConfig(16, 3, 0, 0.1));
        head.initialize(manager);
        return new TransformerClassifier(encoder, Pooling.MEAN, head);
    }

    /** Texts of 4–20 random tokens (ids 5..39) with a marker token 1, 2 or 3 = the class. */
    static TokenBatches data(int n, long seed) {
        Random r = new Random(seed);
        List<TokenizedText> texts = new ArrayList<>();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int len = 4 + r.nextInt(17);
            long[] ids = new long[len];
            for (int t = 0; t < len; t++) {
                ids[t] = 5 + r.nextInt(35);
            }
            labels[i] = i % 3;
            ids[1 + r.nextInt(len - 1)] = 1 + labels[i];
            texts.add(new TokenizedText(ids, new long[len]));
        }
        return TokenBatches.bucketed(texts, labels, 0);
    }
}
