package dev.graft.run;

import dev.graft.selection.BackboneRanking;
import dev.graft.selection.ComparedMetric;
import dev.graft.selection.RankedBackbone;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Candidate backbones by LogME, best first, with the figure a measured head is judged on.
 *
 * @param ranked the candidates, highest LogME first
 * @param metric the task's compared figure (the measured column that decides, its direction and the table's columns)
 */
public record RankingResult(List<RankedBackbone> ranked, ComparedMetric metric) {

    /** Copies the list. */
    public RankingResult {
        ranked = List.copyOf(ranked);
    }

    /** Whether every candidate was measured. */
    public boolean measured() {
        return !ranked.isEmpty() && ranked.stream().allMatch(r -> r.measured().isPresent());
    }

    /**
     * Kendall's τ-b between LogME and the measured figure in its direction (RMSE negated: lower is better), when every
     * candidate was measured and there are at least two.
     */
    public OptionalDouble kendallTau() {
        if (!measured() || ranked.size() < 2) {
            return OptionalDouble.empty();
        }
        double[] logme = ranked.stream().mapToDouble(RankedBackbone::logMe).toArray();
        double[] measuredScore = ranked.stream().mapToDouble(r -> metric.gain(r.measured().get().value(metric.name()), 0)).toArray();
        return OptionalDouble.of(BackboneRanking.kendallTau(logme, measuredScore));
    }
}
