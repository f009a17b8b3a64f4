package dev.graft.run.auto;

import dev.graft.selection.ComparedMetric;
import java.nio.file.Path;
import java.util.List;

/**
 * What an auto run produced.
 *
 * @param output          the output folder (journal, candidates, report)
 * @param model           the winner, saved as a normal model directory ({@code predict}, {@code serve} load it)
 * @param report          the HTML report listing every candidate
 * @param winner          the winning candidate
 * @param candidates      every candidate, in plan order (from the journal for those an earlier process finished)
 * @param reasons         why the winner won
 * @param plannedSeconds  the estimated cost of everything the plan started
 * @param seconds         the wall time of this process
 * @param calibration     the speed factor the plan used (measured by this process's probe, given, or the journal's)
 * @param metric          the figure the models were scored and compared on (accuracy, macro-F1, RMSE), with its direction
 */
public record AutoResult(Path output, Path model, Path report, Candidate winner, List<Candidate> candidates,
                         List<String> reasons, double plannedSeconds, double seconds, Calibration calibration,
                         ComparedMetric metric) {
}
