package dev.graft.data.tokens;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One token's entity tag: {@code O} (outside any entity) or a position prefix and an entity type, written
 * {@code B-PER}, {@code I-ORG}, {@code E-LOC}, {@code S-MISC}. The type is everything after the first {@code -}, as
 * seqeval reads it ({@code B-PER-X} has the type {@code PER-X}).
 *
 * @param prefix where the token stands in its entity
 * @param type   the entity type, empty for {@link Prefix#O} only
 */
public record Tag(Prefix prefix, String type) {

    /** The outside tag {@code O}. */
    public static final Tag OUTSIDE = new Tag(Prefix.O, "");

    /** The position of a token in its entity: Beginning, Inside, End, Single, or Outside any entity. */
    public enum Prefix { O, B, I, E, S }

    /** Checks that {@code O} has no type and every other prefix has one. */
    public Tag {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(type, "type");
        if ((prefix == Prefix.O) != type.isEmpty()) {
            throw new IllegalArgumentException(prefix == Prefix.O ? "the tag O has no type, got '" + type + "'"
                    : "the tag prefix " + prefix + " needs a type, e.g. " + prefix + "-PER");
        }
    }

    /** A tag of {@code prefix} and {@code type}; {@link #OUTSIDE} for {@link Prefix#O}. */
    public static Tag of(Prefix prefix, String type) {
        return prefix == Prefix.O ? OUTSIDE : new Tag(prefix, type);
    }

    /**
     * The tag written {@code text}, or {@code null} when it is not one: {@code O}, or one of {@code B I E S}, a
     * {@code -} and a non-empty type. Whitespace is not trimmed.
     */
    public static Tag tryParse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.equals("O")) {
            return OUTSIDE;
        }
        if (text.length() < 3 || text.charAt(1) != '-') {
            return null;
        }
        Prefix p = switch (text.charAt(0)) {
            case 'B' -> Prefix.B;
            case 'I' -> Prefix.I;
            case 'E' -> Prefix.E;
            case 'S' -> Prefix.S;
            default -> null;
        };
        String type = text.substring(2);
        return p == null || type.isBlank() || type.chars().anyMatch(Character::isWhitespace) ? null : new Tag(p, type);
    }

    /**
     * The tag written {@code text}.
     *
     * @throws IllegalArgumentException when it is not a tag ({@link #tryParse})
     */
    public static Tag parse(String text) {
        Tag t = tryParse(text);
        if (t == null) {
            throw new IllegalArgumentException("'" + text + "' is not an entity tag: a tag is O, or B-, I-, E- or S-"
                    + " followed by an entity type (B-PER, I-ORG)");
        }
        return t;
    }

    /** {@link #parse} of each text, in order. */
    public static List<Tag> parseAll(List<String> texts) {
        List<Tag> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(parse(t));
        }
        return out;
    }

    /** Whether this is {@code O}. */
    public boolean isOutside() {
        return prefix == Prefix.O;
    }

    /** The tag as written: {@code O} or {@code B-PER}. */
    @Override
    public String toString() {
        return prefix == Prefix.O ? "O" : prefix + "-" + type;
    }
}
