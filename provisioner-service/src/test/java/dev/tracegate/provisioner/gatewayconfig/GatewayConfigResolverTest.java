package dev.tracegate.provisioner.gatewayconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.kube.SecretLookup;
import dev.tracegate.provisioner.support.Fixtures;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The document the gateway reads, built from a TempoGateway and its tenants' Secrets (no cluster needed). */
class GatewayConfigResolverTest {
    static final String NS = "observability";

    static SecretLookup only(Secret secret) {
        return (namespace, name) -> namespace.equals(secret.getMetadata().getNamespace()) && name.equals(secret.getMetadata().getName())
                ? Optional.of(secret) : Optional.empty();
    }

    @Test
    void theSeedExampleResolvesToTheDocumentGatewaysRead() {
        Secret secret = Fixtures.secret(NS, Fixtures.TENANT_SECRET, Map.of("clientID", "grafana", "clientSecret", "s3cret", "issuerCAPath", "/etc/ca.pem"));

        ConfigResolution resolution = GatewayConfigResolver.resolve(Fixtures.seedGateway(NS), only(secret));

        ConfigResolution.Resolved resolved = assertInstanceOf(ConfigResolution.Resolved.class, resolution);
        String json = new String(ConfigRepresentations.json(resolved.document()), StandardCharsets.UTF_8);
        assertEquals("{\"tenants\":{\"mode\":\"static\",\"authentication\":[{\"tenantName\":\"test-oidc\",\"tenantId\":\"test-oidc\","
                + "\"oidc\":{\"issuerURL\":\"http://dex:30556/dex\",\"redirectURL\":\"http://tempo-foo-gateway:8080/oidc/test-oidc/callback\","
                + "\"usernameClaim\":\"email\",\"groupClaim\":\"groups\",\"clientID\":\"grafana\",\"clientSecret\":\"s3cret\","
                + "\"issuerCAPath\":\"/etc/ca.pem\"}}],"
                + "\"authorization\":{\"roles\":[{\"name\":\"read-write\",\"resources\":[\"traces\"],\"tenants\":[\"test-oidc\"],"
                + "\"permissions\":[\"read\",\"write\"]}],\"roleBindings\":[{\"name\":\"team\",\"roles\":[\"read-write\"],"
                + "\"subjects\":[{\"kind\":\"group\",\"name\":\"tracing-team\"}]}]}},"
                + "\"upstream\":{\"queryFrontend\":\"http://tempo-foo-query-frontend:3200\",\"distributor\":\"http://tempo-foo-distributor:4318\"}}", json);
    }

    @Test
    void theEtagFollowsTheContentAndNothingElse() {
        TempoGateway gateway = Fixtures.seedGateway(NS);
        Secret first = Fixtures.secret(NS, Fixtures.TENANT_SECRET, Map.of("clientID", "grafana", "clientSecret", "one"));
        Secret same = Fixtures.secret(NS, Fixtures.TENANT_SECRET, Map.of("clientSecret", "one", "clientID", "grafana"));
        Secret rotated = Fixtures.secret(NS, Fixtures.TENANT_SECRET, Map.of("clientID", "grafana", "clientSecret", "two"));

        String a = ((ConfigResolution.Resolved) GatewayConfigResolver.resolve(gateway, only(first))).etag();
        String b = ((ConfigResolution.Resolved) GatewayConfigResolver.resolve(gateway, only(same))).etag();
        String c = ((ConfigResolution.Resolved) GatewayConfigResolver.resolve(gateway, only(rotated))).etag();

        assertEquals(a, b);
        assertNotEquals(a, c);
        assertTrue(a.startsWith("\"") && a.endsWith("\""), "a quoted strong ETag: " + a);
    }

    @Test
    void aMissingSecretOrClientIdIsNamedNeverGuessed() {
        ConfigResolution missing = GatewayConfigResolver.resolve(Fixtures.seedGateway(NS), (ns, name) -> Optional.empty());
        ConfigResolution noClientId = GatewayConfigResolver.resolve(Fixtures.seedGateway(NS),
                only(Fixtures.secret(NS, Fixtures.TENANT_SECRET, Map.of("clientSecret", "s3cret"))));

        assertEquals("Secret oidc-test of tenant test-oidc not found", ((ConfigResolution.Unresolved) missing).message());
        assertEquals("Secret oidc-test of tenant test-oidc has no clientID", ((ConfigResolution.Unresolved) noClientId).message());
    }
}
