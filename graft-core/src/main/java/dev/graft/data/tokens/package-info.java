/**
 * Data for token classification (named-entity recognition): entity tags and their schemes
 * ({@link dev.graft.data.tokens.Tag}, {@link dev.graft.data.tokens.TagScheme}: IOB1, IOB2, BIOES; detection,
 * conversion, {@link dev.graft.data.tokens.TagRepair}), the entities of a tag sequence as seqeval reads them
 * ({@link dev.graft.data.tokens.Chunks}), CoNLL and JSON Lines readers ({@link dev.graft.data.tokens.TaggedCorpusReader}),
 * and the alignment of word tags with a tokenizer's sub-tokens, windows over long sentences and the way back from
 * sub-token predictions to words and characters ({@link dev.graft.data.tokens.TokenClassificationEncoder}).
 */
package dev.graft.data.tokens;
