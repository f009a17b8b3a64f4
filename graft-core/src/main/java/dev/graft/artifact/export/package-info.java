/**
 * Writes trained Graft models in layouts other libraries load: Hugging Face Transformers ({@link
 * dev.graft.artifact.export.HfExport}) and PEFT ({@link dev.graft.artifact.export.PeftExport}).
 */
package dev.graft.artifact.export;
