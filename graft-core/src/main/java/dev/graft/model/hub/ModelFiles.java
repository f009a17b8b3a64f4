package dev.graft.model.hub;

import dev.graft.model.ModelFileLimits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Which files of a repository an encoder needs; only these fixed names are ever downloaded. */
public final class ModelFiles {

    /** The model configuration. */
    public static final String CONFIG = "config.json";
    /** The preferred weights. */
    public static final String SAFETENSORS = "model.safetensors";
    /** The fallback weights, read without executing pickle. */
    public static final String PYTORCH = "pytorch_model.bin";
    /** The model card, for the licence. */
    public static final String README = "README.md";

    /** Tokenizer, preprocessing and sentence-transformers files fetched when the repository has them. */
    public static final List<String> OPTIONAL = List.of("tokenizer.json", "vocab.txt", "tokenizer_config.json",
            "special_tokens_map.json", "vocab.json", "merges.txt", "sentencepiece.bpe.model", "spiece.model",
            "preprocessor_config.json", "modules.json", "sentence_bert_config.json", "1_Pooling/config.json", README);

    private ModelFiles() {
    }

    /**
     * Refuses to download {@code filename} when the Hub announces more bytes than such a file may have
     * ({@link ModelFileLimits#maxBytes}): a multi-megabyte {@code config.json} is broken or hostile.
     *
     * @param size the size the Hub announced, or -1 when it announced none
     * @return the most bytes to accept while downloading it, or -1 for no limit (weights)
     * @throws HubException if the announced size is over the limit
     */
    public static long limit(String filename, long size, RepoRef ref) throws HubException {
        long limit = ModelFileLimits.maxBytes(filename);
        if (limit >= 0 && size > limit) {
            throw new HubException(HubException.Kind.INTEGRITY, ModelFileLimits.tooLarge(filename + " of " + ref, filename, size, limit)
                    .getMessage() + ". It was not downloaded: the repository is broken; ask its owner or pick another revision.");
        }
        return limit;
    }

    /**
     * The files to download from a repository listing: {@code config.json}, weights ({@code model.safetensors},
     * else {@code pytorch_model.bin}) and each {@link #OPTIONAL} file present.
     *
     * @throws HubException if the repository lacks a config or weights
     */
    public static List<String> select(Collection<String> available, RepoRef ref) throws HubException {
        if (!available.contains(CONFIG)) {
            throw new HubException(HubException.Kind.NOT_FOUND, ref + " has no " + CONFIG
                    + "; it is not a Transformers model Graft can load");
        }
        List<String> out = new ArrayList<>();
        out.add(CONFIG);
        if (available.contains(SAFETENSORS)) {
            out.add(SAFETENSORS);
        } else if (available.contains(PYTORCH)) {
            out.add(PYTORCH);
        } else {
            boolean sharded = available.stream().anyMatch(f -> f.endsWith(".index.json"));
            throw new HubException(HubException.Kind.NOT_FOUND, ref + " has no " + SAFETENSORS + " or " + PYTORCH
                    + (sharded ? " (its checkpoint is sharded, which Graft does not read yet)" : ""));
        }
        for (String f : OPTIONAL) {
            if (available.contains(f)) {
                out.add(f);
            }
        }
        return out;
    }
}
