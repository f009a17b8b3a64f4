/** The top of the library: one-line entry points over strategies, models and data. */
package dev.graft.api;
