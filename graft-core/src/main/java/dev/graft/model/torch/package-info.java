/**
 * libtorch operations that DJL's API does not reach, run as small TorchScript modules that Graft
 * writes itself (no Python at build or run time).
 */
package dev.graft.model.torch;
