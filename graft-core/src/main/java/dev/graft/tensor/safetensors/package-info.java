/**
 * Reader and writer for the Hugging Face <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format: an 8-byte little-endian header length {@code N}, {@code N} bytes of UTF-8 JSON describing each tensor's
 * dtype, shape and byte range, then the tensors' bytes.
 *
 * <p>Entry points: {@link dev.graft.tensor.safetensors.SafeTensors#open(java.nio.file.Path)} and
 * {@link dev.graft.tensor.safetensors.SafeTensors#write(java.nio.file.Path, java.util.Collection, java.util.Map)}.
 * Files are treated as untrusted: the header is validated as strictly as the reference implementation does
 * before any tensor is read, and every malformed input surfaces as a {@link java.io.IOException}.
 */
package dev.graft.tensor.safetensors;
