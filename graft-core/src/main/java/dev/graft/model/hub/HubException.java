package dev.graft.model.hub;

import java.io.IOException;

/**
 * A Hub request, a model-jar download ({@link MavenDownloads}) or a cache look-up failed; {@link #kind()} says how, the
 * message says what to do.
 */
public final class HubException extends IOException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** HTTP 401/403: private or gated repository, or a token without access. */
        ACCESS_DENIED,
        /** HTTP 404: no such repository, revision or file. */
        NOT_FOUND,
        /** The server could not be reached, or a download was interrupted. */
        NETWORK,
        /** Offline mode and the cache does not hold what was asked for. */
        NOT_CACHED,
        /** A downloaded file does not match its checksum or size. */
        INTEGRITY,
        /** The server answered something Graft cannot use. */
        PROTOCOL
    }

    private final Kind kind;

    /**
     * @param kind    what went wrong
     * @param message what happened and how to fix it; never contains the token
     */
    public HubException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /**
     * @param kind    what went wrong
     * @param message what happened and how to fix it; never contains the token
     * @param cause   the underlying failure
     */
    public HubException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }
}
