/**
 * Run tracking: every training run's parameters, per-epoch metrics, tags (provenance) and artefacts, recorded in
 * MLflow's file-store layout ({@code mlruns/}) by {@link dev.graft.tracking.FileRunTracker} or sent to an MLflow
 * tracking server by {@link dev.graft.tracking.RestRunTracker}; {@link dev.graft.tracking.FileStoreReader} reads the
 * file store back.
 */
package dev.graft.tracking;
