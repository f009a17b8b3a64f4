package dev.graft.metrics;

import dev.graft.data.tokens.Chunks;
import dev.graft.data.tokens.EntitySpan;
import dev.graft.data.tokens.Tag;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which entity types a tagger confuses: every gold entity is counted once, in the row of its type and the column of
 * what the tagger made of it — the type of the predicted entity that matches it exactly, else of the predicted entity
 * overlapping most of its tokens (the first of equals), else {@link #MISSED}; every predicted entity that overlaps no
 * gold entity is counted in row {@link #SPURIOUS}. Entities are read as {@link EntityMetrics#score} reads them
 * (seqeval's default mode). The diagonal therefore holds exact matches and boundary errors of the right type; the
 * exact matches alone are {@link #exact}.
 *
 * @param types  the entity types, sorted: the first rows and columns
 * @param counts {@code (types + 1) × (types + 1)}: rows gold type then {@link #SPURIOUS}, columns predicted type
 *               then {@link #MISSED}; the {@code [SPURIOUS][MISSED]} cell is always 0
 * @param exact  per type, the gold entities matched exactly (span and type)
 */
public record EntityConfusion(List<String> types, long[][] counts, long[] exact) {

    /** The column of gold entities that no predicted entity overlaps. */
    public static final String MISSED = "(missed)";
    /** The row of predicted entities that overlap no gold entity. */
    public static final String SPURIOUS = "(spurious)";

    /** Copies the arrays and checks their shapes. */
    public EntityConfusion {
        types = List.copyOf(types);
        int n = types.size() + 1;
        if (counts.length != n || exact.length != types.size()) {
            throw new IllegalArgumentException("counts must be " + n + " x " + n + " and exact " + types.size() + " long");
        }
        long[][] copy = new long[n][];
        for (int i = 0; i < n; i++) {
            if (counts[i].length != n) {
                throw new IllegalArgumentException("counts must be " + n + " x " + n);
            }
            copy[i] = counts[i].clone();
        }
        counts = copy;
        exact = exact.clone();
    }

    /**
     * The confusion of {@code predicted} against {@code gold}, one tag list per sentence in each.
     *
     * @throws IllegalArgumentException when the shapes differ
     */
    public static EntityConfusion of(List<List<Tag>> gold, List<List<Tag>> predicted) {
        if (gold.size() != predicted.size()) {
            throw new IllegalArgumentException("gold and predicted tags must hold the same sentences, got " + gold.size()
                    + " and " + predicted.size() + " sentences");
        }
        List<List<EntitySpan>> g = new ArrayList<>(gold.size());
        List<List<EntitySpan>> p = new ArrayList<>(gold.size());
        Set<String> typeSet = new TreeSet<>();
        for (int s = 0; s < gold.size(); s++) {
            if (gold.get(s).size() != predicted.get(s).size()) {
                throw new IllegalArgumentException("sentence " + s + " has " + gold.get(s).size() + " gold tags but "
                        + predicted.get(s).size() + " predicted tags");
            }
            g.add(Chunks.lenient(gold.get(s)));
            p.add(Chunks.lenient(predicted.get(s)));
            g.get(s).forEach(e -> typeSet.add(e.type()));
            p.get(s).forEach(e -> typeSet.add(e.type()));
        }
        List<String> types = List.copyOf(typeSet);
        Map<String, Integer> index = new LinkedHashMap<>();
        types.forEach(t -> index.put(t, index.size()));
        int none = types.size();
        long[][] counts = new long[none + 1][none + 1];
        long[] exact = new long[none];
        for (int s = 0; s < g.size(); s++) {
            Set<EntitySpan> predictedSet = new HashSet<>(p.get(s));
            for (EntitySpan e : g.get(s)) {
                int row = index.get(e.type());
                if (predictedSet.contains(e)) {
                    counts[row][row]++;
                    exact[row]++;
                    continue;
                }
                EntitySpan best = null;
                int bestOverlap = 0;
                for (EntitySpan q : p.get(s)) {
                    int o = overlap(e, q);
                    if (o > bestOverlap) {
                        best = q;
                        bestOverlap = o;
                    }
                }
                counts[row][best == null ? none : index.get(best.type())]++;
            }
            for (EntitySpan q : p.get(s)) {
                if (g.get(s).stream().noneMatch(e -> overlap(e, q) > 0)) {
                    counts[none][index.get(q.type())]++;
                }
            }
        }
        return new EntityConfusion(types, counts, exact);
    }

    /** Tokens two entities share (0 when they do not overlap). */
    public static int overlap(EntitySpan a, EntitySpan b) {
        return Math.max(0, Math.min(a.last(), b.last()) - Math.max(a.first(), b.first()) + 1);
    }

    /** The row labels: the types, then {@link #SPURIOUS}. */
    public List<String> rowLabels() {
        List<String> l = new ArrayList<>(types);
        l.add(SPURIOUS);
        return l;
    }

    /** The column labels: the types, then {@link #MISSED}. */
    public List<String> columnLabels() {
        List<String> l = new ArrayList<>(types);
        l.add(MISSED);
        return l;
    }

    /** The count of gold type {@code gold} (or {@link #SPURIOUS}) read as {@code predicted} (or {@link #MISSED}). */
    public long count(String gold, String predicted) {
        int r = rowLabels().indexOf(gold);
        int c = columnLabels().indexOf(predicted);
        return r < 0 || c < 0 ? 0 : counts[r][c];
    }

    /** Rows by gold type (then {@link #SPURIOUS}), each a map from predicted type (then {@link #MISSED}) to count. */
    public Map<String, Map<String, Long>> toMap() {
        Map<String, Map<String, Long>> m = new LinkedHashMap<>();
        List<String> rows = rowLabels();
        List<String> cols = columnLabels();
        for (int r = 0; r < rows.size(); r++) {
            Map<String, Long> row = new LinkedHashMap<>();
            for (int c = 0; c < cols.size(); c++) {
                row.put(cols.get(c), counts[r][c]);
            }
            m.put(rows.get(r), row);
        }
        return m;
    }
}
