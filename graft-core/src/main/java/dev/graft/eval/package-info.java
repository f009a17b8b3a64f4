/** Evaluation of trained models on labelled data (reports and tracking build on it). */
package dev.graft.eval;
