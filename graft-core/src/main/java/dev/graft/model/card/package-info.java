/**
 * What a pretrained model is and may be used for: {@link dev.graft.model.card.ModelCard} reads the licence from a
 * Hugging Face model card's YAML front matter, {@link dev.graft.model.card.Licenses} flags unknown and
 * non-commercial licences, and {@link dev.graft.model.card.ModelInspector} summarises a model directory for
 * {@code graft models info}.
 */
package dev.graft.model.card;
