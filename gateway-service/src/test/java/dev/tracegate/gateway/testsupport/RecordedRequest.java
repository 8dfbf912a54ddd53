package dev.tracegate.gateway.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request as the {@link TempoStandIn} received it, body complete.
 * <p>
 * {@link #path()} and {@link #query()} are raw, as on the request line (not percent-decoded); {@link #headers()} is
 * a case-insensitive multi-map (header name → values in arrival order).
 */
public final class RecordedRequest {

    private final String method;
    private final String path;
    private final String query;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final String remoteAddress;

    public RecordedRequest(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
            String remoteAddress) {
        this.method = method;
        this.path = path;
        this.query = query;
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
        copy.replaceAll((name, values) -> List.copyOf(values));
        this.headers = Collections.unmodifiableMap(copy);
        this.body = body.clone();
        this.remoteAddress = remoteAddress;
    }

    public RecordedRequest(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        this(method, path, query, headers, body, null);
    }

    /** GET, HEAD, POST... */
    public String method() {
        return method;
    }

    /** The raw path, e.g. {@code /api/traces/0af7651916cd43dd8448eb211c80319c}. */
    public String path() {
        return path;
    }

    /** The raw query string without {@code ?}, or null if the request had none. */
    public String query() {
        return query;
    }

    /** {@code path?query} (or just the path). */
    public String uri() {
        return query == null ? path : path + "?" + query;
    }

    /** All headers, case-insensitive names. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of a header (any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** All values of a header (any case); empty if absent. */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /** Whether the header is present (any case). */
    public boolean hasHeader(String name) {
        return headers.containsKey(name);
    }

    /** The {@code X-Scope-OrgID} header (the Tempo tenant), or null. */
    public String orgId() {
        return header("X-Scope-OrgID");
    }

    /** The body bytes exactly as received (still gzip-compressed if sent so). A copy. */
    public byte[] body() {
        return body.clone();
    }

    public int bodyLength() {
        return body.length;
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The client's {@code host:port} (the gateway's side of the connection), e.g. to tell connections apart. */
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        // header values left out: a leaked Authorization header must not end up in a test report
        return method + " " + uri() + " headers=" + headers.keySet() + " body=" + body.length + " bytes";
    }
}
