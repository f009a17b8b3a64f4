package dev.graft.cli;

import dev.graft.model.card.ModelInfo;
import dev.graft.model.card.ModelInspector;
import dev.graft.model.hub.HubClient;
import dev.graft.model.hub.HubSettings;
import dev.graft.model.hub.PulledModel;
import dev.graft.model.hub.RepoRef;
import dev.graft.model.text.TextModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code graft models info <model>}: architecture, size, inputs, tokenizer and licence of a model. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Show a model's architecture, parameter count, hidden size, layers, heads, maximum length,"
                + " inputs, tokenizer and licence (from its model card). MODEL is a bundled name (minilm), a"
                + " directory, or hf:org/name[@revision] (downloaded into the Hugging Face cache if needed).", ""})
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "minilm, a directory, or hf:org/name[@revision].")
    String model;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        ModelInfo info;
        if (RepoRef.isHubReference(model)) {
            RepoRef ref = RepoRef.parse(model);
            PulledModel m = new HubClient(HubSettings.fromEnvironment()).pull(ref, new BarProgress(System.err, quiet));
            info = ModelInspector.inspectHf(RepoRef.PREFIX + ref + " (commit " + m.commit() + ")", m.directory());
        } else if (Files.isRegularFile(Path.of(model).resolve("config.json"))) {
            info = ModelInspector.inspectHf(model, Path.of(model));
        } else {
            info = ModelInspector.inspectOnnx(TextModels.resolve(model));
        }
        spec.commandLine().getOut().print(info.toText());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
