package dev.tracegate.gateway.proxy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Tempo HTTP API paths a tenant may reach through {@code /api/traces/v1/<tenant>/tempo/...}: Tempo's query API
 * and its user-configurable overrides, nothing else. Tempo's administrative endpoints ({@code /shutdown},
 * {@code /flush}, {@code /metrics}, {@code /status/*}, {@code /debug/pprof/*}, {@code /ready}...) serve every tenant at
 * once, so they are not here and the gateway answers 404 for them. README.md prints this table.
 * <p>
 * Paths are matched after Vert.x's normalisation (dot segments removed, unreserved characters decoded) and the
 * matched path is exactly the one sent upstream. A variable segment takes no {@code ;}, {@code /} or {@code \}, so
 * Tempo routes the same path we checked; a tag name may carry percent-encoded bytes, which Tempo decodes once
 * itself, but none that decodes to a dot segment, a {@code %}, a backslash or a control character.
 */
public final class TempoApi {

    /** One allowed path: the pattern as documented, the metrics group, and whether writes are allowed on it. */
    public record Endpoint(String path, String group, boolean writable, Pattern regex) {

        Endpoint(String path, String group, boolean writable) {
            this(path, group, writable, Pattern.compile(path
                    .replace("<traceID>", TRACE_ID)
                    .replace("<tag>", TAG_NAME)));
        }
    }

    private static final String TRACE_ID = "[0-9A-Fa-f]{1,32}";
    /**
     * A tag name such as {@code service.name}, {@code span.http.status_code} or {@code resource.k8s.pod-name}; any
     * other character percent-encoded, as Grafana's Tempo datasource sends it ({@code span%3Astatus},
     * {@code k8s.pod.labels.app.kubernetes.io%2Fname}, a quoted name with spaces) and Tempo decodes it. Not
     * {@code %25} (Tempo would be handed a {@code %} to decode again), {@code %5C} or a control character.
     */
    private static final String TAG_NAME = "(?!\\.+/)(?:[A-Za-z0-9._:@-]"
            + "|%(?!25|5[Cc]|[01][0-9A-Fa-f]|7[Ff])[0-9A-Fa-f]{2}){1,256}";
    /** An encoded slash or dot, which a router that decodes the path could take for a segment separator or dot. */
    private static final Pattern ENCODED_SLASH_OR_DOT = Pattern.compile("%2[FfEe]");

    /** Read with GET or HEAD; the overrides API also with POST, PUT, PATCH and DELETE (permission write). */
    public static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("/api/traces/<traceID>", "traces", false),
            new Endpoint("/api/v2/traces/<traceID>", "traces", false),
            new Endpoint("/api/search", "search", false),
            new Endpoint("/api/search/tags", "tags", false),
            new Endpoint("/api/v2/search/tags", "tags", false),
            new Endpoint("/api/search/tag/<tag>/values", "tags", false),
            new Endpoint("/api/v2/search/tag/<tag>/values", "tags", false),
            new Endpoint("/api/metrics/query", "metrics", false),
            new Endpoint("/api/metrics/query_range", "metrics", false),
            new Endpoint("/api/echo", "echo", false),
            new Endpoint("/api/status/buildinfo", "status", false),
            new Endpoint("/api/overrides", "overrides", true));

    private TempoApi() {
    }

    /** The endpoints without a variable segment, by path: most requests (search, tags) need no pattern matched. */
    private static final Map<String, Endpoint> FIXED = ENDPOINTS.stream().filter(e -> !e.path().contains("<"))
            .collect(Collectors.toUnmodifiableMap(Endpoint::path, e -> e));
    private static final List<Endpoint> VARIABLE = ENDPOINTS.stream().filter(e -> e.path().contains("<")).toList();

    /** The endpoint a (normalised) Tempo path is, if it is one the gateway forwards. */
    public static Optional<Endpoint> find(String path) {
        Endpoint fixed = FIXED.get(path);
        if (fixed != null) {
            return Optional.of(fixed);
        }
        for (Endpoint endpoint : VARIABLE) {
            if (endpoint.regex().matcher(path).matches() && !hasEncodedDotSegment(path)) {
                return Optional.of(endpoint);
            }
        }
        return Optional.empty();
    }

    /** Whether the path, its encoded slashes and dots decoded, has a {@code .} or {@code ..} segment. */
    private static boolean hasEncodedDotSegment(String path) {
        if (!ENCODED_SLASH_OR_DOT.matcher(path).find()) {
            return false;
        }
        String decoded = path.replaceAll("%2[Ff]", "/").replaceAll("%2[Ee]", ".");
        for (String segment : decoded.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
