package dev.graft.tuning;

import dev.graft.util.Arguments;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The dimensions a study searches, parsed from a spec such as
 * {@code lr=log:1e-4:1e-1,weight_decay=log:1e-6:1e-1,dropout=uniform:0:0.5,hidden=choice:0|64|256}:
 * {@code log:LO:HI} is log-uniform, {@code uniform:LO:HI} uniform, {@code choice:A|B|C} categorical.
 * Which names exist and what they set is {@link Tunables}'s business.
 *
 * @param dimensions in spec order
 */
public record SearchSpace(List<Dimension> dimensions) {

    /** One searched setting. */
    public sealed interface Dimension permits LogUniform, Uniform, Choice {
        /** The setting's name. */
        String name();

        /** The spec fragment ({@code name=...}). */
        String spec();
    }

    /** Log-uniform on {@code [lo, hi]} (both positive). */
    public record LogUniform(String name, double lo, double hi) implements Dimension {
        /** Validates the range. */
        public LogUniform {
            if (!(lo > 0 && hi > lo) || Double.isInfinite(hi)) {
                throw new IllegalArgumentException("search space: " + name + "=log:LO:HI needs 0 < LO < HI, got " + lo + ", " + hi);
            }
        }

        @Override
        public String spec() {
            return name + "=log:" + lo + ":" + hi;
        }
    }

    /** Uniform on {@code [lo, hi]}. */
    public record Uniform(String name, double lo, double hi) implements Dimension {
        /** Validates the range. */
        public Uniform {
            if (!(hi > lo) || Double.isInfinite(hi) || Double.isInfinite(lo)) {
                throw new IllegalArgumentException("search space: " + name + "=uniform:LO:HI needs LO < HI, got " + lo + ", " + hi);
            }
        }

        @Override
        public String spec() {
            return name + "=uniform:" + lo + ":" + hi;
        }
    }

    /** One of a list of values (kept as strings; the setting parses them). */
    public record Choice(String name, List<String> values) implements Dimension {
        /** Validates and copies the values. */
        public Choice {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("search space: " + name + "=choice:A|B needs at least one value");
            }
        }

        @Override
        public String spec() {
            return name + "=choice:" + String.join("|", values);
        }
    }

    /** Copies the list. */
    public SearchSpace {
        dimensions = List.copyOf(dimensions);
    }

    /** Parses a spec (dimensions separated by commas or semicolons). */
    public static SearchSpace parse(String spec) {
        List<Dimension> dims = new ArrayList<>();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (String part : spec.split("[,;]")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("search space: '" + p + "' is not NAME=KIND:..., e.g. lr=log:1e-4:1e-1");
            }
            String name = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String[] f = p.substring(eq + 1).trim().split(":");
            if (seen.put(name, true) != null) {
                throw new IllegalArgumentException("search space: '" + name + "' appears twice");
            }
            String kind = f[0].trim().toLowerCase(Locale.ROOT);
            try {
                dims.add(switch (kind) {
                    case "log", "loguniform" -> {
                        need(p, f, 3);
                        yield new LogUniform(name, Double.parseDouble(f[1]), Double.parseDouble(f[2]));
                    }
                    case "uniform" -> {
                        need(p, f, 3);
                        yield new Uniform(name, Double.parseDouble(f[1]), Double.parseDouble(f[2]));
                    }
                    case "choice", "cat" -> {
                        need(p, f, 2);
                        yield new Choice(name, List.of(f[1].split("\\|")).stream().map(String::trim).toList());
                    }
                    default -> throw new IllegalArgumentException("search space: '" + p + "' has unknown kind '" + kind
                            + "'; use log:LO:HI, uniform:LO:HI or choice:A|B|C");
                });
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("search space: '" + p + "' has a bound that is not a number", e);
            }
        }
        if (dims.isEmpty()) {
            throw new IllegalArgumentException("search space is empty; e.g. " + Arguments.name("space") + " 'lr=log:1e-4:1e-1,dropout=uniform:0:0.5'");
        }
        return new SearchSpace(dims);
    }

    /** The spec this space was parsed from, normalised. */
    public String spec() {
        return String.join(",", dimensions.stream().map(Dimension::spec).toList());
    }

    private static void need(String p, String[] f, int n) {
        if (f.length != n) {
            throw new IllegalArgumentException("search space: '" + p + "' needs " + (n - 1) + " field(s) after the kind");
        }
    }
}
