package dev.graft.cli;

import java.util.List;

/**
 * Extra {@code graft} subcommands from another module, found with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/dev.graft.cli.CommandPlugin} entry). It lets heavy optional modules such as
 * {@code graft-spark} add commands without {@code graft-cli} depending on them: when the module's jars are on
 * the classpath (bin/graft adds them when they are built), its commands appear in {@code graft --help}.
 */
public interface CommandPlugin {

    /** Instances of picocli {@code @Command} classes, each added as a subcommand of {@code graft}. */
    List<Object> commands();

    /**
     * A user-facing message for a failure of one of this plugin's commands, or {@code null} to let the CLI
     * describe it (the default).
     */
    default String describe(Throwable e) {
        return null;
    }
}
