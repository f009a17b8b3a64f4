package dev.graft.data.tokens;

import dev.graft.model.text.TextTokenizer;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer for token and span tasks: it splits words or a text into sub-tokens
 * with their character offsets, without special tokens and without truncation, so that the caller cuts windows
 * ({@link TokenWindows}) and frames them ({@link SequenceTemplate}) itself and no token is lost.
 *
 * <p>The native tokenizer gives offsets in Unicode code points; they are turned into UTF-16 indices here, so they
 * index Java strings directly.
 */
public final class SubwordTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final SequenceTemplate template;

    private SubwordTokenizer(HuggingFaceTokenizer tokenizer, SequenceTemplate template) {
        this.tokenizer = tokenizer;
        this.template = template;
    }

    /**
     * Opens {@code tokenizer.json} (its size and form checked first, {@link TextTokenizer.TokenizerSettings#read}).
     *
     * @throws UncheckedIOException when it cannot be read
     */
    public static SubwordTokenizer open(Path tokenizerJson) {
        TextTokenizer.TokenizerSettings.read(tokenizerJson);
        try {
            HuggingFaceTokenizer plain = build(tokenizerJson, false);
            try (HuggingFaceTokenizer framed = build(tokenizerJson, true)) {
                return new SubwordTokenizer(plain, templateOf(framed));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    private static HuggingFaceTokenizer build(Path tokenizerJson, boolean specials) throws IOException {
        return HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson).optAddSpecialTokens(specials)
                .optTruncation(false).optPadding(false).build();
    }

    /** Reads where the tokenizer puts its special tokens from its encodings of {@code "a"} and {@code ("a", "b")}. */
    private static SequenceTemplate templateOf(HuggingFaceTokenizer framed) {
        Encoding single = framed.encode("a");
        int[] s = bounds(single.getSequenceIds(), 0);
        Encoding pair = framed.encode("a", "b");
        long[] seq = pair.getSequenceIds();
        int[] a = bounds(seq, 0);
        int[] b = bounds(seq, 1);
        long[] ids = pair.getIds();
        long[] singleIds = single.getIds();
        return new SequenceTemplate(Arrays.copyOfRange(singleIds, 0, s[0]),
                Arrays.copyOfRange(singleIds, s[1] + 1, singleIds.length), Arrays.copyOfRange(ids, 0, a[0]),
                Arrays.copyOfRange(ids, a[1] + 1, b[0]), Arrays.copyOfRange(ids, b[1] + 1, ids.length),
                pair.getTypeIds()[b[0]]);
    }

    /** First and last position of sequence {@code id}. */
    private static int[] bounds(long[] sequenceIds, int id) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < sequenceIds.length; i++) {
            if (sequenceIds[i] == id) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        if (first < 0) {
            throw new IllegalStateException("the tokenizer gave no tokens for the probe text of sequence " + id);
        }
        return new int[] {first, last};
    }

    /** Where this tokenizer puts its special tokens. */
    public SequenceTemplate template() {
        return template;
    }

    /**
     * The sub-tokens of {@code words}, each word tokenized on its own (Hugging Face's pre-tokenized input); offsets are
     * into {@code words.text()}. A word the tokenizer drops entirely (a zero-width space) has no token.
     */
    public Subwords ofWords(WordSequence words) {
        if (words.size() == 0) {
            return new Subwords(new long[0], new int[0], new int[0], new int[0]);
        }
        Encoding e = tokenizer.encode(words.words().toArray(String[]::new), false, false);
        long[] wordIds = e.getWordIds();
        CharSpan[] spans = e.getCharTokenSpans();
        int n = e.getIds().length;
        int[] w = new int[n];
        int[] starts = new int[n];
        int[] ends = new int[n];
        for (int t = 0; t < n; t++) {
            w[t] = (int) wordIds[t];
            String word = words.word(w[t]);
            starts[t] = words.start(w[t]) + utf16(word, spans[t].getStart());
            ends[t] = words.start(w[t]) + utf16(word, spans[t].getEnd());
        }
        return new Subwords(e.getIds(), w, starts, ends);
    }

    /** The sub-tokens of {@code text} as one string (the tokenizer's own pre-tokenization); offsets into {@code text}. */
    public Subwords ofText(String text) {
        Encoding e = tokenizer.encode(text, false, false);
        CharSpan[] spans = e.getCharTokenSpans();
        int n = e.getIds().length;
        int[] starts = new int[n];
        int[] ends = new int[n];
        int[] words = new int[n];
        Arrays.fill(words, -1);
        for (int t = 0; t < n; t++) {
            starts[t] = utf16(text, spans[t].getStart());
            ends[t] = utf16(text, spans[t].getEnd());
        }
        return new Subwords(e.getIds(), words, starts, ends);
    }

    /** The token ids of {@code text} without special tokens. */
    public long[] ids(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    /** The UTF-16 index of code point {@code codePoints} of {@code s}, clamped to its length. */
    private static int utf16(String s, int codePoints) {
        int cps = s.codePointCount(0, s.length());
        return codePoints >= cps ? s.length() : s.offsetByCodePoints(0, codePoints);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
