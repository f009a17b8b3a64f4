package dev.graft.data.tokens;

import dev.graft.data.tokens.Tag.Prefix;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the entities out of one sentence's tags, in two ways.
 *
 * <ul>
 *   <li>{@link #lenient}: seqeval's default mode ({@code get_entities}, the rules of the CoNLL {@code conlleval}
 *       script). Every tag sequence has a reading, whatever its scheme: an {@code I-X} after {@code O} starts an
 *       entity, a change of type inside a chunk ends it and starts another, {@code E-}/{@code S-} close one.</li>
 *   <li>{@link #strict}: seqeval's strict mode ({@code mode='strict'}) for IOB2 and BIOES: only a well-formed
 *       entity counts ({@code B-X I-X*} in IOB2; {@code S-X} or {@code B-X I-X* E-X} in BIOES); the tokens of a
 *       malformed one belong to no entity.</li>
 * </ul>
 */
public final class Chunks {

    /** seqeval's type of {@code O}; the type before the first token is the empty string. */
    private static final String OUTSIDE_TYPE = "_";

    private Chunks() {
    }

    /** The entities of {@code tags} in seqeval's default (conlleval) reading, in order. */
    public static List<EntitySpan> lenient(List<Tag> tags) {
        List<EntitySpan> out = new ArrayList<>();
        Prefix prev = Prefix.O;
        String prevType = "";
        int begin = 0;
        for (int i = 0; i <= tags.size(); i++) {
            Tag tag = i < tags.size() ? tags.get(i) : Tag.OUTSIDE;
            Prefix cur = tag.prefix();
            String type = tag.isOutside() ? OUTSIDE_TYPE : tag.type();
            if (endsChunk(prev, cur, prevType, type)) {
                out.add(new EntitySpan(prevType, begin, i - 1));
            }
            if (startsChunk(prev, cur, prevType, type)) {
                begin = i;
            }
            prev = cur;
            prevType = type;
        }
        return out;
    }

    /** seqeval's {@code end_of_chunk}: whether a chunk ended between the previous token and this one. */
    private static boolean endsChunk(Prefix prev, Prefix cur, String prevType, String type) {
        return prev == Prefix.E || prev == Prefix.S
                || (prev == Prefix.B || prev == Prefix.I) && (cur == Prefix.B || cur == Prefix.S || cur == Prefix.O)
                || prev != Prefix.O && !prevType.equals(type);
    }

    /** seqeval's {@code start_of_chunk}: whether a chunk started at this token. */
    private static boolean startsChunk(Prefix prev, Prefix cur, String prevType, String type) {
        return cur == Prefix.B || cur == Prefix.S
                || (prev == Prefix.E || prev == Prefix.S || prev == Prefix.O) && (cur == Prefix.E || cur == Prefix.I)
                || cur != Prefix.O && !prevType.equals(type);
    }

    /**
     * The well-formed entities of {@code tags} under {@code scheme}, as seqeval's strict mode finds them.
     *
     * @throws IllegalArgumentException when the scheme is IOB1 (seqeval's strict IOB1 is not provided here), or a
     *                                  tag's prefix is not one of the scheme's ({@code E-}/{@code S-} in IOB2)
     */
    public static List<EntitySpan> strict(List<Tag> tags, TagScheme scheme) {
        if (scheme == TagScheme.IOB1) {
            throw new IllegalArgumentException("strict entity reading is available for IOB2 and BIOES, not IOB1;"
                    + " convert the tags to IOB2 first (TagScheme.IOB2.convert)");
        }
        for (int i = 0; i < tags.size(); i++) {
            if (!scheme.allows(tags.get(i).prefix())) {
                throw new IllegalArgumentException("tag " + (i + 1) + " '" + tags.get(i) + "' is not a " + scheme
                        + " tag (" + scheme + " uses the prefixes " + scheme.prefixes() + ")");
            }
        }
        List<EntitySpan> out = new ArrayList<>();
        int i = 0;
        while (i < tags.size()) {
            Tag t = tags.get(i);
            if (t.prefix() == Prefix.S) {
                out.add(new EntitySpan(t.type(), i, i));
                i++;
            } else if (t.prefix() == Prefix.B) {
                int j = i + 1;
                while (j < tags.size() && tags.get(j).prefix() == Prefix.I && tags.get(j).type().equals(t.type())) {
                    j++;
                }
                if (scheme == TagScheme.IOB2) {
                    out.add(new EntitySpan(t.type(), i, j - 1));
                    i = j;
                } else if (j < tags.size() && tags.get(j).prefix() == Prefix.E && tags.get(j).type().equals(t.type())) {
                    out.add(new EntitySpan(t.type(), i, j));
                    i = j + 1;
                } else {
                    i = j; // B-X I-X* not closed by E-X: no entity
                }
            } else {
                i++;
            }
        }
        return out;
    }
}
