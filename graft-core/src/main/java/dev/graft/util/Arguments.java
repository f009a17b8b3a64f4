package dev.graft.util;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How core messages name an argument the user should change. Core speaks of its Java names — the field or setting,
 * e.g. {@code labelColumn}, {@code maxTrain} — which is right advice for a Java caller; a front end that names them
 * otherwise installs its naming once at start-up (the command line: {@code --label-column}, {@code --max-train}), so
 * the same message tells each user what to type. A message that advises a whole operation names it as
 * {@code Class.method} (e.g. {@code LoraMerge.merge}); a front end maps it to its own command.
 */
public final class Arguments {

    private static volatile UnaryOperator<String> naming = UnaryOperator.identity();

    private Arguments() {
    }

    /**
     * The argument {@code javaName} (a camelCase field or setting name) as the current front end names it.
     *
     * @param javaName e.g. {@code labelColumn}
     */
    public static String name(String javaName) {
        return naming.apply(Objects.requireNonNull(javaName, "javaName"));
    }

    /** Installs how a front end names arguments (process-wide); the identity by default. */
    public static void setNaming(UnaryOperator<String> frontEndNaming) {
        naming = Objects.requireNonNull(frontEndNaming, "frontEndNaming");
    }
}
