/**
 * Hyperparameter search: a {@link dev.graft.tuning.SearchSpace} parsed from a one-line spec, TPE and
 * random {@link dev.graft.tuning.Sampler}s, median and ASHA {@link dev.graft.tuning.Pruner}s fed per
 * epoch through a {@link dev.graft.training.TrainingListener}, and a {@link dev.graft.tuning.Study}
 * stored in SQLite so that an interrupted search resumes.
 */
package dev.graft.tuning;
