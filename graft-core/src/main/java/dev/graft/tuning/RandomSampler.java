package dev.graft.tuning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Independent draws from each dimension's prior: log-uniform, uniform or a uniform choice. */
public final class RandomSampler implements Sampler {

    @Override
    public Map<String, Object> sample(SearchSpace space, List<Trial> trials, Random rng) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (SearchSpace.Dimension d : space.dimensions()) {
            p.put(d.name(), draw(d, rng));
        }
        return p;
    }

    /** One draw from a dimension's prior. */
    static Object draw(SearchSpace.Dimension d, Random rng) {
        if (d instanceof SearchSpace.LogUniform l) {
            return Math.exp(Math.log(l.lo()) + rng.nextDouble() * (Math.log(l.hi()) - Math.log(l.lo())));
        }
        if (d instanceof SearchSpace.Uniform u) {
            return u.lo() + rng.nextDouble() * (u.hi() - u.lo());
        }
        SearchSpace.Choice c = (SearchSpace.Choice) d;
        return c.values().get(rng.nextInt(c.values().size()));
    }

    @Override
    public String name() {
        return "random";
    }
}
