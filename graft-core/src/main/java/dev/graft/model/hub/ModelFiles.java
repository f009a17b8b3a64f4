package dev.graft.model.hub;

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
