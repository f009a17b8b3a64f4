package dev.graft.model.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTP to the Hub: adds the token (only for the Hub's own host), follows redirects by hand (HEAD follows only
 * relative ones, as {@code huggingface_hub} does, so the Hub's {@code X-Linked-*} headers are kept), bounds every
 * response body read by {@link HubSettings#readTimeout()} ({@link IdleTimeoutInputStream}), and turns failures into
 * {@link HubException}s that say what to do and never contain the token.
 */
final class HubHttp {

    private static final int MAX_REDIRECTS = 10;

    private final HubSettings settings;
    private final HttpClient client;
    private final HttpResponse.BodyHandler<InputStream> bodyHandler;

    HubHttp(HubSettings settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder().connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        // the request timeout ends with the headers; every body read is bounded by the read timeout
        this.bodyHandler = info -> HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofInputStream(),
                in -> new IdleTimeoutInputStream(in, settings.readTimeout()));
    }

    HubSettings settings() {
        return settings;
    }

    /** {@code {endpoint}/api/models/{repo}/revision/{revision}}. */
    URI apiUri(RepoRef ref) {
        return URI.create(settings.endpoint() + "/api/models/" + ref.repoId() + "/revision/" + quote(ref.revision()));
    }

    /** {@code {endpoint}/{repo}/resolve/{revision}/{filename}}. */
    URI resolveUri(RepoRef ref, String revision, String filename) {
        StringBuilder path = new StringBuilder();
        for (String seg : filename.split("/")) {
            path.append('/').append(quote(seg));
        }
        return URI.create(settings.endpoint() + "/" + ref.repoId() + "/resolve/" + quote(revision) + path);
    }

    private static String quote(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** GET returning the body as a string, for API calls; non-2xx statuses throw. */
    String getString(URI uri, RepoRef ref, String what) throws HubException {
        HttpResponse<InputStream> r = send("GET", uri, null, ref, what, true);
        try (InputStream in = r.body()) {
            byte[] body = in.readNBytes(16 << 20);
            return new String(body, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw network(e);
        }
    }

    /** HEAD following only relative redirects; the last response (maybe a redirect) is returned. */
    HttpResponse<InputStream> head(URI uri, RepoRef ref, String what) throws HubException {
        return send("HEAD", uri, null, ref, what, false);
    }

    /** GET following all redirects, optionally with a Range header; the caller reads and closes the body. */
    HttpResponse<InputStream> get(URI uri, String range, RepoRef ref, String what) throws HubException {
        return send("GET", uri, range, ref, what, true);
    }

    private HttpResponse<InputStream> send(String method, URI uri, String range, RepoRef ref, String what,
            boolean followAbsolute) throws HubException {
        if (settings.offline()) {
            throw new IllegalStateException("offline mode makes no requests"); // callers check first
        }
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(current).timeout(settings.requestTimeout())
                    .method(method, HttpRequest.BodyPublishers.noBody()).header("Accept-Encoding", "identity")
                    .header("User-Agent", "graft/" + HubHttp.class.getPackage().getImplementationVersion());
            if (settings.token() != null && sameHost(current, settings.endpoint())) {
                b.header("Authorization", "Bearer " + settings.token());
            }
            if (range != null) {
                b.header("Range", range);
            }
            HttpResponse<InputStream> r;
            try {
                r = client.send(b.build(), bodyHandler);
            } catch (IOException e) {
                throw network(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HubException(HubException.Kind.NETWORK, "interrupted while " + what, e);
            }
            int code = r.statusCode();
            if (code >= 300 && code < 400 && code != 304) {
                Optional<String> location = r.headers().firstValue("Location");
                if (location.isEmpty()) {
                    close(r);
                    throw new HubException(HubException.Kind.PROTOCOL, settings.endpoint() + " redirected (HTTP "
                            + code + ") without a Location while " + what);
                }
                URI next;
                try {
                    next = current.resolve(location.get().trim());
                } catch (IllegalArgumentException e) {
                    close(r);
                    throw new HubException(HubException.Kind.PROTOCOL, settings.endpoint() + " redirected to an invalid "
                            + "URL while " + what);
                }
                // as huggingface_hub: a relative Location (renamed repository) is followed; an absolute one (the CDN)
                // is where the content lives, and HEAD keeps the Hub's own headers
                boolean relative = URI.create(location.get().trim()).getHost() == null;
                if (!followAbsolute && !relative) {
                    return r; // HEAD: keep the Hub's headers (X-Linked-Etag) rather than the CDN's
                }
                close(r);
                current = next;
                continue;
            }
            if (code >= 200 && code < 300) {
                return r;
            }
            close(r);
            throw status(code, r.headers().firstValue("X-Error-Code").orElse(""), ref, what);
        }
        throw new HubException(HubException.Kind.PROTOCOL, "more than " + MAX_REDIRECTS + " redirects while " + what);
    }

    private static boolean sameHost(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
                && a.getPort() == b.getPort();
    }

    private static void close(HttpResponse<InputStream> r) {
        try {
            r.body().close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private HubException status(int code, String errorCode, RepoRef ref, String what) {
        String page = settings.endpoint() + "/" + ref.repoId();
        boolean hasToken = settings.token() != null;
        if (code == 401 || (code == 403 && !errorCode.equals("GatedRepo") && !hasToken)) {
            return new HubException(HubException.Kind.ACCESS_DENIED, "the Hub refused access to " + ref.repoId()
                    + " (HTTP " + code + ") while " + what + ": the repository is private or gated, or does not exist. "
                    + (hasToken ? "The token in HF_TOKEN was not accepted or has no access to it; check the token."
                    : "If it exists, open " + page + ", accept its licence if asked, and set HF_TOKEN to an access "
                    + "token with read permission."));
        }
        if (code == 403) {
            return new HubException(HubException.Kind.ACCESS_DENIED, ref.repoId() + " is gated (HTTP 403) while "
                    + what + ": open " + page + " while logged in, accept its licence, and set HF_TOKEN to a token "
                    + "of that account" + (hasToken ? " (the current token has no access yet)" : "") + ".");
        }
        if (code == 404) {
            String msg = switch (errorCode) {
                case "RevisionNotFound" -> "revision '" + ref.revision() + "' does not exist in " + ref.repoId()
                        + " (HTTP 404); check the branch, tag or commit after '@'";
                case "EntryNotFound" -> "file not found in " + ref + " (HTTP 404) while " + what;
                default -> "no model " + ref.repoId() + " at revision '" + ref.revision() + "' on "
                        + settings.endpoint() + " (HTTP 404) while " + what + "; check the repository id (org/name) "
                        + "and revision";
            };
            return new HubException(HubException.Kind.NOT_FOUND, msg);
        }
        return new HubException(HubException.Kind.PROTOCOL, settings.endpoint() + " answered HTTP " + code
                + " while " + what + (code == 429 || code >= 500 ? "; the Hub is busy or failing, try again later"
                : ""));
    }

    HubException network(IOException e) {
        return new HubException(HubException.Kind.NETWORK, "cannot reach " + settings.endpoint() + " ("
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + "); check the network or HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use models already in the cache "
                + settings.cacheDir(), e);
    }
}
