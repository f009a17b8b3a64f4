package dev.graft.artifact;

import dev.graft.data.LabelMap;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.tensor.safetensors.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The class labels a head file ({@code head.safetensors}) stores with its weights, under the safetensors metadata
 * key {@value #KEY} (one label per line, in index order), and their check against the labels of the manifest: the
 * head's output {@code i} means the label stored at {@code i}, so a manifest whose labels were renamed or reordered
 * would mislabel every prediction. Head files without stored labels (written by hand or by another tool) cannot be
 * checked and are accepted as before.
 */
final class HeadLabels {

    /** The metadata key holding the labels. */
    static final String KEY = "labels";

    private HeadLabels() {
    }

    /** The metadata a head file is written with: its format and {@code labels}. */
    static Map<String, String> metadata(LabelMap labels) {
        return Map.of("format", "graft-head", KEY, String.join("\n", labels.labels()));
    }

    /**
     * Checks that {@code headFile} stores {@code labels} (the manifest's, in index order).
     *
     * @param manifestFile named in the message
     * @throws IllegalArgumentException naming both files and the first label that differs
     */
    static void check(Path headFile, List<String> labels, Path manifestFile) throws IOException {
        String stored;
        try (SafeTensorsFile st = SafeTensors.open(headFile)) {
            stored = st.metadata().get(KEY);
        }
        if (stored == null || stored.equals(String.join("\n", labels))) {
            return;
        }
        List<String> trained = Arrays.asList(stored.split("\n", -1));
        String difference = null;
        for (int i = 0; i < Math.min(trained.size(), labels.size()) && difference == null; i++) {
            if (!trained.get(i).equals(labels.get(i))) {
                difference = "class " + i + " is '" + labels.get(i) + "' in " + manifestFile.getFileName() + " but was trained as '"
                        + trained.get(i) + "'";
            }
        }
        if (difference == null) {
            difference = manifestFile.getFileName() + " lists " + labels.size() + " labels but the head was trained on " + trained.size();
        }
        throw new IllegalArgumentException("The labels in " + manifestFile + " do not match those stored in " + headFile
                + " when the model was trained: " + difference + " (trained labels: " + trained + "). Every prediction would"
                + " carry the wrong label; restore the labels of the manifest or retrain.");
    }
}
