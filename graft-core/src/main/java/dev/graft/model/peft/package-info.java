/**
 * Parameter-efficient transfer for the BERT encoder: LoRA low-rank updates and Houlsby bottleneck
 * adapters, both attached to {@link dev.graft.model.bert.BertLinear}s as
 * {@link dev.graft.model.bert.LinearDelta}s and configured by one {@link dev.graft.model.peft.PeftSpec}.
 */
package dev.graft.model.peft;
