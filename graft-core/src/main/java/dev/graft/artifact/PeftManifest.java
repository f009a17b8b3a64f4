package dev.graft.artifact;

import dev.graft.model.peft.PeftSpec;

/**
 * {@code peft.json} in a model directory trained with LoRA or adapters: what to attach to the
 * pretrained backbone in {@code backbone/} and where the trained values are.
 *
 * @param spec    the LoRA/adapter settings
 * @param weights file with the new parameters (and trained LayerNorms), by name relative to the BERT model
 */
public record PeftManifest(PeftSpec spec, String weights) {

    /** File name inside a model directory. */
    public static final String FILE = "peft.json";
    /** Weights file name inside a model directory. */
    public static final String WEIGHTS_FILE = "peft.safetensors";
}
