package dev.graft.cli;

import dev.graft.api.CommandPlugin;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;

/**
 * The commands of the optional modules on the classpath: every {@link CommandPlugin} that {@link ServiceLoader}
 * finds (through the thread's context class loader), in the order it finds them.
 */
final class PluginCommands {

    private final List<CommandPlugin> plugins;

    private PluginCommands(List<CommandPlugin> plugins) {
        this.plugins = plugins;
    }

    /** The plugins registered in {@code META-INF/services/dev.graft.api.CommandPlugin} on the classpath. */
    static PluginCommands load() {
        List<CommandPlugin> found = new ArrayList<>();
        ServiceLoader.load(CommandPlugin.class).forEach(found::add);
        return new PluginCommands(List.copyOf(found));
    }

    /** Adds every plugin's commands as subcommands of {@code root}. */
    void addTo(CommandLine root) {
        for (CommandPlugin plugin : plugins) {
            for (Object command : plugin.commands()) {
                root.addSubcommand(command);
            }
        }
    }

    /** The first plugin's message for a failure, or {@code null} when no plugin describes it. */
    String describe(Throwable e) {
        for (CommandPlugin plugin : plugins) {
            String message = plugin.describe(e);
            if (message != null) {
                return message;
            }
        }
        return null;
    }
}
