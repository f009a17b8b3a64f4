/**
 * {@code graft serve}: a trained model behind an HTTP JSON API ({@link dev.graft.serve.ModelServer}) on Javalin, with
 * dynamic micro-batching of concurrent requests ({@link dev.graft.serve.MicroBatcher}), request limits, Prometheus
 * metrics ({@link dev.graft.serve.ServeMetrics}) and a graceful shutdown.
 */
package dev.graft.serve;
