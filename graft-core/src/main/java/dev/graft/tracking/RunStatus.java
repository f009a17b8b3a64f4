package dev.graft.tracking;

/** MLflow's run states, with the integer codes its file store writes in {@code meta.yaml}. */
public enum RunStatus {
    RUNNING(1), SCHEDULED(2), FINISHED(3), FAILED(4), KILLED(5);

    private final int code;

    RunStatus(int code) {
        this.code = code;
    }

    /** The integer MLflow's file store writes for this state. */
    public int code() {
        return code;
    }

    /** The state with this file-store code. */
    public static RunStatus ofCode(int code) {
        for (RunStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown MLflow run status code " + code + "; expected 1 to 5");
    }
}
