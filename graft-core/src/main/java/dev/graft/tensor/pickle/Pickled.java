package dev.graft.tensor.pickle;

import java.util.Arrays;
import java.util.List;

/** The values a restricted unpickle produces besides strings, numbers, booleans, lists and maps. */
final class Pickled {

    private Pickled() {
    }

    /** A global the allow-list admitted, e.g. {@code collections.OrderedDict}. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** An immutable pickled tuple. */
    record Tuple(List<Object> items) {
        Tuple {
            items = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(items));
        }
    }

    /** A storage named by a persistent id: its bytes are the zip entry {@code data/<key>}. */
    record StorageRef(TorchDtype dtype, String key, long numel) {
    }

    /** A tensor view on a storage, as {@code torch._utils._rebuild_tensor_v2} describes it. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
        @Override
        public String toString() {
            return "tensor(storage " + storage.key() + ", offset " + offset + ", size " + Arrays.toString(size)
                    + ", stride " + Arrays.toString(stride) + ")";
        }
    }
}
