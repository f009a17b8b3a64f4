package dev.graft.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.TaskKind;
import dev.graft.data.tokens.EncodedSentence;
import dev.graft.data.tokens.SubwordLabels;
import dev.graft.data.tokens.SubwordTokenizer;
import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TagScheme;
import dev.graft.data.tokens.TagSet;
import dev.graft.data.tokens.TokenClassificationEncoder;
import dev.graft.data.tokens.WordSequence;
import dev.graft.model.head.CrfLayer;
import dev.graft.model.text.TextModels;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A token task with a CRF: the scheme's forbidden moves, Viterbi word tags, and the CRF kept in the task's settings. */
class TokenTaskCrfTest {

    private static final TagSet TAGS = new TagSet(Tag.parseAll(List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC")));

    @Test
    void iob2ForbidsAnInsideTagAfterOutsideOrAnotherType() {
        CrfLayer crf = new TokenTask(TAGS, TagScheme.IOB2, 8).initialCrf(true);
        float[][] t = crf.transitions();
        assertEquals(CrfLayer.FORBIDDEN, t[0][2], "O → I-PER");
        assertEquals(CrfLayer.FORBIDDEN, t[3][2], "B-LOC → I-PER");
        assertEquals(CrfLayer.FORBIDDEN, t[4][2], "I-LOC → I-PER");
        assertEquals(0f, t[1][2], "B-PER → I-PER");
        assertEquals(0f, t[2][2], "I-PER → I-PER");
        assertEquals(0f, t[2][3], "I-PER → B-LOC");
        assertEquals(CrfLayer.FORBIDDEN, crf.start()[4], "I-LOC first");
        assertArrayEquals(new float[5], crf.end());
        for (float[] row : new TokenTask(TAGS, TagScheme.IOB2, 8).initialCrf(false).transitions()) {
            assertArrayEquals(new float[5], row);
        }
    }

    @Test
    void bioesForbidsLeavingAnEntityOpen() {
        TagSet bioes = new TagSet(Tag.parseAll(List.of("O", "B-PER", "I-PER", "E-PER", "S-PER")));
        CrfLayer crf = new TokenTask(bioes, TagScheme.BIOES, 8).initialCrf(true);
        float[][] t = crf.transitions();
        assertEquals(CrfLayer.FORBIDDEN, t[1][0], "B-PER → O");
        assertEquals(0f, t[1][3], "B-PER → E-PER");
        assertEquals(CrfLayer.FORBIDDEN, t[3][3], "E-PER → E-PER");
        assertEquals(0f, t[3][4], "E-PER → S-PER");
        assertEquals(CrfLayer.FORBIDDEN, crf.end()[1], "B-PER last");
        assertEquals(0f, crf.end()[3], "E-PER last");
    }

    /**
     * Probabilities whose per-word argmax reads "O I-PER I-PER" (an entity the strict scheme would not write); the
     * constrained CRF's Viterbi path turns the first I-PER into the B-PER that was nearly as probable.
     */
    @Test
    void viterbiWordTagsRepairWhatArgmaxGetsWrongAndTheCrfIsKeptInTheSettings() {
        TokenTask plain = new TokenTask(TAGS, TagScheme.IOB2, 8);
        try (SubwordTokenizer tokenizer = SubwordTokenizer.open(TextModels.resolve("minilm").tokenizerFile())) {
            TokenClassificationEncoder encoder = new TokenClassificationEncoder(tokenizer, TAGS, TagScheme.IOB2, 32, 8,
                    SubwordLabels.FIRST);
            List<Tag> gold = Tag.parseAll(List.of("O", "B-PER", "I-PER"));
            EncodedSentence s = encoder.encode(0, WordSequence.joined(List.of("met", "emma", "walker")), gold);
            Targets.Tokens windows = Targets.Tokens.of(List.of(s), List.of(gold));
            int length = s.features().get(0).input().length();
            float[] row = new float[length * TAGS.size()];
            for (int p = 0; p < length; p++) {
                row[p * TAGS.size()] = 1; // O everywhere but at the words below
            }
            List<int[]> positions = s.wordPositions();
            set(row, positions.get(1)[1], 0.05f, 0.4f, 0.45f, 0.05f, 0.05f);
            set(row, positions.get(2)[1], 0.05f, 0.05f, 0.8f, 0.05f, 0.05f);
            float[][] activated = {row};
            assertEquals(Tag.parseAll(List.of("O", "I-PER", "I-PER")), plain.wordTags(activated, windows).get(0));
            TokenTask crf = plain.withCrf(plain.initialCrf(true));
            assertEquals(gold, crf.wordTags(activated, windows).get(0));

            TokenTask.CrfSequences seqs = plain.crfSequences(activated, windows);
            assertEquals(1, seqs.emissions().size());
            assertArrayEquals(new int[] {0, 1, 2}, seqs.tags().get(0));
            assertEquals(Math.log(0.45f), seqs.emissions().get(0)[1][2], 1e-5);

            Map<String, Object> settings = crf.settings();
            TokenTask restored = (TokenTask) Tasks.restore(TaskKind.TOKEN_CLASSIFICATION, TAGS.names(), settings);
            assertTrue(restored.crf().isPresent());
            assertEquals(Arrays.deepToString(crf.crf().get().transitions()),
                    Arrays.deepToString(restored.crf().get().transitions()));
            assertEquals(gold, restored.wordTags(activated, windows).get(0));
            assertTrue(((TokenTask) Tasks.restore(TaskKind.TOKEN_CLASSIFICATION, TAGS.names(), plain.settings())).crf().isEmpty());
        }
    }

    @Test
    void aMalformedSavedCrfIsRefused() {
        Map<String, Object> settings = new java.util.LinkedHashMap<>(new TokenTask(TAGS, TagScheme.IOB2, 8).settings());
        settings.put("crf", Map.of("transitions", List.of(List.of(0, 0)), "start", List.of(0), "end", List.of(0)));
        assertThrows(IllegalArgumentException.class,
                () -> Tasks.restore(TaskKind.TOKEN_CLASSIFICATION, TAGS.names(), settings));
        settings.put("crf", "yes");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tasks.restore(TaskKind.TOKEN_CLASSIFICATION, TAGS.names(), settings));
        assertTrue(e.getMessage().contains("crf"), e.getMessage());
    }

    private static void set(float[] row, int position, float... probabilities) {
        System.arraycopy(probabilities, 0, row, position * probabilities.length, probabilities.length);
    }
}
