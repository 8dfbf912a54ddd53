package dev.tracegate.provisioner.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.provisioner.support.ApiRequestLog.ApiRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The spec.host of each Route on the mock API server, followed from the writes it accepted through the
 * application's client (the tests' own too: a Route a test made or edited by hand), so that a Route's update can be
 * told to change its host or not: OpenShift's route admission checks a right of its own for a new host.
 */
final class RouteHosts {
    static final String GROUP = "route.openshift.io";
    /** The host of a Route whose writes were not all seen, or of a patch that replaced its spec whole. */
    static final String UNKNOWN = "?";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> hosts = new ConcurrentHashMap<>();

    /** The request, with the hosts it sends and replaces when it creates or updates a Route. */
    ApiRequest describe(ApiRequest request, String body) {
        if (!request.isRoute() || !request.verb().equals("create") && !request.verb().equals("update")) {
            return request;
        }
        JsonNode route = parse(body);
        String before = request.verb().equals("create") ? "" : hosts.getOrDefault(key(request, route), UNKNOWN);
        return request.withRouteHosts(before, route == null ? UNKNOWN : route.path("spec").path("host").asText(""));
    }

    /** The API server accepted the request: the Route's host is now the one it set. */
    void accepted(ApiRequest request, String body) {
        if (!request.isRoute()) {
            return;
        }
        JsonNode sent = parse(body);
        String key = key(request, sent);
        switch (request.verb()) {
            case "create", "update" -> {
                String host = sent == null ? UNKNOWN : sent.path("spec").path("host").asText("");
                // An update without a host keeps the Route's (openshift-apiserver's PrepareForUpdate).
                if (!host.isEmpty() || request.verb().equals("create")) {
                    hosts.put(key, host);
                }
            }
            case "patch" -> patched(key, sent);
            case "delete" -> hosts.remove(key);
            default -> {
            }
        }
    }

    /** A JSON patch (kubectl edit, fabric8's edit) or a merge patch: only one that names spec.host changes it. */
    private void patched(String key, JsonNode patch) {
        if (patch == null) {
            hosts.put(key, UNKNOWN);
        } else if (patch.isArray()) {
            for (JsonNode op : patch) {
                String path = op.path("path").asText();
                if (path.equals("/spec/host")) {
                    hosts.put(key, op.path("op").asText().equals("remove") ? "" : op.path("value").asText(""));
                } else if (path.equals("/spec") || path.isEmpty()) {
                    hosts.put(key, UNKNOWN);
                }
            }
        } else if (patch.path("spec").has("host")) {
            hosts.put(key, patch.path("spec").path("host").asText(""));
        }
    }

    /** "namespace/name"; a create names its Route in the body only. */
    private static String key(ApiRequest request, JsonNode body) {
        boolean inBody = request.name().isEmpty() && body != null;
        String name = inBody ? body.path("metadata").path("name").asText() : request.name();
        return request.namespace() + "/" + name;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
