package dev.graft.strategy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertModel;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What fine-tuning an encoder with a per-token head shares, for token tagging and span extraction alike: the trainable
 * encoder and a fresh head in one manager, the tokenizer open while training, and the manager closed when the run fails
 * (on success the trained model owns it).
 */
final class PerTokenFineTune {

    /** The trainable encoder (in {@code config}'s precision) and an initialised head of {@code outputs} outputs. */
    record Parts(BertModel encoder, ClassifierHead head, TextTokenizer tokenizer, NDManager manager) {
    }

    /** The training, given the parts; it may throw an {@link IOException} while reading. */
    interface Body<T> {
        T train(Parts parts) throws IOException;
    }

    private PerTokenFineTune() {
    }

    /** Opens the encoder, head and tokenizer of {@code backbone} and runs {@code body} with them. */
    static <T> T run(TextModelSpec backbone, FineTuneConfig config, int outputs, Body<T> body) {
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        try (TextTokenizer tokenizer = TextTokenizer.open(backbone.tokenizerFile(), backbone.maxLength())) {
            BertModel encoder = backbone.hasOnnx() ? BertBackbone.fromOnnx(backbone.onnxFile(), manager, (float) config.dropout())
                    : BertBackbone.fromDirectory(backbone.directory(), manager, (float) config.dropout());
            encoder.setPrecision(config.precision());
            ClassifierHead head = new ClassifierHead(new HeadConfig(encoder.config().hiddenSize(), outputs,
                    config.hiddenUnits(), config.dropout()));
            head.initialize(manager);
            return body.train(new Parts(encoder, head, tokenizer, manager));
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException("Cannot open the tokenizer of " + backbone.id() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
