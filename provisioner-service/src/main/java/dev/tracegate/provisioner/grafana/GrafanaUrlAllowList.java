package dev.tracegate.provisioner.grafana;

import dev.tracegate.tenants.TenantsValidator;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code tracegate.grafana.allowed-urls}: the Grafana instances, as origins (scheme, host and port), that a
 * TempoGateway's {@code spec.grafana.url} may name. Whoever may write a TempoGateway chooses that URL, and the
 * provisioner calls it from inside the cluster with the credentials the TempoGateway names: without the list, such
 * a user can make the provisioner send requests to any service it reaches. Absent, any URL is allowed (a cluster where
 * only its administrators write TempoGateways). The path is not compared: it does not choose the server.
 */
@Singleton
public final class GrafanaUrlAllowList {
    public static final String KEY = "tracegate.grafana.allowed-urls";

    /** The allowed origins, {@code scheme://host:port} with the port always written; null when any is allowed. */
    private final Set<String> origins;

    @Inject
    public GrafanaUrlAllowList(GrafanaConfig config) {
        this(originsOf(config.allowedUrls()));
    }

    private GrafanaUrlAllowList(Set<String> origins) {
        this.origins = origins;
    }

    /**
     * @throws IllegalArgumentException naming the entry (by its position, never its value) that is not an origin
     */
    public static GrafanaUrlAllowList of(Optional<List<String>> entries) {
        return new GrafanaUrlAllowList(originsOf(entries));
    }

    private static Set<String> originsOf(Optional<List<String>> entries) {
        if (entries.isEmpty()) {
            return null;
        }
        Set<String> origins = new LinkedHashSet<>();
        List<String> list = entries.get();
        for (int i = 0; i < list.size(); i++) {
            String entry = list.get(i).trim();
            String problem = TenantsValidator.serverUrlProblem(entry);
            URI uri = problem == null ? URI.create(entry) : null;
            if (uri != null && !isOriginOnly(uri)) {
                problem = "must be an origin (scheme, host and optional port) without a path, query or fragment";
            }
            if (problem != null) {
                throw new IllegalArgumentException("entry " + (i + 1) + " " + problem);
            }
            origins.add(origin(uri));
        }
        return Set.copyOf(origins);
    }

    private static boolean isOriginOnly(URI uri) {
        String path = uri.getRawPath();
        return (path == null || path.isEmpty() || path.equals("/")) && uri.getRawQuery() == null && uri.getRawFragment() == null;
    }

    public boolean allows(URI url) {
        return origins == null || url != null && url.getScheme() != null && url.getHost() != null && origins.contains(origin(url));
    }

    /** Why a URL is not allowed, naming the field and the setting; null when it is. */
    public String problem(String field, URI url) {
        return allows(url) ? null : field + " " + origin(url) + " is not among the provisioner's " + KEY;
    }

    /** {@code scheme://host:port}, lower case, with the scheme's default port written out. */
    static String origin(URI url) {
        if (url == null || url.getScheme() == null || url.getHost() == null) {
            return "(no origin)";
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        int port = url.getPort() >= 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
