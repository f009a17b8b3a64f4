package dev.graft.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.model.bert.BertConfig;
import dev.graft.model.hub.MavenDownloads;
import dev.graft.model.hub.MavenSettings;
import dev.graft.util.Progress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bge-small and e5-small, installed from their jars in the local Maven repository (skipped when neither the jar nor an
 * installation is there): Graft's Java BERT module, built from the ONNX initializers as fine-tuning builds it, gives the
 * sentence vectors ONNX Runtime gives, with each model's own pooling, up to 1e-4; the texts include one of over 300
 * tokens, beyond MiniLM's 128, so positions up to there are checked too.
 */
class DownloadableBackboneEquivalenceTest {

    private static final List<String> SENTENCES = List.of(
            "The battery lasts two days and the screen is bright enough to read outdoors.",
            "Terrible.",
            "I returned the kettle after a week: the lid never closed properly and it leaked onto the counter.",
            "Does this edition include the maps that were in the hardcover?",
            "This is the third book in the series and, frankly, the weakest; the plot wanders, the villain is a cardboard"
                    + " cut-out and the ending is rushed. I still read it in two evenings, because the dialogue is as sharp as"
                    + " ever and the two leads are worth the price on their own. The first half spends far too long on a"
                    + " subplot about a missing ledger that goes nowhere, and several chapters repeat what we already learned"
                    + " in the second book. When the story finally returns to the city, the pace picks up: the chase across"
                    + " the rooftops is the best set piece the author has written, and the quiet scene on the train afterwards"
                    + " is genuinely moving. Readers new to the series should start with the first book; fans will want this"
                    + " one anyway, but should lower their expectations and skim the middle. I would give it three stars out of"
                    + " five, perhaps three and a half for the last hundred pages, which almost make up for what came before."
                    + " A word on the edition itself: the paperback is printed on thin, greyish paper, the type is small, and"
                    + " my copy had two pages bound upside down, which the seller replaced without fuss. The audiobook, read by"
                    + " the same narrator as before, is the better way to enjoy it; she gives every minor character a voice of"
                    + " their own and makes even the slow middle bearable on a long drive. If the publisher reissues the series"
                    + " in one volume, I will happily buy it again, but not before they fix the maps, which are still missing"
                    + " the northern districts where half of the final act takes place.");

    @ParameterizedTest
    @ValueSource(strings = {"bge-small", "e5-small"})
    void javaModuleFromTheOnnxInitializersMatchesOnnxRuntime(String name) throws java.io.IOException {
        DownloadableTextModel model = DownloadableTextModels.named(name).orElseThrow();
        MavenSettings offline = MavenSettings.fromEnvironment().withOffline(true);
        assumeTrue(DownloadableTextModels.installed(model).isPresent()
                        || new MavenDownloads(offline).local(model.jar(), Progress.NONE).isPresent(),
                model.jar().coordinates() + " is not in the local Maven repository");
        TextModelSpec spec = DownloadableTextModels.resolve(model, offline, Progress.NONE);
        assertEquals(model.pooling(), spec.pooling());
        assertEquals(512, spec.maxLength());

        float[][] ort;
        float[][] java;
        int longest;
        try (OnnxTextEncoder encoder = OnnxTextEncoder.open(spec, 2, 8)) {
            longest = encoder.tokenizer().tokenize(SENTENCES).stream().mapToInt(t -> t.ids().length).max().orElseThrow();
            ort = encoder.encode(SENTENCES, Progress.NONE);
        }
        try (DjlTextEncoder encoder = DjlTextEncoder.open(spec, 8)) {
            BertConfig config = encoder.model().config();
            assertEquals(12, config.numLayers());
            assertEquals(384, config.hiddenSize());
            assertEquals(512, config.maxPositions());
            long parameters = encoder.model().namedParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            assertEquals(33_212_160L, parameters, "the encoder of bge-small and e5-small without the pooler");
            java = encoder.encode(SENTENCES, Progress.NONE);
        }
        assertTrue(longest > 300, "the long text has " + longest + " tokens");
        double max = 0;
        for (int i = 0; i < ort.length; i++) {
            assertEquals(384, ort[i].length);
            for (int d = 0; d < ort[i].length; d++) {
                max = Math.max(max, Math.abs(ort[i][d] - java[i][d]));
            }
        }
        System.out.printf("%s: max |ONNX Runtime - Java BERT| over %d texts (up to %d tokens) x 384 = %.3g%n", name, ort.length,
                longest, max);
        assertTrue(max <= 1e-4, name + ": max abs difference " + max);
    }
}
