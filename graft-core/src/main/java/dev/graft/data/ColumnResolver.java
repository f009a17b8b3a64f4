package dev.graft.data;

import dev.graft.util.Arguments;
import dev.graft.util.Excerpt;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether a delimited file has a header row and which columns hold text, label and (for text pairs) the
 * second text.
 *
 * <p>Rules:
 * <ol>
 *   <li>Header ({@link HeaderMode#AUTO}): the first row is a header when one of its cells equals,
 *       ignoring case and surrounding spaces, a requested column name or a known text/label name
 *       ({@link ColumnRef#KNOWN_TEXT_NAMES}, {@link ColumnRef#KNOWN_LABEL_NAMES}).</li>
 *   <li>With a header, a requested name must match a header cell and a requested index must exist;
 *       an unrequested column is the first known name present (in the order of the known lists).
 *       A name that matches two or more header cells (e.g. {@code text} and {@code Text}) is
 *       ambiguous and refused, naming the columns; choose one by index instead. Duplicate names of
 *       columns that are not chosen are harmless.</li>
 *   <li>Without a header, both columns must be given as 0-based indices, with one exception: a TSV
 *       file whose first row has exactly 2 columns and whose column 0 has few distinct values (at
 *       most 100, and at most half the number of rows, but at least 2 allowed) is read as
 *       {@code label<TAB>text}.</li>
 *   <li>The column of the second text of a pair ({@link DataOptions#textPairColumn()}) is chosen only when
 *       requested, by name or index like the others (without a header: by index), and must differ from both.</li>
 * </ol>
 */
final class ColumnResolver {

    private static final int MAX_AUTO_LABELS = 100;
    /** The role name of the second text of a pair in messages. */
    private static final String PAIR = "text pair";

    private ColumnResolver() {
    }

    static ColumnSelection resolve(SourceText source, DataFormat format, List<RawRow> rows, DataOptions options) {
        List<String> first = rows.get(0).cells();
        boolean header = switch (options.header()) {
            case PRESENT -> true;
            case ABSENT -> false;
            case AUTO -> looksLikeHeader(first, options);
        };
        ColumnRef p = options.textPairColumn();
        if (header) {
            int text = resolveInHeader(source, first, options.textColumn(), ColumnRef.KNOWN_TEXT_NAMES, "text");
            int label = resolveInHeader(source, first, options.labelColumn(), ColumnRef.KNOWN_LABEL_NAMES, "label");
            checkDistinct(source, text, label, first);
            int pair = p == null ? -1 : resolveInHeader(source, first, p, List.of(), PAIR);
            checkPairDistinct(source, text, label, pair, first);
            return new ColumnSelection(text, label, pair, true, first);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            names.add("column " + i);
        }
        ColumnRef t = options.textColumn();
        ColumnRef l = options.labelColumn();
        if (t != null && l != null && t.isIndex() && l.isIndex() && (p == null || p.isIndex())) {
            List<ColumnRef> refs = p == null ? List.of(t, l) : List.of(t, l, p);
            for (ColumnRef ref : refs) {
                if (ref.index() >= first.size()) {
                    throw new DataException(source.path() + ": column index " + ref.index() + " does not exist; line "
                            + rows.get(0).line() + " has " + first.size() + " columns (0-based indices 0.."
                            + (first.size() - 1) + "). Pass " + Arguments.name("textColumn") + "/" + Arguments.name("labelColumn") + (p == null ? "" : "/" + Arguments.name("textPairColumn"))
                            + " with an index in that range.");
                }
            }
            checkDistinct(source, t.index(), l.index(), names);
            int pair = p == null ? -1 : p.index();
            checkPairDistinct(source, t.index(), l.index(), pair, names);
            return new ColumnSelection(t.index(), l.index(), pair, false, names);
        }
        if (t == null && l == null && p == null && format == DataFormat.TSV && first.size() == 2 && fewDistinctLabels(rows)) {
            return new ColumnSelection(1, 0, false, names);
        }
        ColumnRef named = firstNamed(t, l, p);
        throw new DataException(source.path() + " has no header row"
                + (named != null ? " naming column " + named : "")
                + " (first row, line " + rows.get(0).line() + ": " + preview(first) + "). Either add a header row"
                + " with columns named e.g. 'text' and 'label', or pass both " + Arguments.name("textColumn") + " and " + Arguments.name("labelColumn")
                + (p == null ? "" : " and the text pair column (" + Arguments.name("textPairColumn") + ")") + " as"
                + " 0-based column indices, e.g. " + Arguments.name("textColumn") + " 1 " + Arguments.name("labelColumn") + " 0" + (p == null ? "" : " " + Arguments.name("textPairColumn") + " 2") + ".");
    }

    private static ColumnRef firstNamed(ColumnRef... refs) {
        for (ColumnRef r : refs) {
            if (r != null && !r.isIndex()) {
                return r;
            }
        }
        return null;
    }

    private static boolean looksLikeHeader(List<String> first, DataOptions options) {
        for (String cell : first) {
            for (ColumnRef ref : new ColumnRef[] {options.textColumn(), options.labelColumn(), options.textPairColumn()}) {
                if (ref != null && ref.matches(cell)) {
                    return true;
                }
            }
            for (String known : ColumnRef.KNOWN_TEXT_NAMES) {
                if (ColumnRef.named(known).matches(cell)) {
                    return true;
                }
            }
            for (String known : ColumnRef.KNOWN_LABEL_NAMES) {
                if (ColumnRef.named(known).matches(cell)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int resolveInHeader(SourceText source, List<String> header, ColumnRef ref,
                                       List<String> known, String role) {
        if (ref != null && ref.isIndex()) {
            if (ref.index() >= header.size()) {
                throw new DataException(source.path() + ": " + role + " column index " + ref.index()
                        + " does not exist; the header has " + header.size() + " columns " + Excerpt.list(header)
                        + " (0-based indices 0.." + (header.size() - 1) + "). Pass " + ColumnRef.flag(role) + " with a"
                        + " valid index or name.");
            }
            return ref.index();
        }
        if (ref != null) {
            int i = findUnique(source, header, ref, role);
            if (i < 0) {
                throw new DataException(source.path() + ": " + role + " column " + ref + " not found. Columns available: "
                        + Excerpt.list(header) + ". Pass " + ColumnRef.flag(role) + " with one of these names (or a 0-based index).");
            }
            return i;
        }
        for (String name : known) {
            int i = findUnique(source, header, ColumnRef.named(name), role);
            if (i >= 0) {
                return i;
            }
        }
        throw new DataException(source.path() + ": no " + role + " column found. Columns available: " + Excerpt.list(header)
                + "; recognised " + role + " column names are " + known + ". Pass " + ColumnRef.flag(role)
                + " NAME (or a 0-based index) to choose one.");
    }

    /** The index of the one header cell that {@code ref} names, -1 for none; two or more are an error. */
    private static int findUnique(SourceText source, List<String> header, ColumnRef ref, String role) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            if (ref.matches(header.get(i))) {
                found.add(i);
            }
        }
        if (found.size() > 1) {
            List<String> which = found.stream().map(i -> i + " ('" + Excerpt.of(header.get(i)) + "')").toList();
            throw new DataException(source.path() + ": the " + role + " column " + ref + " is ambiguous: the header names it "
                    + found.size() + " times, columns " + Excerpt.list(which) + " (0-based). Rename the duplicate in the"
                    + " header, or choose the column by index, e.g. " + ColumnRef.flag(role) + " " + found.get(0) + ".");
        }
        return found.isEmpty() ? -1 : found.get(0);
    }

    private static void checkDistinct(SourceText source, int text, int label, List<String> names) {
        if (text == label) {
            throw new DataException(source.path() + ": text and label would both be read from column " + text
                    + " (" + Excerpt.of(names.get(text)) + "). Pass " + Arguments.name("textColumn") + " and " + Arguments.name("labelColumn") + " naming two different columns.");
        }
    }

    private static void checkPairDistinct(SourceText source, int text, int label, int pair, List<String> names) {
        if (pair == text || pair == label) {
            throw new DataException(source.path() + ": the text pair column (textPairColumn) is column " + pair + " ("
                    + Excerpt.of(names.get(pair)) + "), which is already the " + (pair == text ? "text" : "label") + " column."
                    + " Pass " + Arguments.name("textPairColumn") + " naming the column of the second texts, another than " + Arguments.name("textColumn") + " and"
                    + " " + Arguments.name("labelColumn") + ".");
        }
    }

    private static boolean fewDistinctLabels(List<RawRow> rows) {
        Set<String> distinct = new HashSet<>();
        for (RawRow row : rows) {
            if (row.cells().size() != 2) {
                continue;
            }
            distinct.add(row.cells().get(0).strip());
            if (distinct.size() > MAX_AUTO_LABELS) {
                return false;
            }
        }
        return distinct.size() <= Math.max(2, rows.size() / 2);
    }

    /** The cells of a row for a message: each cut to 30 characters, line breaks and tabs shown as escapes, the whole cut by {@link Excerpt}. */
    static String preview(List<String> cells) {
        return Excerpt.of(cells.stream()
                .map(c -> c.length() > 30 ? c.substring(0, 27) + "..." : c)
                .map(c -> "'" + c.replace("\n", "\\n").replace("\t", "\\t") + "'")
                .collect(Collectors.joining(" | ")));
    }
}
