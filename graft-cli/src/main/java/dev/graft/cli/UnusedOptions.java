package dev.graft.cli;

import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Refuses options a command shares with {@code graft train} (through {@link TrainingOptions}) but does not use, so a
 * user who passes one learns that it would have been ignored instead of getting results that silently disregard it.
 */
final class UnusedOptions {

    /** Fine-tuning and parameter-efficient options: a command that only trains heads on frozen features ignores them. */
    static final List<String> FINE_TUNING = List.of("--unfreeze", "--gradual", "--lr-backbone", "--layer-decay", "--head-epochs",
            "--l2sp", "--freeze-embeddings", "--lora-rank", "--lora-alpha", "--lora-dropout", "--lora-targets", "--adapter-size",
            "--train-layernorms", "--precision");

    /** The option that reads text pairs: a command that reads single texts only refuses it. */
    static final List<String> TEXT_PAIRS = List.of("--text-pair-column");

    private UnusedOptions() {
    }

    /**
     * Throws when the command line of {@code spec} gave any of {@code names}.
     *
     * @param why what the command does instead, and what to use for the refused options
     */
    static void refuse(CommandSpec spec, String why, List<String> names) {
        var parsed = spec.commandLine().getParseResult();
        List<String> given = names.stream().filter(parsed::hasMatchedOption).toList();
        if (!given.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", given) + (given.size() == 1 ? " is" : " are") + " not used by graft "
                    + spec.name() + ": " + why);
        }
    }

    /** {@code a} followed by {@code b}. */
    static List<String> concat(List<String> a, String... b) {
        return Stream.concat(a.stream(), Stream.of(b)).toList();
    }
}
