/**
 * Small file-system helpers shared by Graft's writers, chiefly {@link dev.graft.tensor.io.AtomicFiles}, which
 * writes a file so that readers see either the old content or the complete new content, never a partial file.
 */
package dev.graft.tensor.io;
