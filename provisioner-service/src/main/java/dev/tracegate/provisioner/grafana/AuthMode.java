package dev.tracegate.provisioner.grafana;

/** How Grafana authenticates to the gateway on behalf of a datasource. */
public enum AuthMode {
    /** Grafana forwards the signed-in user's OAuth token ({@code jsonData.oauthPassThru}). */
    FORWARD_OAUTH_IDENTITY,
    /** Grafana sends a fixed {@code Authorization: Bearer <token>} header. */
    BEARER_TOKEN
}
