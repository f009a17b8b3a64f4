/**
 * Reads PyTorch {@code .bin}/{@code .pth} checkpoints (the zip format of {@code torch.save}, PyTorch 1.6 and later)
 * without executing pickled code. {@link dev.graft.tensor.pickle.TorchCheckpoint} is the entry point; a restricted
 * unpickler interprets only the opcodes a {@code state_dict} needs and accepts only an allow-list of globals
 * ({@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, storage types, ...). Every size read
 * from the file is bounded before memory is allocated; malformed or hostile files fail with a
 * {@link dev.graft.tensor.pickle.PickleException}.
 */
package dev.graft.tensor.pickle;
