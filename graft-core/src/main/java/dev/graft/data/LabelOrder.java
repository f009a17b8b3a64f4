package dev.graft.data;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The stable order of class labels: numeric when every label is an integer (so {@code "2"} comes
 * before {@code "10"}), otherwise lexicographic by {@link String#compareTo}.
 */
final class LabelOrder {

    private LabelOrder() {
    }

    /** The distinct labels of {@code labels}, sorted. */
    static List<String> sorted(Collection<String> labels) {
        TreeSet<String> distinct = new TreeSet<>(labels);
        boolean numeric = !distinct.isEmpty() && distinct.stream().allMatch(LabelOrder::isInteger);
        List<String> out = new ArrayList<>(distinct);
        if (numeric) {
            out.sort(Comparator.comparing(BigInteger::new));
        }
        return out;
    }

    private static boolean isInteger(String s) {
        int start = s.startsWith("-") || s.startsWith("+") ? 1 : 0;
        if (s.length() == start) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
