/** The lowest layer: small, dependency-free helpers (hashing, progress reporting, Graft's home directory). */
package dev.graft.util;
