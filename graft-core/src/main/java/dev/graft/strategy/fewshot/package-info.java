/** Few-shot classification on frozen embeddings: class prototypes and episodic evaluation. */
package dev.graft.strategy.fewshot;
