package dev.graft.cli;

import dev.graft.model.card.Licenses;
import dev.graft.model.card.ModelCard;
import dev.graft.model.hub.HubClient;
import dev.graft.model.hub.HubSettings;
import dev.graft.model.hub.PulledModel;
import dev.graft.model.hub.RepoRef;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code graft models pull <repo-id>[@revision]}: download a model from the Hugging Face Hub into the shared cache. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download what a model needs (config, tokenizer files, model.safetensors or pytorch_model.bin,"
                + " model card) from the Hugging Face Hub into the cache Python's huggingface_hub uses, so either tool"
                + " reuses the other's downloads. Honours HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, HF_HOME, HF_HUB_CACHE"
                + " and HF_HUB_DOWNLOAD_TIMEOUT (seconds without data before a download fails, default 60)."
                + " Interrupted or stalled downloads resume when run again.", ""})
final class PullCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REPO", description = "org/name[@revision], with or without the hf: prefix.")
    String repo;

    @Option(names = "--refresh", description = "Ask the Hub for the revision's latest commit even if the cache has one.")
    boolean refresh;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        RepoRef ref = RepoRef.parse(repo);
        HubClient hub = new HubClient(HubSettings.fromEnvironment());
        PulledModel m = hub.pull(ref, refresh ? HubClient.CachePolicy.CHECK_HUB : HubClient.CachePolicy.PREFER_CACHE,
                new BarProgress(System.err, quiet));
        var out = spec.commandLine().getOut();
        out.printf("%s at commit %s: %s%n", ref, m.commit(), m.downloaded() == 0 ? "already in the cache"
                : m.downloaded() + " file(s) downloaded");
        out.println("directory: " + m.directory());
        out.println("files:     " + String.join(", ", m.files()));
        String license = ModelCard.read(m.directory().resolve("README.md")).license().orElse(null);
        out.println("licence:   " + (license == null ? "unknown" : license));
        Licenses.trainingWarning(ref.repoId(), license).ifPresent(w -> System.err.println("warning: " + w));
        out.println("use it as: --model " + RepoRef.PREFIX + ref);
        return 0;
    }
}
