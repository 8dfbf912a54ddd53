package dev.tracegate.provisioner.tempooperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.Authorization;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the provisioner reads from a TempoStack or TempoMonolithic as the operator's API reference describes them. */
class OperatorTenantsTest {

    static GenericKubernetesResource resource(String yaml) {
        return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    }

    static final String TENANTS = """
                mode: %s
                authentication:
                  - tenantName: dev
                    tenantId: dev-id
                    oidc: {issuerURL: "http://dex:5556/dex", secret: {name: dev-oidc}, groupClaim: groups, unknownLater: x}
                authorization:
                  roles: [{name: r, resources: [traces], tenants: [dev], permissions: [read]}]
                  roleBindings: [{name: b, roles: [r], subjects: [{kind: group, name: team}]}]
            """;

    @Test
    void aTempoStacksTenantsAndItsGatewaySwitch() {
        OperatorTenants read = OperatorTenants.read(TempoResourceKind.TEMPO_STACK, resource("""
                apiVersion: tempo.grafana.com/v1alpha1
                kind: TempoStack
                metadata: {name: s}
                spec:
                  template: {gateway: {enabled: true}}
                  tenants:
                """ + TENANTS.formatted("static"))).orElseThrow();

        assertTrue(read.gatewayEnabled());
        assertFalse(read.openShift());
        assertEquals("dev-oidc", read.tenants().authentication.get(0).oidc.secret.name);
        assertEquals("groups", read.tenants().authentication.get(0).oidc.groupClaim);
        assertEquals(List.of(Authorization.Permission.READ), read.tenants().authorization.roles.get(0).permissions);
        assertEquals(Authorization.SubjectKind.GROUP, read.tenants().authorization.roleBindings.get(0).subjects.get(0).kind);
    }

    @Test
    void aTempoStackWithoutTheGatewayOrWithoutTenants() {
        assertFalse(OperatorTenants.read(TempoResourceKind.TEMPO_STACK, resource("""
                apiVersion: tempo.grafana.com/v1alpha1
                kind: TempoStack
                metadata: {name: s}
                spec:
                  tenants:
                """ + TENANTS.formatted("openshift"))).orElseThrow().gatewayEnabled());
        assertTrue(OperatorTenants.read(TempoResourceKind.TEMPO_STACK, resource("""
                apiVersion: tempo.grafana.com/v1alpha1
                kind: TempoStack
                metadata: {name: s}
                spec: {storage: {secret: {name: minio, type: s3}}}
                """)).isEmpty());
    }

    @Test
    void aTempoMonolithicHasTenantsOnlyWithMultitenancyEnabled() {
        OperatorTenants read = OperatorTenants.read(TempoResourceKind.TEMPO_MONOLITHIC, resource("""
                apiVersion: tempo.grafana.com/v1alpha1
                kind: TempoMonolithic
                metadata: {name: m}
                spec:
                  multitenancy:
                    enabled: true
                """ + TENANTS.formatted("openshift"))).orElseThrow();
        assertTrue(read.openShift());
        assertTrue(read.gatewayEnabled(), "the operator runs its gateway for an enabled multitenancy with tenants");

        assertTrue(OperatorTenants.read(TempoResourceKind.TEMPO_MONOLITHIC, resource("""
                apiVersion: tempo.grafana.com/v1alpha1
                kind: TempoMonolithic
                metadata: {name: m}
                spec:
                  multitenancy:
                    enabled: false
                """ + TENANTS.formatted("static"))).isEmpty());
    }
}
