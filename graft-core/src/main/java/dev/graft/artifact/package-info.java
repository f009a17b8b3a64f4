/**
 * Trained-model artefacts: the {@link dev.graft.artifact.TextClassifier}, its self-contained
 * directory format written atomically, manifest and provenance.
 */
package dev.graft.artifact;
