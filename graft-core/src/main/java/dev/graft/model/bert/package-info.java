/**
 * A BERT encoder as a DJL block, numerically equivalent to Hugging Face {@code BertModel}
 * ({@link dev.graft.model.bert.BertModel}), its configuration ({@link dev.graft.model.bert.BertConfig},
 * {@link dev.graft.model.bert.BertConfigInference}) and pretrained-weight import
 * ({@link dev.graft.model.bert.BertWeights}). Parameters carry Hugging Face names such as
 * {@code encoder.layer.0.attention.self.query.weight}.
 */
package dev.graft.model.bert;
