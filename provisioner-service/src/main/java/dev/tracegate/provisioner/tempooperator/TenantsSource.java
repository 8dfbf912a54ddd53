package dev.tracegate.provisioner.tempooperator;

import dev.tracegate.provisioner.crd.GatewaySpec;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.crd.TempoGatewaySpec;
import dev.tracegate.provisioner.crd.TenantsFromSpec;
import dev.tracegate.provisioner.crd.UpstreamSpec;
import dev.tracegate.provisioner.secrets.Ownership;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Decides where a TempoGateway's tenants come from: its own spec.tenants, or the TempoStack/TempoMonolithic that
 * spec.tenantsFrom names (read from the API server; never written). For the latter it builds the spec the rest of
 * the reconcile acts on: the operator's tenants, its services as upstream, and its gateway unless the TempoGateway
 * asks for Tracegate's own.
 */
@ApplicationScoped
public class TenantsSource {
    public static final String TENANTS_DECLARED_TWICE = "TenantsDeclaredTwice";
    public static final String TENANTS_MISSING = "TenantsMissing";
    public static final String CRD_MISSING = "TempoOperatorCRDMissing";
    public static final String RESOURCE_NOT_FOUND = "TempoResourceNotFound";
    public static final String NO_TENANTS = "NoTenantsInTempoResource";
    public static final String UNSUPPORTED_MODE = "UnsupportedTenantsMode";
    public static final String GATEWAY_CA_MISSING = "GatewayCAMissing";
    /** OpenShift's service CA, injected into this ConfigMap in every namespace. */
    public static final TenantsFromSpec.ConfigMapKeyRef OPENSHIFT_SERVICE_CA =
            new TenantsFromSpec.ConfigMapKeyRef("openshift-service-ca.crt", "service-ca.crt");

    private final KubernetesClient client;
    private final TempoResourceWatch watch;

    public TenantsSource(KubernetesClient client, TempoResourceWatch watch) {
        this.client = client;
        this.watch = watch;
    }

    public TenantsResolution resolve(TempoGateway gateway) {
        TempoGatewaySpec spec = gateway.getSpec();
        TenantsFromSpec from = spec.tenantsFrom;
        if (from == null) {
            if (spec.tenants == null || spec.tenants.authentication == null) {
                return refused(gateway, TENANTS_MISSING, "set spec.tenants or spec.tenantsFrom", false);
            }
            if (spec.upstream == null) {
                return refused(gateway, TENANTS_MISSING, "spec.upstream is required without spec.tenantsFrom", false);
            }
            return new TenantsResolution.Own(gateway);
        }
        TempoResourceWatch.Ref ref = TempoResourceWatch.Ref.of(gateway).orElseThrow();
        String source = ref.kind().describe(ref.name());
        if (spec.tenants != null) {
            return refused(gateway, TENANTS_DECLARED_TWICE, "spec.tenants and spec.tenantsFrom are both set: the tenants come from "
                    + source + " or from this TempoGateway, not both; remove one", false);
        }
        if (!watch.installed(ref.kind())) {
            return refused(gateway, CRD_MISSING, ref.kind().kind() + " (" + TempoResourceKind.GROUP_VERSION + ") is not served by this "
                    + "cluster: install the Tempo Operator, or declare spec.tenants instead of spec.tenantsFrom", true);
        }
        Optional<GenericKubernetesResource> resource = watch.get(ref);
        if (resource.isEmpty()) {
            return refused(gateway, RESOURCE_NOT_FOUND, source + " not found in namespace " + ref.namespace(), false);
        }
        Optional<OperatorTenants> read = OperatorTenants.read(ref.kind(), resource.get());
        if (read.isEmpty()) {
            String where = ref.kind() == TempoResourceKind.TEMPO_STACK ? "spec.tenants.authentication" : "spec.multitenancy (enabled, authentication)";
            return refused(gateway, NO_TENANTS, source + " declares no tenants in " + where, false);
        }
        OperatorTenants tenants = read.get();
        OwnerReference secretsOwner = Ownership.readFrom(TempoResourceKind.GROUP_VERSION, ref.kind().kind(), resource.get());
        return effective(gateway, ref, source, tenants, secretsOwner);
    }

    private TenantsResolution effective(TempoGateway gateway, TempoResourceWatch.Ref ref, String source, OperatorTenants tenants,
            OwnerReference secretsOwner) {
        TempoGatewaySpec spec = gateway.getSpec();
        boolean ownGateway = spec.gateway != null && Boolean.TRUE.equals(spec.gateway.enabled);
        if (ownGateway && tenants.openShift()) {
            return refused(gateway, UNSUPPORTED_MODE, source + " uses tenants mode openshift, which Tracegate's gateway does not serve: "
                    + "leave spec.gateway.enabled unset to go through the operator's gateway", false);
        }
        TempoGateway effective = client.getKubernetesSerialization().clone(gateway);
        TempoGatewaySpec out = effective.getSpec();
        out.tenantsFrom = null;
        out.tenants = tenants.tenants();
        if (out.upstream == null) {
            out.upstream = new UpstreamSpec();
            out.upstream.queryFrontend = OperatorServices.queryFrontend(ref.kind(), ref.name(), ref.namespace());
            out.upstream.distributor = OperatorServices.distributor(ref.kind(), ref.name(), ref.namespace());
        }
        if (tenants.openShift()) {
            // Users sign in with OpenShift tokens: there are no OIDC Secrets to fill.
            out.secretSync = null;
        }
        boolean operatorGateway = !ownGateway && tenants.gatewayEnabled()
                && (spec.gateway == null || spec.gateway.enabled == null || spec.gateway.enabled);
        String caPem = null;
        if (operatorGateway) {
            TenantsFromSpec.ConfigMapKeyRef ca = spec.tenantsFrom.gatewayCA != null ? spec.tenantsFrom.gatewayCA
                    : tenants.openShift() ? OPENSHIFT_SERVICE_CA : null;
            boolean datasourceCaGiven = spec.grafana != null && spec.grafana.datasource != null && spec.grafana.datasource.caSecret != null;
            if (ca != null && !datasourceCaGiven) {
                Optional<String> pem = configMapValue(ref.namespace(), ca);
                if (pem.isEmpty()) {
                    return refused(gateway, GATEWAY_CA_MISSING, "CA of the operator's gateway: ConfigMap " + ca.name + " (key " + ca.key
                            + ") not found", false);
                }
                caPem = pem.get();
            }
            out.gateway = new GatewaySpec();
            out.gateway.enabled = true;
            out.gateway.url = OperatorServices.gateway(ref.name(), ref.namespace(), ca != null);
        } else if (!ownGateway) {
            // No gateway at all: straight to the query-frontend with X-Scope-OrgID, as without any gateway.
            out.gateway = spec.gateway == null ? new GatewaySpec() : out.gateway;
            out.gateway.enabled = false;
        }
        return new TenantsResolution.FromOperator(effective, source, tenants, operatorGateway, caPem, secretsOwner);
    }

    private Optional<String> configMapValue(String namespace, TenantsFromSpec.ConfigMapKeyRef ref) {
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(ref.name).get();
        return Optional.ofNullable(map).map(ConfigMap::getData).map(d -> d.get(ref.key)).filter(v -> !v.isBlank());
    }

    private static TenantsResolution refused(TempoGateway gateway, String reason, String message, boolean retry) {
        return new TenantsResolution.Refused(gateway, reason, message, retry);
    }
}
