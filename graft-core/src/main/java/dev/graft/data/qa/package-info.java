/**
 * Data for extractive question answering: SQuAD v1.1/v2.0 JSON and JSON Lines ({@link dev.graft.data.qa.SquadReader},
 * which lists what it leaves out by question id), question-first windows over long contexts with offsets back to
 * the context ({@link dev.graft.data.qa.QaEncoder}), and the n-best span search over start/end scores with the
 * v2.0 no-answer decision ({@link dev.graft.data.qa.SpanSearch}).
 */
package dev.graft.data.qa;
