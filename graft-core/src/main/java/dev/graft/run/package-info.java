/**
 * Whole runs, as the command line does them and a Java caller gets them in one call: {@link dev.graft.run.TrainingRun}
 * (read, train, save with metrics, report and baselines, record), configured by a {@link dev.graft.run.TrainingRequest}
 * and a {@link dev.graft.run.TrainingStrategy} from {@link dev.graft.run.Strategies}; {@link dev.graft.run.RunRecorder}
 * records any run (training, adaptation, a search); the deciding runs {@link dev.graft.run.TuningRun},
 * {@link dev.graft.run.StrategyComparisonRun}, {@link dev.graft.run.BackboneRankingRun} and
 * {@link dev.graft.run.LrFinderRun}, each with its request and result. Sits above eval, report, tracking, selection and tuning; below api.
 */
package dev.graft.run;
