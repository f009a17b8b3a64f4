package dev.graft.model;

import dev.graft.tensor.io.DirectoryKind;
import java.util.Set;

/** The kind of directory that holds a pretrained backbone Graft wrote (imported, pre-trained, or a cached variant). */
public final class BackboneDirectory {

    /** A backbone directory; older ones are recognised by their {@code backbone.json}. */
    public static final DirectoryKind KIND = new DirectoryKind("backbone", "Graft backbone", "backbone.json",
            Set.of("backbone.json", "model.onnx", "model.safetensors", "config.json", "tokenizer.json", "preprocessor_config.json",
                    "mlm_head.safetensors", "pretraining.json"), "\"id\"");

    private BackboneDirectory() {
    }
}
