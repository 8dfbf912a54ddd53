package dev.tracegate.provisioner.datasources;

import dev.tracegate.provisioner.crd.DatasourceSpec;
import dev.tracegate.provisioner.crd.GatewaySpec;
import dev.tracegate.provisioner.crd.GrafanaCredentials;
import dev.tracegate.provisioner.crd.GrafanaSpec;
import dev.tracegate.provisioner.crd.SecretKeyRef;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.grafana.AuthMode;
import dev.tracegate.provisioner.grafana.DatasourceRequest;
import dev.tracegate.provisioner.grafana.GrafanaConnection;
import dev.tracegate.provisioner.kube.SecretData;
import dev.tracegate.provisioner.kube.SecretLookup;
import dev.tracegate.tenants.TenantsValidator;
import io.fabric8.kubernetes.api.model.Secret;
import java.net.URI;
import java.util.Optional;

/** Turns spec.grafana and the Secrets it names into a {@link GrafanaConnection} and a {@link DatasourceRequest}. Pure. */
public final class GrafanaTargetResolver {
    public static final String CREDENTIALS_MISSING = "GrafanaCredentialsMissing";
    public static final String SECRET_MISSING = "SecretMissing";
    public static final String INVALID_SPEC = "InvalidSpec";

    private GrafanaTargetResolver() {
    }

    public static GrafanaTarget resolve(TempoGateway gateway, SecretLookup secrets) {
        GrafanaSpec grafana = gateway.getSpec().grafana;
        String namespace = gateway.getMetadata().getNamespace();
        GrafanaTarget connection = connection(gateway, secrets);
        if (!connection.resolved()) {
            return connection;
        }
        GatewaySpec gw = gateway.getSpec().gateway;
        boolean throughGateway = gw == null || gw.routesThroughGateway();
        if (throughGateway && (gw == null || gw.url == null)) {
            return GrafanaTarget.missing(INVALID_SPEC, "spec.gateway.url is required for datasources through the gateway (or set spec.gateway.enabled: false)");
        }
        String gatewayUrlProblem = throughGateway ? TenantsValidator.serverUrlProblem(gw.url) : null;
        if (gatewayUrlProblem != null) {
            return GrafanaTarget.missing(INVALID_SPEC, "spec.gateway.url: " + gatewayUrlProblem);
        }
        DatasourceSpec ds = grafana.datasource == null ? new DatasourceSpec() : grafana.datasource;
        AuthMode mode = ds.authentication == DatasourceSpec.Authentication.BEARER_TOKEN ? AuthMode.BEARER_TOKEN : AuthMode.FORWARD_OAUTH_IDENTITY;
        String bearer = null;
        if (throughGateway && mode == AuthMode.BEARER_TOKEN) {
            if (ds.tokenSecret == null) {
                return GrafanaTarget.missing(INVALID_SPEC, "spec.grafana.datasource.tokenSecret is required for authentication BearerToken");
            }
            Optional<String> token = value(namespace, ds.tokenSecret, secrets);
            if (token.isEmpty()) {
                return GrafanaTarget.missing(SECRET_MISSING, describe("datasource token", ds.tokenSecret));
            }
            bearer = token.get().trim();
        }
        String datasourceCa = null;
        if (ds.caSecret != null) {
            Optional<String> ca = value(namespace, ds.caSecret, secrets);
            if (ca.isEmpty()) {
                return GrafanaTarget.missing(SECRET_MISSING, describe("datasource CA", ds.caSecret));
            }
            datasourceCa = ca.get();
        }
        DatasourceRequest request = new DatasourceRequest(gateway.key(), throughGateway, gw == null ? null : gw.url,
                gateway.getSpec().upstream.queryFrontend, mode, bearer, datasourceCa, ds.jsonData, ds.nameTemplate,
                gateway.getSpec().tenants.authentication.stream()
                        .map(t -> new DatasourceRequest.Tenant(t.tenantName, t.tenantId)).toList());
        return new GrafanaTarget(connection.connection(), request, null, null);
    }

    /** Only the connection: enough to delete the datasources of a deleted gateway. */
    public static GrafanaTarget connection(TempoGateway gateway, SecretLookup secrets) {
        GrafanaSpec grafana = gateway.getSpec().grafana;
        String namespace = gateway.getMetadata().getNamespace();
        // A user or password (admitted by a CRD before it refused them) would show in every message naming Grafana.
        String grafanaUrlProblem = TenantsValidator.serverUrlProblem(grafana.url);
        if (grafanaUrlProblem != null) {
            return GrafanaTarget.missing(INVALID_SPEC, "spec.grafana.url: " + grafanaUrlProblem);
        }
        GrafanaCredentials credentials = grafana.credentialsSecret;
        Optional<Secret> secret = secrets.find(namespace, credentials.name);
        if (secret.isEmpty()) {
            return GrafanaTarget.missing(CREDENTIALS_MISSING, "Grafana credentials Secret " + credentials.name + " not found");
        }
        String tokenKey = orDefault(credentials.tokenKey, GrafanaCredentials.DEFAULT_TOKEN_KEY);
        String userKey = orDefault(credentials.usernameKey, GrafanaCredentials.DEFAULT_USERNAME_KEY);
        String passwordKey = orDefault(credentials.passwordKey, GrafanaCredentials.DEFAULT_PASSWORD_KEY);
        Optional<String> token = SecretData.get(secret.get(), tokenKey).map(String::trim).filter(v -> !v.isEmpty());
        Optional<String> user = SecretData.get(secret.get(), userKey).map(String::trim).filter(v -> !v.isEmpty());
        Optional<String> password = SecretData.get(secret.get(), passwordKey);
        if (token.isEmpty() && (user.isEmpty() || password.isEmpty())) {
            return GrafanaTarget.missing(CREDENTIALS_MISSING, "Grafana credentials Secret " + credentials.name + " has neither key " + tokenKey
                    + " nor keys " + userKey + " and " + passwordKey);
        }
        String grafanaCa = null;
        if (grafana.caSecret != null) {
            Optional<String> ca = value(namespace, grafana.caSecret, secrets);
            if (ca.isEmpty()) {
                return GrafanaTarget.missing(SECRET_MISSING, describe("Grafana CA", grafana.caSecret));
            }
            grafanaCa = ca.get();
        }
        GrafanaConnection connection = new GrafanaConnection(URI.create(grafana.url), token.orElse(null),
                token.isPresent() ? null : user.get(), token.isPresent() ? null : password.get(), grafana.orgId, grafanaCa);
        return new GrafanaTarget(connection, null, null, null);
    }

    /** The URL without a user or password, for a message. */
    public static String printable(String url) {
        return url == null ? null : url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@", "$1");
    }

    private static Optional<String> value(String namespace, SecretKeyRef ref, SecretLookup secrets) {
        return secrets.find(namespace, ref.name).flatMap(s -> SecretData.get(s, ref.key)).filter(v -> !v.isBlank());
    }

    private static String describe(String what, SecretKeyRef ref) {
        return what + " Secret " + ref.name + " (key " + ref.key + ") not found";
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
