/**
 * Training: the {@link dev.graft.training.Learner} loop with validation, early stopping and
 * best-weight restoration, learning-rate schedules, and (in {@code optim}) optimisers with
 * parameter groups. Depends on models, data and metrics; never on strategies or the CLI.
 */
package dev.graft.training;
