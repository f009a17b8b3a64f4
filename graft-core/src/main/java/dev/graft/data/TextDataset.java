package dev.graft.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * An immutable, ordered list of {@link TextExample}s together with where they came from.
 *
 * <p>{@link #sha256()} identifies the examples themselves (text and label, in order), so a subset
 * such as a validation split has its own hash; {@link DataSource#fileSha256()} identifies the file
 * it was read from.
 */
public final class TextDataset implements Iterable<TextExample> {

    private final String name;
    private final DataSource source;
    private final List<TextExample> examples;
    private final String sha256;
    private final boolean pairs;
    private final TargetFormat targets;

    /**
     * Creates a dataset.
     *
     * @param name     a short description for messages, e.g. the file name or {@code "train.csv (val split)"}
     * @param source   where the examples came from
     * @param examples the examples, copied: all single texts or all text pairs
     * @throws IllegalArgumentException when some examples are pairs and others are not
     */
    public TextDataset(String name, DataSource source, List<TextExample> examples) {
        this(name, source, examples, TargetFormat.classification());
    }

    /**
     * Creates a dataset whose targets are written as {@code targets} says (class names, label lists or numbers).
     *
     * @throws DataException when a target does not fit the format, naming its line
     */
    public TextDataset(String name, DataSource source, List<TextExample> examples, TargetFormat targets) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
        this.examples = List.copyOf(examples);
        this.pairs = !this.examples.isEmpty() && this.examples.get(0).isPair();
        for (TextExample e : this.examples) {
            if (e.isPair() != pairs) {
                throw new IllegalArgumentException(name + " mixes single texts and text pairs (line " + e.line()
                        + "); a data set holds one or the other.");
            }
        }
        this.sha256 = contentHash(this.examples);
        for (TextExample e : this.examples) {
            targets.check(e.label(), TargetFormat.where(this, e));
        }
    }

    /** A dataset built in memory, e.g. in tests or from an API caller. */
    public static TextDataset of(String name, List<TextExample> examples) {
        return new TextDataset(name, DataSource.inMemory(), examples);
    }

    /** A dataset with the same source holding {@code subset} (used for splits). */
    public TextDataset derive(String subsetName, List<TextExample> subset) {
        return new TextDataset(subsetName, source, subset, targets);
    }

    /** This dataset with its targets read as {@code format} says (checked). */
    public TextDataset withTargets(TargetFormat format) {
        return new TextDataset(name, source, examples, format);
    }

    /** How the targets are written: class names (the default), label lists or numbers. */
    public TargetFormat targets() {
        return targets;
    }

    /** The targets of every example with their format and lines (what the task layer encodes). */
    public TargetColumn targetColumn() {
        return new TargetColumn(name, targets, examples.stream().map(TextExample::label).toList(),
                i -> TargetFormat.where(this, examples.get(i)));
    }

    /** The task the targets call for. */
    public TaskKind task() {
        return targets.task();
    }

    /** Short description for messages. */
    public String name() {
        return name;
    }

    /** Where the examples came from. */
    public DataSource source() {
        return source;
    }

    /** The examples, in file order (unmodifiable). */
    public List<TextExample> examples() {
        return examples;
    }

    /** Number of examples. */
    public int size() {
        return examples.size();
    }

    /** True when there are no examples. */
    public boolean isEmpty() {
        return examples.isEmpty();
    }

    /** Whether the examples are text pairs ({@link TextExample#textPair()} set), not single texts. */
    public boolean hasPairs() {
        return pairs;
    }

    /**
     * Refuses text pairs for a use that reads single texts only.
     *
     * @param use what reads this data, e.g. {@code "few-shot prototypes"}
     * @throws DataException naming the data set and the use when it holds pairs
     */
    public void requireSingleTexts(String use) {
        if (pairs) {
            String column = source.textPairColumn() == null ? "" : " (second texts from column '" + source.textPairColumn() + "')";
            throw new DataException(name + " holds text pairs" + column + ", but " + use + " reads single texts. Read the"
                    + " data without a text pair column (textPairColumn).");
        }
    }

    /** The {@code i}-th example. */
    public TextExample get(int i) {
        return examples.get(i);
    }

    /**
     * Lower-case hex SHA-256 of the examples' content: for each example, in order, the UTF-8 bytes
     * of label and text (and of the second text of a pair), each preceded by its length as a 4-byte big-endian int.
     * Line numbers and names do not take part.
     */
    public String sha256() {
        return sha256;
    }

    @Override
    public Iterator<TextExample> iterator() {
        return examples.iterator();
    }

    @Override
    public String toString() {
        return name + " (" + examples.size() + " examples)";
    }

    private static String contentHash(List<TextExample> examples) {
        MessageDigest digest = sha256Digest();
        ByteBuffer len = ByteBuffer.allocate(4);
        for (TextExample e : examples) {
            String[] parts = e.isPair() ? new String[] {e.label(), e.text(), e.textPair()} : new String[] {e.label(), e.text()};
            for (String s : parts) {
                byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                len.clear();
                digest.update(len.putInt(bytes.length).array());
                digest.update(bytes);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
