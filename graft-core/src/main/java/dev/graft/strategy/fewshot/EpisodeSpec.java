package dev.graft.strategy.fewshot;

import dev.graft.util.Arguments;
/**
 * The shape of an episodic evaluation.
 *
 * @param way      classes per episode (N)
 * @param shot     support examples per class (K)
 * @param queries  query examples per class
 * @param episodes number of episodes
 * @param seed     seed of the episode sampler: same seed, same episodes
 */
public record EpisodeSpec(int way, int shot, int queries, int episodes, long seed) {

    /** Validates the fields, naming the bad one. */
    public EpisodeSpec {
        if (way < 2) {
            throw new IllegalArgumentException(Arguments.name("way") + " must be at least 2, got " + way);
        }
        if (shot < 1) {
            throw new IllegalArgumentException(Arguments.name("shot") + " must be at least 1, got " + shot);
        }
        if (queries < 1) {
            throw new IllegalArgumentException(Arguments.name("queries") + " must be at least 1, got " + queries);
        }
        if (episodes < 1) {
            throw new IllegalArgumentException(Arguments.name("episodes") + " must be at least 1, got " + episodes);
        }
    }
}
