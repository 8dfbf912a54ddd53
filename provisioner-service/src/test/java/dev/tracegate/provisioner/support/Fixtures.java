package dev.tracegate.provisioner.support;

import dev.tracegate.provisioner.crd.Authorization;
import dev.tracegate.provisioner.crd.GatewaySpec;
import dev.tracegate.provisioner.crd.GrafanaCredentials;
import dev.tracegate.provisioner.crd.GrafanaSpec;
import dev.tracegate.provisioner.crd.OidcSpec;
import dev.tracegate.provisioner.crd.SecretName;
import dev.tracegate.provisioner.crd.SecretSyncSpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.crd.TempoGatewaySpec;
import dev.tracegate.provisioner.crd.TenantAuthentication;
import dev.tracegate.provisioner.crd.TenantsSpec;
import dev.tracegate.provisioner.crd.UpstreamSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The seed's example and its variations, as test data. */
public final class Fixtures {
    public static final String GATEWAY = "tempo-foo";
    public static final String GATEWAY_SA = "tracegate-gateway";
    public static final String TENANT = "test-oidc";
    public static final String TENANT_SECRET = "oidc-test";
    public static final String SOURCE_SECRET = "grafana-oauth";
    public static final String GATEWAY_URL = "http://tempo-foo-gateway:8080";
    public static final String QUERY_FRONTEND = "http://tempo-foo-query-frontend:3200";
    public static final String ISSUER = "http://dex:30556/dex";

    private Fixtures() {
    }

    /** A namespace of its own for each test: tests share one mock API server. */
    public static String freshNamespace() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static TempoGateway seedGateway(String namespace) {
        TempoGateway gateway = new TempoGateway();
        gateway.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(GATEWAY).build());
        TempoGatewaySpec spec = new TempoGatewaySpec();
        spec.upstream = new UpstreamSpec();
        spec.upstream.queryFrontend = QUERY_FRONTEND;
        spec.upstream.distributor = "http://tempo-foo-distributor:4318";
        spec.gateway = new GatewaySpec();
        spec.gateway.url = GATEWAY_URL;
        spec.gateway.serviceAccount = new GatewaySpec.ServiceAccountRef();
        spec.gateway.serviceAccount.name = GATEWAY_SA;
        spec.tenants = new TenantsSpec();
        spec.tenants.mode = TenantsSpec.TenantsMode.STATIC;
        spec.tenants.authentication = new ArrayList<>(List.of(tenant(TENANT, TENANT_SECRET)));
        spec.tenants.authorization = new Authorization();
        Authorization.Role role = new Authorization.Role();
        role.name = "read-write";
        role.resources = List.of("traces");
        role.tenants = List.of(TENANT);
        role.permissions = List.of(Authorization.Permission.READ, Authorization.Permission.WRITE);
        Authorization.Subject group = new Authorization.Subject();
        group.kind = Authorization.SubjectKind.GROUP;
        group.name = "tracing-team";
        Authorization.RoleBinding binding = new Authorization.RoleBinding();
        binding.name = "team";
        binding.roles = List.of("read-write");
        binding.subjects = List.of(group);
        spec.tenants.authorization.roles = List.of(role);
        spec.tenants.authorization.roleBindings = List.of(binding);
        spec.secretSync = new SecretSyncSpec();
        spec.secretSync.sourceSecret = SOURCE_SECRET;
        gateway.setSpec(spec);
        return gateway;
    }

    /** The seed's gateway with more tenants, each reading its own Secret {@code oidc-<tenant>}. */
    public static TempoGateway seedGatewayWith(String namespace, String... tenants) {
        TempoGateway gateway = seedGateway(namespace);
        for (String name : tenants) {
            gateway.getSpec().tenants.authentication.add(tenant(name, "oidc-" + name));
        }
        return gateway;
    }

    /** spec.grafana: the Grafana at {@code url}, with the API credentials of the Secret {@code credentialsSecret}. */
    public static GrafanaSpec grafana(String url, String credentialsSecret) {
        GrafanaSpec grafana = new GrafanaSpec();
        grafana.url = url;
        grafana.credentialsSecret = new GrafanaCredentials();
        grafana.credentialsSecret.name = credentialsSecret;
        return grafana;
    }

    public static TenantAuthentication tenant(String name, String secret) {
        TenantAuthentication tenant = new TenantAuthentication();
        tenant.tenantName = name;
        tenant.tenantId = name;
        tenant.oidc = new OidcSpec();
        tenant.oidc.issuerURL = ISSUER;
        tenant.oidc.redirectURL = GATEWAY_URL + "/oidc/" + name + "/callback";
        tenant.oidc.usernameClaim = "email";
        tenant.oidc.groupClaim = "groups";
        tenant.oidc.secret = new SecretName(secret);
        return tenant;
    }

    /** Grafana's OAuth client Secret, with the keys of Grafana's environment. */
    public static Secret grafanaOAuthSecret(String namespace, String clientId, String clientSecret) {
        return secret(namespace, SOURCE_SECRET, Map.of("GF_AUTH_GENERIC_OAUTH_CLIENT_ID", clientId, "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET", clientSecret));
    }

    public static Secret secret(String namespace, String name, Map<String, String> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata().withData(data).build();
    }
}
