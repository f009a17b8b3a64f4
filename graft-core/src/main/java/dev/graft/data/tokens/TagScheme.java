package dev.graft.data.tokens;

import dev.graft.data.tokens.Tag.Prefix;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * How entity tags mark where an entity begins and ends.
 *
 * <ul>
 *   <li>{@link #IOB1}: entities are {@code I-X}; {@code B-X} only on the first token of an entity that directly
 *       follows another entity of the same type (the original CoNLL-2003 files).</li>
 *   <li>{@link #IOB2} (BIO): every entity starts with {@code B-X}, continues with {@code I-X}.</li>
 *   <li>{@link #BIOES} (IOBES): {@code S-X} for a one-token entity; otherwise {@code B-X}, {@code I-X}...,
 *       {@code E-X}.</li>
 * </ul>
 *
 * Conversion goes through the entities ({@link Chunks#lenient}): a sequence is read as seqeval's default mode reads
 * it and written again in the target scheme, which also repairs an inconsistent sequence the way that reading
 * resolves it ({@link TagRepair}).
 */
public enum TagScheme {
    /** Inside-outside-beginning, B- only between adjacent entities of one type. */
    IOB1(EnumSet.of(Prefix.O, Prefix.B, Prefix.I)),
    /** Inside-outside-beginning, B- on every entity's first token (BIO). */
    IOB2(EnumSet.of(Prefix.O, Prefix.B, Prefix.I)),
    /** Beginning-inside-outside-end-single (IOBES). */
    BIOES(EnumSet.of(Prefix.O, Prefix.B, Prefix.I, Prefix.E, Prefix.S));

    private final Set<Prefix> prefixes;

    TagScheme(Set<Prefix> prefixes) {
        this.prefixes = prefixes;
    }

    /** Whether tags of this scheme may carry {@code prefix}. */
    public boolean allows(Prefix prefix) {
        return prefixes.contains(prefix);
    }

    /** The prefixes this scheme uses. */
    public Set<Prefix> prefixes() {
        return EnumSet.copyOf(prefixes);
    }

    /**
     * The tags of a sentence of {@code length} tokens holding {@code entities} in this scheme.
     *
     * @param entities in order, not overlapping, inside {@code 0..length-1}
     * @throws IllegalArgumentException when entities overlap, are out of order or out of range
     */
    public List<Tag> encode(List<EntitySpan> entities, int length) {
        List<Tag> out = new ArrayList<>(length);
        EntitySpan previous = null;
        for (EntitySpan e : entities) {
            if (e.last() >= length || previous != null && e.first() <= previous.last()) {
                throw new IllegalArgumentException("entities must be in order, not overlap and lie within the "
                        + length + " tokens; got " + e + (previous == null ? "" : " after " + previous));
            }
            while (out.size() < e.first()) {
                out.add(Tag.OUTSIDE);
            }
            boolean adjacentSameType = previous != null && previous.last() == e.first() - 1
                    && previous.type().equals(e.type());
            for (int i = e.first(); i <= e.last(); i++) {
                out.add(Tag.of(prefixAt(e, i, adjacentSameType), e.type()));
            }
            previous = e;
        }
        while (out.size() < length) {
            out.add(Tag.OUTSIDE);
        }
        return out;
    }

    private Prefix prefixAt(EntitySpan e, int i, boolean adjacentSameType) {
        return switch (this) {
            case IOB1 -> i == e.first() && adjacentSameType ? Prefix.B : Prefix.I;
            case IOB2 -> i == e.first() ? Prefix.B : Prefix.I;
            case BIOES -> e.length() == 1 ? Prefix.S : i == e.first() ? Prefix.B : i == e.last() ? Prefix.E : Prefix.I;
        };
    }

    /** {@code tags} (any scheme) rewritten in this scheme: the entities of {@link Chunks#lenient}, encoded. */
    public List<Tag> convert(List<Tag> tags) {
        return encode(Chunks.lenient(tags), tags.size());
    }

    /**
     * The scheme {@code sentences} are written in: {@link #BIOES} when any tag is {@code E-} or {@code S-};
     * {@link #IOB1} when some entity starts with {@code I-} and no {@code B-} starts an entity after {@code O} or
     * another type (which IOB1 never writes); otherwise {@link #IOB2}, also for data without entities.
     */
    public static TagScheme detect(Collection<List<Tag>> sentences) {
        boolean iStarts = false;
        boolean bAfterOutside = false;
        for (List<Tag> tags : sentences) {
            Tag prev = Tag.OUTSIDE;
            for (Tag t : tags) {
                if (t.prefix() == Prefix.E || t.prefix() == Prefix.S) {
                    return BIOES;
                }
                boolean continues = !prev.isOutside() && prev.type().equals(t.type());
                iStarts |= t.prefix() == Prefix.I && !continues;
                bAfterOutside |= t.prefix() == Prefix.B && !continues;
                prev = t;
            }
        }
        return iStarts && !bAfterOutside ? IOB1 : IOB2;
    }
}
