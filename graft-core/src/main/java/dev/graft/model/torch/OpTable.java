package dev.graft.model.torch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * libtorch ops of profiled training steps, by self time (an op's time less the time of the ops it
 * called), split into the phases of a step.
 *
 * <p>Read from the Chrome trace that libtorch's legacy profiler writes (complete events
 * {@code {"name", "ph": "X", "ts", "dur", "tid"}}, microseconds). Nesting comes from the intervals
 * on each thread. Steps are cut at the {@link OpProfile#MARKER} calls; within a step, the
 * <em>backward</em> phase runs from the first to the end of the last
 * {@code autograd::engine::evaluate_function} event (at any depth: Graft's backward pass runs inside a TorchScript
 * call, {@link FreshGradients}), <em>forward</em> is what comes before it, and <em>update</em> what comes after
 * (gradient clipping, the optimiser, reading the loss); each op goes by its own start. Ops after the last marker are
 * not in the table.
 *
 * @param rows     one row per op name, largest self time first
 * @param steps    complete steps in the trace
 * @param stepMs   wall time of the steps together (marker to marker), milliseconds
 * @param phaseMs  self time of all ops per phase ({@code forward}, {@code backward}, {@code update}), milliseconds
 */
public record OpTable(List<Row> rows, int steps, double stepMs, Map<String, Double> phaseMs) {

    /** Phases of a step, in order. */
    public static final List<String> PHASES = List.of("forward", "backward", "update");

    private static final String BACKWARD = "autograd::engine::evaluate_function";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One op.
     *
     * @param name    libtorch's name ({@code aten::mm}, {@code MmBackward0}, ...)
     * @param calls   calls in all steps
     * @param selfMs  self time in all steps, milliseconds
     * @param phaseMs self time per phase, milliseconds
     */
    public record Row(String name, long calls, double selfMs, Map<String, Double> phaseMs) {
    }

    /** Copies the lists and maps. */
    public OpTable {
        rows = List.copyOf(rows);
        phaseMs = Map.copyOf(phaseMs);
    }

    /** Self time of all ops in the steps, milliseconds. */
    public double opMs() {
        return rows.stream().mapToDouble(Row::selfMs).sum();
    }

    /** The row of {@code name}, or null. */
    public Row row(String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    /** Reads and aggregates a libtorch Chrome trace file. */
    public static OpTable read(Path traceFile) {
        try {
            return of(JSON.readTree(traceFile.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read libtorch trace " + traceFile + ": " + e.getMessage(), e);
        }
    }

    /** Aggregates a parsed libtorch Chrome trace (a JSON array of events, or {@code {"traceEvents": [...]}}). */
    public static OpTable of(JsonNode trace) {
        JsonNode events = trace.isArray() ? trace : trace.path("traceEvents");
        if (!events.isArray()) {
            throw new IllegalArgumentException("A libtorch trace is a JSON array of events; got " + trace.getNodeType());
        }
        List<Event> all = new ArrayList<>();
        for (JsonNode e : events) {
            if ("X".equals(e.path("ph").asText()) && e.hasNonNull("ts") && e.hasNonNull("dur")) {
                all.add(new Event(e.path("name").asText(), e.path("tid").asText(), e.path("ts").asDouble(), e.path("dur").asDouble()));
            }
        }
        nest(all);
        List<Event> markers = all.stream().filter(e -> e.parent == null && e.name.equals(OpProfile.MARKER))
                .sorted(Comparator.comparingDouble(e -> e.ts)).toList();
        double first = all.stream().mapToDouble(e -> e.ts).min().orElse(0);
        Map<String, double[]> byName = new LinkedHashMap<>(); // calls, self, forward, backward, update
        double stepMs = 0;
        double[] phaseTotals = new double[PHASES.size()];
        double start = first;
        for (Event marker : markers) {
            double end = marker.ts;
            double[] backward = backwardWindow(all, start, end);
            for (Event e : all) {
                if (e.ts < start || e.ts >= end || e.insideMarker()) {
                    continue;
                }
                int phase = e.ts < backward[0] ? 0 : e.ts < backward[1] ? 1 : 2;
                double self = Math.max(0, e.dur - e.childTime) / 1000;
                double[] r = byName.computeIfAbsent(e.name, n -> new double[2 + PHASES.size()]);
                r[0]++;
                r[1] += self;
                r[2 + phase] += self;
                phaseTotals[phase] += self;
            }
            stepMs += (end - start) / 1000;
            start = marker.ts + marker.dur;
        }
        List<Row> rows = new ArrayList<>();
        byName.forEach((name, r) -> rows.add(new Row(name, (long) r[0], r[1], phases(r, 2))));
        rows.sort(Comparator.comparingDouble(Row::selfMs).reversed().thenComparing(Row::name));
        return new OpTable(rows, markers.size(), stepMs, phases(phaseTotals, 0));
    }

    /**
     * The top {@code n} rows as a text table: ms per step, share of the step's wall time, calls per
     * step and the split into phases.
     */
    public String format(int n) {
        StringBuilder b = new StringBuilder();
        int per = Math.max(1, steps);
        b.append(String.format(Locale.ROOT, "%d steps, %.1f ms per step (wall), ops %.1f ms: forward %.1f, backward %.1f, update %.1f%n",
                steps, stepMs / per, opMs() / per, phaseMs.get("forward") / per, phaseMs.get("backward") / per,
                phaseMs.get("update") / per));
        b.append(String.format(Locale.ROOT, "%-52s %9s %6s %7s %9s %9s %9s%n", "op", "ms/step", "share", "calls", "forward", "backward",
                "update"));
        for (Row r : rows.subList(0, Math.min(n, rows.size()))) {
            b.append(String.format(Locale.ROOT, "%-52s %9.2f %5.1f%% %7.1f %9.2f %9.2f %9.2f%n", shorten(r.name()), r.selfMs() / per,
                    stepMs > 0 ? 100 * r.selfMs() / stepMs : 0, (double) r.calls() / per, r.phaseMs().get("forward") / per,
                    r.phaseMs().get("backward") / per, r.phaseMs().get("update") / per));
        }
        return b.toString();
    }

    private static String shorten(String name) {
        return name.length() <= 52 ? name : name.substring(0, 49) + "...";
    }

    private static Map<String, Double> phases(double[] values, int from) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < PHASES.size(); i++) {
            m.put(PHASES.get(i), values[from + i]);
        }
        return m;
    }

    /** [start of the first, end of the last] backward event in [from, to); both {@code to} when none. */
    private static double[] backwardWindow(List<Event> all, double from, double to) {
        double lo = to;
        double hi = to;
        boolean any = false;
        for (Event e : all) {
            if (e.ts >= from && e.ts < to && e.name.startsWith(BACKWARD)) {
                lo = Math.min(lo, e.ts);
                hi = any ? Math.max(hi, e.ts + e.dur) : e.ts + e.dur;
                any = true;
            }
        }
        return new double[] {lo, any ? hi : to};
    }

    /** Sets each event's parent (the innermost event on its thread that encloses it) and its children's time. */
    private static void nest(List<Event> all) {
        Map<String, List<Event>> byThread = new LinkedHashMap<>();
        all.forEach(e -> byThread.computeIfAbsent(e.tid, t -> new ArrayList<>()).add(e));
        for (List<Event> thread : byThread.values()) {
            thread.sort(Comparator.comparingDouble((Event e) -> e.ts).thenComparing(Comparator.comparingDouble((Event e) -> e.dur).reversed()));
            Deque<Event> open = new ArrayDeque<>();
            for (Event e : thread) {
                while (!open.isEmpty() && !open.peek().encloses(e)) {
                    open.pop();
                }
                if (!open.isEmpty()) {
                    e.parent = open.peek();
                    e.parent.childTime += e.dur;
                }
                open.push(e);
            }
        }
    }

    /** One complete event of the trace. */
    private static final class Event {
        /** Timestamps are printed with nanosecond digits; rounding may push a child past its parent by that much. */
        private static final double SLACK_US = 0.002;

        final String name;
        final String tid;
        final double ts;
        final double dur;
        Event parent;
        double childTime;

        Event(String name, String tid, double ts, double dur) {
            this.name = name;
            this.tid = tid;
            this.ts = ts;
            this.dur = dur;
        }

        boolean encloses(Event e) {
            return e.ts >= ts && e.ts + e.dur <= ts + dur + SLACK_US;
        }

        boolean insideMarker() {
            for (Event e = this; e != null; e = e.parent) {
                if (e.name.equals(OpProfile.MARKER)) {
                    return true;
                }
            }
            return false;
        }
    }
}
