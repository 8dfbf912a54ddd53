package dev.tracegate.provisioner.grafana;

import java.net.URI;

/**
 * How to reach one Grafana and who to be there.
 *
 * @param url      Grafana's base URL (e.g. {@code https://grafana.example:3000}); a path prefix is kept
 * @param token    a Grafana service-account token, sent as {@code Authorization: Bearer}; wins over basic auth
 * @param username basic-auth user, used when {@code token} is blank
 * @param password basic-auth password
 * @param orgId    sent as {@code X-Grafana-Org-Id} when set
 * @param caPem    PEM certificate(s) to trust for Grafana's own https; null means the JVM's trust store
 */
public record GrafanaConnection(URI url, String token, String username, String password, Long orgId, String caPem) {

    /** Convenience: a connection with a service-account token and no org or CA. */
    public static GrafanaConnection withToken(URI url, String token) {
        return new GrafanaConnection(url, token, null, null, null, null);
    }

    /** Convenience: a connection with basic auth and no org or CA. */
    public static GrafanaConnection withBasicAuth(URI url, String username, String password) {
        return new GrafanaConnection(url, null, username, password, null, null);
    }

    public boolean hasToken() {
        return token != null && !token.isBlank();
    }

    /** Never prints the token or the password: records would otherwise put them in every log line. */
    @Override
    public String toString() {
        return "GrafanaConnection[url=" + url + ", auth=" + (hasToken() ? "token" : username != null ? "basic(" + username + ")" : "none")
                + ", orgId=" + orgId + ", ca=" + (caPem != null) + "]";
    }
}
