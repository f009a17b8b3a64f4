/**
 * Models layer: pretrained backbones (text in {@code text} and {@code bert}), task heads, and
 * the naming contract for their parameters. Depends only on {@code dev.graft.tensor} and
 * {@code dev.graft.util}.
 */
package dev.graft.model;
