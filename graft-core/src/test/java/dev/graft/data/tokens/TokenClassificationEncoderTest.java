package dev.graft.data.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.model.text.TextTokenizer;
import dev.graft.model.text.TokenizedText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sub-word alignment, windows and mapping back, with the bundled MiniLM tokenizer. */
class TokenClassificationEncoderTest {

    private static final Path CONLL_DEV = Path.of("../../shared/data/text/conll2003/dev.txt");
    private static SubwordTokenizer tokenizer;
    private static TextModelSpec minilm;

    @BeforeAll
    static void open() {
        minilm = TextModels.resolve("minilm");
        tokenizer = SubwordTokenizer.open(minilm.tokenizerFile());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static List<Tag> tags(String spaced) {
        return Tag.parseAll(Arrays.asList(spaced.split(" ")));
    }

    @Test
    void windowsCoverEveryTokenWithTheStrideAsOverlap() {
        assertEquals(List.of(new TokenWindows.Window(0, 5)), TokenWindows.plan(5, 8, 3));
        List<TokenWindows.Window> w = TokenWindows.plan(20, 8, 3);
        assertEquals(List.of(new TokenWindows.Window(0, 8), new TokenWindows.Window(5, 13),
                new TokenWindows.Window(10, 18), new TokenWindows.Window(15, 20)), w);
        assertEquals(0, TokenWindows.mostContext(w, 2));
        assertEquals(1, TokenWindows.mostContext(w, 7), "7 is at the edge of window 0, two in from window 1's start");
        assertEquals(3, TokenWindows.mostContext(w, 19));
        assertThrows(IllegalArgumentException.class, () -> TokenWindows.plan(10, 4, 4));
    }

    @Test
    void templateFramesAsTheTokenizerDoes() throws Exception {
        SequenceTemplate t = tokenizer.template();
        try (TextTokenizer own = TextTokenizer.open(minilm.tokenizerFile(), 512)) {
            String a = "Who won Super Bowl 50?";
            String b = "The Denver Broncos defeated the Carolina Panthers.";
            TokenizedText single = own.tokenize(List.of(b)).get(0);
            Subwords sb = tokenizer.ofText(b);
            SequenceTemplate.Input in = t.single(sb, 0, sb.size());
            assertArrayEquals(single.ids(), in.ids());
            TokenizedText pair = own.tokenize(List.of(a), List.of(b)).get(0);
            SequenceTemplate.Input p = t.pair(tokenizer.ids(a), sb, 0, sb.size());
            assertArrayEquals(pair.ids(), p.ids());
            assertArrayEquals(pair.typeIds(), p.typeIds());
        }
    }

    @Test
    void offsetsAreUtf16IndicesOfTheText() {
        WordSequence words = WordSequence.joined(List.of("Zürich", "😀", "Schwarzenegger's", "naïve"));
        Subwords sub = tokenizer.ofWords(words);
        StringBuilder rebuilt = new StringBuilder();
        for (int t = 0; t < sub.size(); t++) {
            String piece = words.text().substring(sub.starts()[t], sub.ends()[t]);
            assertTrue(words.word(sub.words()[t]).contains(piece), piece);
            rebuilt.append(piece);
        }
        assertEquals("Zürich😀Schwarzenegger'snaïve", rebuilt.toString(), "the pieces tile the words, emoji included");
        String text = "café 😀 naïve";
        Subwords plain = tokenizer.ofText(text);
        assertEquals("naïve", text.substring(plain.starts()[plain.size() - 1], plain.ends()[plain.size() - 1]));
    }

    @Test
    void labelsGoToFirstOrAllSubTokensAndComeBack() {
        WordSequence words = WordSequence.joined(List.of("Schwarzenegger", "visited", "Kuala", "Lumpur", "\u200b", "."));
        List<Tag> gold = tags("B-PER O B-LOC I-LOC O O");
        TagSet set = new TagSet(tags("O B-PER I-PER B-LOC I-LOC"));
        TokenClassificationEncoder first = new TokenClassificationEncoder(tokenizer, set, TagScheme.IOB2, 32, 4,
                SubwordLabels.FIRST);
        EncodedSentence enc = first.encode(0, words, gold);
        assertEquals(1, enc.features().size());
        assertEquals(1, enc.wordsWithoutTokens(), "the zero-width space has no token");
        TokenFeature f = enc.features().get(0);
        int[] firstTokens = enc.subwords().firstTokenOfWords(words.size());
        List<String> labelled = new ArrayList<>();
        for (int p = 0; p < f.labels().length; p++) {
            int t = f.input().contentTokens()[p];
            boolean isFirst = t >= 0 && firstTokens[enc.subwords().words()[t]] == t;
            assertEquals(isFirst, f.labels()[p] != TokenFeature.IGNORE, "position " + p);
            if (isFirst) {
                labelled.add(set.tag(f.labels()[p]).toString());
            }
        }
        assertEquals(List.of("B-PER", "O", "B-LOC", "I-LOC", "O"), labelled);
        assertTrue(enc.subwords().size() > words.size() - 1, "Schwarzenegger is split: " + enc.subwords().size());

        TokenClassificationEncoder all = new TokenClassificationEncoder(tokenizer, set, TagScheme.IOB2, 32, 4,
                SubwordLabels.ALL);
        TokenFeature g = all.encode(0, words, gold).features().get(0);
        List<String> perToken = new ArrayList<>();
        for (int p = 0; p < g.labels().length; p++) {
            if (g.input().contentTokens()[p] >= 0) {
                perToken.add(set.tag(g.labels()[p]).toString());
            } else {
                assertEquals(TokenFeature.IGNORE, g.labels()[p]);
            }
        }
        assertEquals("B-PER", perToken.get(0));
        assertTrue(perToken.subList(1, firstTokens[1]).stream().allMatch("I-PER"::equals), perToken.toString());

        // predictions equal to the labels give the gold tags back, and the mentions their text
        List<int[]> predicted = List.of(Arrays.stream(g.labels()).map(l -> l < 0 ? 0 : l).toArray());
        List<Tag> back = enc.wordTags(predicted, set);
        assertEquals(gold, back);
        List<EncodedSentence.Mention> mentions = enc.mentions(back);
        assertEquals("Schwarzenegger", mentions.get(0).text());
        assertEquals("Kuala Lumpur", mentions.get(1).text());
        assertEquals(words.text().indexOf("Kuala"), mentions.get(1).start());
    }

    @Test
    void longRealSentencesAreWindowedWithoutLosingAWord() {
        assumeTrue(Files.isRegularFile(CONLL_DEV), "../shared/data/text/conll2003 is absent");
        TaggedCorpus dev = TaggedCorpusReader.read(CONLL_DEV);
        TagSet set = TagSet.of(dev.sentences(), TagScheme.IOB2);
        assertEquals(9, set.size());
        TokenClassificationEncoder enc = new TokenClassificationEncoder(tokenizer, set, TagScheme.IOB2, 24, 8,
                SubwordLabels.FIRST);
        int windowed = 0;
        int maxSubwords = 0;
        for (int s = 0; s < dev.sentences().size(); s += 7) {
            TaggedSentence sentence = dev.sentences().get(s);
            EncodedSentence e = enc.encode(s, WordSequence.joined(sentence.tokens()), sentence.tags());
            maxSubwords = Math.max(maxSubwords, e.subwords().size());
            windowed += e.features().size() > 1 ? 1 : 0;
            List<int[]> predicted = new ArrayList<>();
            for (TokenFeature f : e.features()) {
                assertTrue(f.input().length() <= 24);
                predicted.add(Arrays.stream(f.labels()).map(l -> l < 0 ? 0 : l).toArray());
            }
            List<Tag> expected = new ArrayList<>(sentence.tags());
            int[] first = e.subwords().firstTokenOfWords(sentence.size());
            for (int w = 0; w < first.length; w++) {
                if (first[w] < 0) {
                    expected.set(w, Tag.OUTSIDE);
                }
            }
            assertEquals(expected, e.wordTags(predicted, set), "sentence at line " + sentence.line(0));
            for (EncodedSentence.Mention m : e.mentions(e.wordTags(predicted, set))) {
                assertEquals(String.join(" ", sentence.tokens().subList(m.firstWord(), m.lastWord() + 1)), m.text());
            }
        }
        assertTrue(windowed > 20, "sentences cut into windows: " + windowed + ", longest " + maxSubwords + " sub-tokens");
    }
}
