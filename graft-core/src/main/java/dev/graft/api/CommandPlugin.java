package dev.graft.api;

import java.util.List;

/**
 * Extra {@code graft} subcommands from an optional module, found by the {@code graft} CLI with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/dev.graft.api.CommandPlugin} entry naming the
 * implementation). It lives in graft-core so that a module such as {@code graft-spark} can add commands while
 * depending on the library only, and {@code graft-cli} never depends on the module: when the module's jars are on
 * the classpath, its commands appear in {@code graft --help}.
 *
 * <p>The library does not depend on picocli, so the commands are typed as {@link Object}: the CLI adds each as a
 * picocli subcommand (picocli refuses an object without its {@code @Command} annotation).
 */
public interface CommandPlugin {

    /** Instances of picocli {@code @Command} classes, each added as a subcommand of {@code graft}. */
    List<Object> commands();

    /**
     * A user-facing message for a failure of one of this plugin's commands, or {@code null} to let the CLI describe
     * it (the default).
     */
    default String describe(Throwable e) {
        return null;
    }
}
