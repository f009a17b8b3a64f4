/** Optimisers with parameter groups keyed by stable parameter names. */
package dev.graft.training.optim;
