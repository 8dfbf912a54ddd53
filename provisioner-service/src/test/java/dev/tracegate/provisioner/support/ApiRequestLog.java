package dev.tracegate.provisioner.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Every request the provisioner made to the (mock) API server in this test JVM, as RBAC sees it: one line per
 * request in a file, because the Quarkus applications of the suite and the check that reads it after them do not
 * share a class loader.
 */
public final class ApiRequestLog {
    private static final Path FILE = Path.of("target", "kubernetes-api-requests-" + ProcessHandle.current().pid() + ".tsv");

    private ApiRequestLog() {
    }

    /**
     * One request in RBAC's terms; {@code group} is "" for the core API, {@code name} "" when the request names none,
     * {@code labelSelector} "" when it has none (RBAC cannot see it, but what a list or watch holds depends on it).
     * For a Route created or updated, what OpenShift's route admission looks at besides: {@code routeHost}, the
     * spec.host the request sends, and {@code routeHostBefore}, the one of the Route it replaces ("" for none,
     * {@link RouteHosts#UNKNOWN} when not known); both "" for any other request.
     */
    public record ApiRequest(String verb, String group, String resource, String subresource, String namespace, String name,
                             String ownNamespace, String labelSelector, String routeHostBefore, String routeHost) {

        public ApiRequest(String verb, String group, String resource, String subresource, String namespace, String name, String ownNamespace) {
            this(verb, group, resource, subresource, namespace, name, ownNamespace, "", "", "");
        }

        /** A Route's write, with its host and the host of the Route it replaces. */
        public ApiRequest withRouteHosts(String before, String host) {
            return new ApiRequest(verb, group, resource, subresource, namespace, name, ownNamespace, labelSelector, before, host);
        }

        public boolean isRoute() {
            return group.equals(RouteHosts.GROUP) && resource.equals("routes") && subresource.isEmpty();
        }

        /** "resource" or "resource/subresource", as RBAC rules write it. */
        public String resourcePath() {
            return subresource.isEmpty() ? resource : resource + "/" + subresource;
        }

        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "core" : group) + " " + resourcePath()
                    + (namespace.isEmpty() ? "" : " in " + namespace) + (name.isEmpty() ? "" : " named " + name);
        }

        String line() {
            return String.join("\t", verb, group, resource, subresource, namespace, name, ownNamespace, labelSelector,
                    routeHostBefore, routeHost);
        }

        static ApiRequest parse(String line) {
            String[] f = line.split("\t", -1);
            return new ApiRequest(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]);
        }
    }

    /**
     * The request for a method and URI of the Kubernetes API, or null for discovery and other non-resource paths
     * (/version, /api, /apis: every authenticated user may read them).
     */
    public static ApiRequest describe(String method, URI uri, String ownNamespace) {
        String[] p = uri.getPath().replaceAll("^/+|/+$", "").split("/");
        int i;
        String group;
        if (p.length >= 3 && p[0].equals("api")) {
            group = "";
            i = 2;
        } else if (p.length >= 4 && p[0].equals("apis")) {
            group = p[1];
            i = 3;
        } else {
            return null;
        }
        String namespace = "";
        if (p.length > i + 2 && p[i].equals("namespaces")) {
            namespace = p[i + 1];
            i += 2;
        }
        String resource = p[i];
        String name = p.length > i + 1 ? p[i + 1] : "";
        String subresource = p.length > i + 2 ? p[i + 2] : "";
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        String labelSelector = "";
        for (String parameter : query.split("&")) {
            if (name.isEmpty() && parameter.startsWith("fieldSelector=metadata.name=")) {
                // A list or watch of one object by field selector is authorized against its name.
                name = parameter.substring("fieldSelector=metadata.name=".length());
            } else if (parameter.startsWith("labelSelector=")) {
                labelSelector = parameter.substring("labelSelector=".length());
            }
        }
        boolean collection = p.length == i + 1;
        String verb = switch (method) {
            case "GET" -> query.matches("(.*&)?watch=(true|1)(&.*)?") ? "watch" : collection ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> collection ? "deletecollection" : "delete";
            default -> method.toLowerCase();
        };
        return new ApiRequest(verb, group, resource, subresource, namespace, name, ownNamespace, labelSelector, "", "");
    }

    public static synchronized void append(ApiRequest request) {
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, request.line() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What this JVM recorded so far; empty when no provisioner ran. */
    public static List<ApiRequest> read() {
        try {
            return Files.exists(FILE) ? Files.readAllLines(FILE).stream().filter(l -> !l.isBlank()).map(ApiRequest::parse).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
