package dev.graft.tuning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio, Kégl: "Algorithms for
 * Hyper-Parameter Optimization", NIPS 2011), each dimension independently as in the paper.
 *
 * <p>The finished trials are ordered best first (complete trials by value, then pruned trials by
 * how far they got and their best intermediate value, then failed ones) and split at the quantile
 * γ = {@value #GAMMA}: the top ⌈γ·n⌉ are "good", the rest "bad". Each group gives a density over a
 * dimension — for numeric dimensions (in log space for log-uniform ones) a Parzen estimator: one
 * Gaussian per observation, its width the larger distance to its sorted neighbours, clipped to
 * [range/min(100, n+1), range], plus one prior Gaussian over the whole range, all truncated to the
 * bounds; for choices the counts plus one. {@value #CANDIDATES} candidates are drawn from the good
 * density l(x) and the one maximising l(x)/g(x) is proposed (maximising expected improvement). The
 * first {@value #STARTUP} trials are random.
 */
public final class TpeSampler implements Sampler {

    /** Share of trials that count as good. */
    public static final double GAMMA = 0.25;
    /** Candidates drawn from l(x) per dimension. */
    public static final int CANDIDATES = 24;
    /** Random trials before the model is used. */
    public static final int STARTUP = 5;

    private final int startup;

    /** TPE with {@value #STARTUP} random start-up trials. */
    public TpeSampler() {
        this(STARTUP);
    }

    /** TPE with {@code startup} random start-up trials. */
    public TpeSampler(int startup) {
        this.startup = startup;
    }

    @Override
    public Map<String, Object> sample(SearchSpace space, List<Trial> trials, Random rng) {
        List<Trial> ranked = rank(trials);
        if (ranked.size() < Math.max(startup, 2)) {
            return new RandomSampler().sample(space, trials, rng);
        }
        int nGood = (int) Math.ceil(GAMMA * ranked.size());
        List<Trial> good = ranked.subList(0, nGood);
        List<Trial> bad = ranked.subList(nGood, ranked.size());
        Map<String, Object> p = new LinkedHashMap<>();
        for (SearchSpace.Dimension d : space.dimensions()) {
            p.put(d.name(), d instanceof SearchSpace.Choice c ? choice(c, good, bad, rng) : numeric(d, good, bad, rng));
        }
        return p;
    }

    /** Finished trials, best first. */
    static List<Trial> rank(List<Trial> trials) {
        List<Trial> complete = new ArrayList<>(trials.stream().filter(t -> t.state() == Trial.State.COMPLETE && t.value().isPresent()).toList());
        complete.sort(Comparator.comparingDouble((Trial t) -> t.value().getAsDouble()).reversed());
        List<Trial> pruned = new ArrayList<>(trials.stream().filter(t -> t.state() == Trial.State.PRUNED).toList());
        pruned.sort(Comparator.comparingInt((Trial t) -> t.intermediate().isEmpty() ? 0 : t.intermediate().lastKey()).reversed()
                .thenComparing(Comparator.comparingDouble((Trial t) -> t.bestUpTo(Integer.MAX_VALUE - 1).orElse(Double.NEGATIVE_INFINITY))
                        .reversed()));
        List<Trial> out = new ArrayList<>(complete);
        out.addAll(pruned);
        out.addAll(trials.stream().filter(t -> t.state() == Trial.State.FAILED).toList());
        return out;
    }

    private static Object choice(SearchSpace.Choice c, List<Trial> good, List<Trial> bad, Random rng) {
        int k = c.values().size();
        double[] l = counts(c, good);
        double[] g = counts(c, bad);
        double lSum = Arrays.stream(l).sum();
        double best = Double.NEGATIVE_INFINITY;
        int pick = 0;
        for (int i = 0; i < CANDIDATES; i++) {
            double u = rng.nextDouble() * lSum;
            int j = 0;
            while (j < k - 1 && u >= l[j]) {
                u -= l[j];
                j++;
            }
            double score = Math.log(l[j] / lSum) - Math.log(g[j] / Arrays.stream(g).sum());
            if (score > best) {
                best = score;
                pick = j;
            }
        }
        return c.values().get(pick);
    }

    private static double[] counts(SearchSpace.Choice c, List<Trial> trials) {
        double[] n = new double[c.values().size()];
        Arrays.fill(n, 1.0); // the prior: one pseudo-count per value
        for (Trial t : trials) {
            int i = c.values().indexOf(String.valueOf(t.params().get(c.name())));
            if (i >= 0) {
                n[i]++;
            }
        }
        return n;
    }

    private static Object numeric(SearchSpace.Dimension d, List<Trial> good, List<Trial> bad, Random rng) {
        boolean log = d instanceof SearchSpace.LogUniform;
        double lo = log ? Math.log(((SearchSpace.LogUniform) d).lo()) : ((SearchSpace.Uniform) d).lo();
        double hi = log ? Math.log(((SearchSpace.LogUniform) d).hi()) : ((SearchSpace.Uniform) d).hi();
        Parzen l = Parzen.fit(observations(d, good, log), lo, hi);
        Parzen g = Parzen.fit(observations(d, bad, log), lo, hi);
        double best = Double.NEGATIVE_INFINITY;
        double pick = (lo + hi) / 2;
        for (int i = 0; i < CANDIDATES; i++) {
            double x = l.sample(rng);
            double score = l.logDensity(x) - g.logDensity(x);
            if (score > best) {
                best = score;
                pick = x;
            }
        }
        return log ? Math.exp(pick) : pick;
    }

    private static double[] observations(SearchSpace.Dimension d, List<Trial> trials, boolean log) {
        return trials.stream().map(t -> t.params().get(d.name())).filter(v -> v instanceof Number)
                .mapToDouble(v -> log ? Math.log(((Number) v).doubleValue()) : ((Number) v).doubleValue()).toArray();
    }

    /** A truncated Gaussian mixture on [lo, hi] with equal weights: the prior plus one component per observation. */
    record Parzen(double[] mu, double[] sigma, double lo, double hi) {

        static Parzen fit(double[] obs, double lo, double hi) {
            double range = hi - lo;
            double[] all = Arrays.copyOf(obs, obs.length + 1);
            all[obs.length] = (lo + hi) / 2; // prior
            Arrays.sort(all);
            double minSigma = range / Math.min(100.0, obs.length + 1);
            double[] sigma = new double[all.length];
            for (int i = 0; i < all.length; i++) {
                double left = all[i] - (i == 0 ? lo : all[i - 1]);
                double right = (i == all.length - 1 ? hi : all[i + 1]) - all[i];
                sigma[i] = Math.min(Math.max(Math.max(left, right), minSigma), range);
            }
            // the prior component keeps the whole range as its width
            for (int i = 0; i < all.length; i++) {
                if (all[i] == (lo + hi) / 2) {
                    sigma[i] = range;
                    break;
                }
            }
            return new Parzen(all, sigma, lo, hi);
        }

        double sample(Random rng) {
            int i = rng.nextInt(mu.length);
            for (int tries = 0; tries < 100; tries++) {
                double x = mu[i] + sigma[i] * rng.nextGaussian();
                if (x >= lo && x <= hi) {
                    return x;
                }
            }
            return Math.min(hi, Math.max(lo, mu[i]));
        }

        double logDensity(double x) {
            double p = 0;
            for (int i = 0; i < mu.length; i++) {
                double z = (x - mu[i]) / sigma[i];
                double mass = phi((hi - mu[i]) / sigma[i]) - phi((lo - mu[i]) / sigma[i]);
                p += Math.exp(-0.5 * z * z) / (sigma[i] * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
            }
            return Math.log(Math.max(p / mu.length, 1e-300));
        }

        /** Standard normal CDF (Abramowitz and Stegun 7.1.26 for erf, error below 1.5e-7). */
        static double phi(double z) {
            double x = Math.abs(z) / Math.sqrt(2);
            double t = 1 / (1 + 0.3275911 * x);
            double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
                    * Math.exp(-x * x);
            return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
        }
    }

    @Override
    public String name() {
        return "tpe";
    }
}
