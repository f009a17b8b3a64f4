package dev.graft.model.card;

import java.util.Locale;
import java.util.Optional;

/** Classifies model licences so that training can warn before a model's terms are ignored by accident. */
public final class Licenses {

    /** How freely a licence lets the adapted model be used. */
    public enum Status {
        /** A known licence without a non-commercial clause (it may still have conditions, e.g. attribution). */
        PERMISSIVE,
        /** Forbids commercial use (cc-by-nc-*, research-only, ...). */
        NON_COMMERCIAL,
        /** No licence stated, or a custom one ({@code other}) Graft cannot judge. */
        UNKNOWN
    }

    private Licenses() {
    }

    /** The status of a licence id as model cards spell it ({@code apache-2.0}, {@code cc-by-nc-4.0}, ...). */
    public static Status status(String license) {
        if (license == null || license.isBlank()) {
            return Status.UNKNOWN;
        }
        String l = license.strip().toLowerCase(Locale.ROOT);
        if (l.equals("unknown") || l.equals("other") || l.equals("none") || l.equals("unlicensed")) {
            return Status.UNKNOWN;
        }
        if (l.matches(".*(^|[-_ ])nc([-_ ]|$).*") || l.contains("non-commercial") || l.contains("noncommercial")
                || l.contains("non_commercial") || l.contains("research-only") || l.contains("research only")) {
            return Status.NON_COMMERCIAL;
        }
        return Status.PERMISSIVE;
    }

    /**
     * A warning for training to print, naming the licence, or empty when the licence is known and commercial use is
     * not excluded. This is the hook {@code graft train} calls.
     *
     * @param modelId the model, for the message
     * @param license the licence id, or null when the card states none
     */
    public static Optional<String> trainingWarning(String modelId, String license) {
        switch (status(license)) {
            case NON_COMMERCIAL:
                return Optional.of("the licence of " + modelId + " is '" + license + "', which does not allow "
                        + "commercial use; a model adapted from it inherits that restriction");
            case UNKNOWN:
                return Optional.of("the licence of " + modelId + " is "
                        + (license == null || license.isBlank() || license.equalsIgnoreCase("unknown") ? "unknown"
                        : "'" + license + "' (custom)") + "; check the model page before using the adapted model");
            default:
                return Optional.empty();
        }
    }
}
